"""content/open-data: every dataset.yaml (for attribution and the open-data page) and the
ward's wide-area evacuation sites (evacuation-sites/), read and validated, then written.

The garbage dictionary's own rows are the garbage domain's; this section records only its
metadata. See content/open-data/README.md for the files.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from ..content.loader import ContentError, ContentInvalid, parse_yaml, plain_values, relative_path, schema_errors
from ..content.official_csv import read_official_csv
from ..content.sync import StoredKind, sync_rows
from ..core.clock import utcnow
from ..core.i18n import LOCALE_CODES
from .models import EvacuationSite, OpenDataset

OPEN_DATA_DIR = "open-data"
EVACUATION_DIR = "open-data/evacuation-sites"
# The ward's hazard columns and the keys our translation files use (README.md).
HAZARD_COLUMNS = {
    "災害種別_洪水": "flood",
    "災害種別_崖崩れ、土石流及び地滑り": "landslide",
    "災害種別_高潮": "storm_surge",
    "災害種別_地震": "earthquake",
    "災害種別_津波": "tsunami",
    "災害種別_大規模な火事": "large_fire",
    "災害種別_内水氾濫": "inland_flooding",
    "災害種別_火山現象": "volcano",
}
HAZARDS = tuple(HAZARD_COLUMNS.values())
SITE_COLUMNS = ("全国地方公共団体コード", "ID", "名称")


class _Bilingual(Schema):
    class Meta:
        unknown = EXCLUDE

    ja = fields.String(required=True)
    en = fields.String(required=True)


class DatasetSchema(Schema):
    """What the open-data page and attribution need; other keys in dataset.yaml are kept as notes."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$"))
    title = fields.Nested(_Bilingual, required=True)
    dataset_url = fields.Url(required=True)
    file_url = fields.Url(required=True)
    file = fields.String(required=True)
    publisher = fields.Dict(required=True)
    licence = fields.Dict(required=True)
    attribution = fields.Nested(_Bilingual, required=True)
    translations_note = fields.Nested(_Bilingual, load_default=None)
    retrieved = fields.Date(required=True)
    record_count = fields.Integer(load_default=None)
    differences_from_official_file = fields.List(fields.String(), load_default=list)
    addresses_not_shown = fields.List(fields.String(), load_default=list)


class SiteTextSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True)
    label = fields.String(required=True)
    romaji = fields.String(load_default=None)
    reading = fields.String(load_default=None)


class SiteTranslationFileSchema(Schema):
    class Meta:
        unknown = RAISE

    locale = fields.String(required=True, validate=validate.OneOf(LOCALE_CODES))
    translation = fields.String(required=True, validate=validate.OneOf(("original", "human", "machine")))
    kind = fields.String(required=True)
    hazards = fields.Dict(keys=fields.String(validate=validate.OneOf(HAZARDS)), values=fields.String(), required=True)
    sites = fields.Dict(keys=fields.String(), values=fields.Nested(SiteTextSchema), required=True)


@dataclass
class OpenDataBundle:
    datasets: dict[str, dict[str, Any]] = field(default_factory=dict)
    sites: list[dict[str, Any]] = field(default_factory=list)


def load_open_data(root: Path, loaded: dict[str, Any]) -> OpenDataBundle | None:
    folder = Path(root) / OPEN_DATA_DIR
    if not folder.is_dir():
        return None
    errors: list[ContentError] = []
    bundle = OpenDataBundle()
    for path in sorted(folder.glob("*/dataset.yaml")):
        rel = relative_path(path, root)
        data, lines = parse_yaml(path.read_text(encoding="utf-8"), rel, 1, errors)
        if not isinstance(data, dict):
            errors.append(ContentError(rel, 1, "expected a mapping"))
            continue
        try:
            meta = DatasetSchema().load(plain_values(data))
        except ValidationError as exc:
            errors.extend(schema_errors(exc, rel, lines, 1))
            continue
        meta["retrieved"] = meta["retrieved"].isoformat()
        meta["folder"] = path.parent.name
        bundle.datasets[meta["id"]] = meta
    if (Path(root) / EVACUATION_DIR).is_dir() and "evacuation-sites" in bundle.datasets:
        _load_sites(Path(root), bundle, errors)
    if errors:
        raise ContentInvalid(errors)
    return bundle


def _load_sites(root: Path, bundle: OpenDataBundle, errors: list[ContentError]) -> None:
    folder = root / EVACUATION_DIR
    meta = bundle.datasets["evacuation-sites"]
    csv_path = folder / Path(meta["file"]).name
    if not csv_path.is_file():
        errors.append(ContentError(relative_path(folder / "dataset.yaml", root), 1, f"file: no such file {meta['file']}"))
        return
    texts: dict[str, dict[str, Any]] = {}
    for path in sorted((folder / "translations").glob("*.yaml")):
        rel = relative_path(path, root)
        data, lines = parse_yaml(path.read_text(encoding="utf-8"), rel, 1, errors)
        if not isinstance(data, dict) or path.stem not in LOCALE_CODES:
            errors.append(ContentError(rel, 1, "expected a mapping in a file named after a locale"))
            continue
        try:
            texts[path.stem] = SiteTranslationFileSchema().load(plain_values(data))
        except ValidationError as exc:
            errors.extend(schema_errors(exc, rel, lines, 1))
    meta["locale_texts"] = {locale: {"kind": t["kind"], "hazards": t["hazards"], "translation": t["translation"]}
                            for locale, t in texts.items()}
    rel = relative_path(csv_path, root)
    seen: set[str] = set()
    for position, record in enumerate(read_official_csv(csv_path, root, SITE_COLUMNS, errors)):
        values = record.values
        official_id, name = values["ID"], values["名称"]
        if not official_id or not name or not official_id.isalnum() or len(official_id) > 32:
            errors.append(ContentError(rel, record.line, "ID and 名称 are required (ID: letters and digits)"))
            continue
        if official_id in seen:
            errors.append(ContentError(rel, record.line, f"duplicate ID {official_id}"))
            continue
        seen.add(official_id)
        hazards = {key: bool(values[column]) and values[column] != "0"
                   for column, key in HAZARD_COLUMNS.items() if column in values}
        labels = {locale: {k: v for k, v in t["sites"][official_id].items() if k != "name" and v}
                  for locale, t in texts.items() if official_id in t["sites"]}
        bundle.sites.append({
            "official_id": official_id, "position": position, "name": name, "kana": values.get("名称_カナ"),
            "address": values.get("所在地_連結表記"), "phone": values.get("電話番号"), "postal_code": values.get("郵便番号"),
            "hazards": hazards, "labels": labels,
        })


DATASETS = StoredKind(OpenDataset, "open-dataset", visible="listed", file_per_item=False)
SITES = StoredKind(EvacuationSite, "evacuation-site", key="official_id", visible="listed", file_per_item=False)


def apply_open_data(bundle: OpenDataBundle | None, report) -> None:
    if bundle is None:
        return
    now = utcnow()
    sync_rows(DATASETS, {dataset_id: {"meta": meta} for dataset_id, meta in bundle.datasets.items()}, report, now)
    sync_rows(SITES, {site["official_id"]: {k: v for k, v in site.items() if k != "official_id"} for site in bundle.sites},
              report, now)

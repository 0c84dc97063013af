"""content/open-data/garbage-sorting: read and validate the ward's CSV and our files beside it, then write rows.

`load_garbage` touches no database and reports every problem as `path:line: message`;
`apply_garbage` runs inside the importer's single transaction. The CSV is the ward's and is
read as published (any of its encodings); translations are keyed by official ID, so a newer
CSV keeps them, and an item nobody has translated yet is shown in Japanese.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from marshmallow import Schema, ValidationError
from sqlalchemy import select

from ..content.loader import ContentError, ContentInvalid, plain_values, relative_path, schema_errors
from ..content.official_csv import read_official_csv
from ..content.sync import StoredKind, sync_rows
from ..core.clock import utcnow
from ..core.extensions import db
from ..core.i18n import LOCALE_CODES
from ..japanese.tokenizer import MAX_CHARS, fold_kana, japanese_tokenizer
from .models import GarbageCategory, GarbageDifference, GarbageItem, GarbageItemTranslation
from .schemas_content import (
    OFFICIAL_ID,
    DifferenceSchema,
    DifferencesFileSchema,
    GarbageCategoriesFileSchema,
    GarbageCategorySchema,
    TranslationEntrySchema,
    TranslationFileSchema,
)

GARBAGE_DIR = "open-data/garbage-sorting"
COL_CODE, COL_ID, COL_GOVERNMENT = "全国地方公共団体コード", "ID", "地方公共団体名"
COL_ITEM, COL_CATEGORY, COL_NOTE = "ゴミの品目", "分別区分", "注意点"
REQUIRED_COLUMNS = (COL_CODE, COL_ID, COL_GOVERNMENT, COL_ITEM, COL_CATEGORY, COL_NOTE)
MAX_NAME, MAX_NOTE = 500, 4000


@dataclass
class GarbageBundle:
    categories: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)  # in the ward's order
    translations: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # locale -> id -> columns
    differences: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the import report: nothing here stops the import


def load_garbage(root: Path, loaded: dict[str, Any]) -> GarbageBundle | None:
    """Validate the folder; None when there is none (content without the dictionary)."""
    folder = Path(root) / GARBAGE_DIR
    if not folder.is_dir():
        return None
    errors: list[ContentError] = []
    bundle = GarbageBundle()
    dataset = _read_mapping(folder / "dataset.yaml", root, errors) or {}
    csv_name = dataset.get("file") if isinstance(dataset.get("file"), str) else None
    if csv_name is None:
        errors.append(ContentError(relative_path(folder / "dataset.yaml", root), 1, "missing key 'file' (the CSV's name)"))
    _load_categories(folder, root, bundle, errors)
    if csv_name is not None:
        csv_path = folder / Path(csv_name).name
        if not csv_path.is_file():
            errors.append(ContentError(relative_path(folder / "dataset.yaml", root), 1, f"file: no such file {csv_name}"))
        else:
            _load_items(csv_path, root, bundle, errors)
    _load_translations(folder, root, bundle, errors)
    _load_differences(folder, root, bundle, errors)
    if errors:
        raise ContentInvalid(errors)
    return bundle


def _read_mapping(path: Path, root: Path, errors: list[ContentError]) -> dict[str, Any] | None:
    if not path.is_file():
        errors.append(ContentError(relative_path(path, root), 1, "no such file"))
        return None
    read = _load_yaml_file(path, root, errors)
    return None if read is None else read[2]


# libyaml when installed: the translation files are large, and the pure-Python parser takes seconds each.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _nested_key_lines(root_node: yaml.Node | None, *path: str) -> dict[str, int]:
    """Line (1-based) of each key of the mapping at `path` (e.g. "items"), or of each list entry."""
    node = root_node
    for key in path:
        if not isinstance(node, yaml.MappingNode):
            return {}
        node = next((value for k, value in node.value if getattr(k, "value", None) == key), None)
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    if isinstance(node, yaml.SequenceNode):
        return {str(index): item.start_mark.line + 1 for index, item in enumerate(node.value)}
    return {}


YamlFile = tuple[str, yaml.Node | None, Any, dict[str, int]]


def _load_yaml_file(path: Path, root: Path, errors: list[ContentError]) -> YamlFile | None:
    """(relative path, node tree, data, line of each top-level key), or None after recording why."""
    rel = relative_path(path, root)
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=_FAST_LOADER)
        data = yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 - a safe loader (libyaml's SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        errors.append(ContentError(rel, mark.line + 1 if mark else 1, f"invalid YAML: {getattr(exc, 'problem', None) or exc}"))
        return None
    if data is None:
        errors.append(ContentError(rel, 1, "empty file"))
        return None
    if not isinstance(data, dict):
        errors.append(ContentError(rel, 1, "expected a mapping"))
        return None
    return rel, node, plain_values(data), _nested_key_lines(node)


def _list_file(path: Path, root: Path, errors: list[ContentError], file_schema: Schema, key: str,
               entry_schema: Schema) -> tuple[dict[str, Any], list[tuple[str, int, dict[str, Any]]]] | None:
    """A YAML file with a list under `key`: its own fields, and each valid entry with its path and line."""
    read = _load_yaml_file(path, root, errors)
    if read is None:
        return None
    rel, node, data, lines = read
    try:
        document = file_schema.load(data)
    except ValidationError as exc:
        errors.extend(schema_errors(exc, rel, lines, 1))
        return None
    entry_lines = _nested_key_lines(node, key)
    entries = []
    for index, raw in enumerate(document[key]):
        line = entry_lines.get(str(index), lines.get(key, 1))
        try:
            entries.append((rel, line, entry_schema.load(raw)))
        except ValidationError as exc:
            errors.extend(schema_errors(exc, rel, {}, line))
    return document, entries


def _load_categories(folder: Path, root: Path, bundle: GarbageBundle, errors: list[ContentError]) -> None:
    path = folder / "categories.yaml"
    if not path.is_file():
        errors.append(ContentError(relative_path(path, root), 1, "no such file"))
        return
    found = _list_file(path, root, errors, GarbageCategoriesFileSchema(), "categories", GarbageCategorySchema())
    if found is None:
        return
    document, entries = found
    seen_ids: set[str] = set()
    seen_values: dict[str, str] = {}
    for position, (rel, line, category) in enumerate(entries):
        if category["id"] in seen_ids:
            errors.append(ContentError(rel, line, f"duplicate category id '{category['id']}'"))
        seen_ids.add(category["id"])
        for value in category["values"]:
            if value in seen_values:
                errors.append(ContentError(rel, line, f"value '{value}' is already under '{seen_values[value]}'"))
            seen_values[value] = category["id"]
        bundle.categories.append({**category, "position": position, "translation": document["translation"]})


def name_reading(name: str) -> str:
    """The hiragana reading of a Japanese name (Sudachi, mode A), for finding 靴 by くつ."""
    tokenizer = japanese_tokenizer()
    return "".join(fold_kana(m.reading_form()) for m in tokenizer.tokenize(name[:MAX_CHARS]))


def _load_items(path: Path, root: Path, bundle: GarbageBundle, errors: list[ContentError]) -> None:
    rel = relative_path(path, root)
    by_value = {value: category["id"] for category in bundle.categories for value in category["values"]}
    first_line: dict[str, int] = {}
    unknown: dict[str, int] = {}
    for position, record in enumerate(read_official_csv(path, root, REQUIRED_COLUMNS, errors)):
        values = record.values
        problems = [f"{column} is empty" for column in (COL_CODE, COL_ID, COL_ITEM, COL_CATEGORY) if not values[column]]
        official_id = values[COL_ID] or ""
        if official_id and not OFFICIAL_ID.match(official_id):
            problems.append(f"ID '{official_id[:40]}' is not letters and digits (at most 32)")
        elif official_id in first_line:
            problems.append(f"duplicate ID {official_id} (first on line {first_line[official_id]})")
        if len(values[COL_ITEM] or "") > MAX_NAME or len(values[COL_NOTE] or "") > MAX_NOTE:
            problems.append(f"{COL_ITEM} or {COL_NOTE} is too long")
        if problems:
            errors.extend(ContentError(rel, record.line, problem) for problem in problems)
            continue
        first_line[official_id] = record.line
        category = values[COL_CATEGORY] or ""
        if category not in by_value:
            unknown.setdefault(category, record.line)
        bundle.items.append({
            "official_id": official_id, "position": position, "official_name": values[COL_ITEM],
            "official_category": category, "official_note": values[COL_NOTE], "category_id": by_value.get(category),
            "reading": name_reading(values[COL_ITEM] or ""),
        })
    for value, line in unknown.items():
        bundle.notes.append(f"{rel}:{line}: 分別区分 '{value}' is in no category of categories.yaml: "
                            "shown as written until it is added there")


def _load_translations(folder: Path, root: Path, bundle: GarbageBundle, errors: list[ContentError]) -> None:
    ids = {item["official_id"] for item in bundle.items}
    for path in sorted((folder / "translations").glob("*.yaml")):
        read = _load_yaml_file(path, root, errors)
        if read is None:
            continue
        rel, node, data, lines = read
        if path.stem not in LOCALE_CODES:
            errors.append(ContentError(rel, 1, f"file name must be a locale: one of {', '.join(LOCALE_CODES)}"))
            continue
        try:
            document = TranslationFileSchema().load(data)
        except ValidationError as exc:
            errors.extend(schema_errors(exc, rel, lines, 1))
            continue
        if document["locale"] != path.stem:
            errors.append(ContentError(rel, lines.get("locale", 1), f"locale '{document['locale']}' differs from the file name"))
            continue
        entries = bundle.translations.setdefault(path.stem, {})
        item_lines = _nested_key_lines(node, "items")
        removed = []
        for official_id, raw in document["items"].items():
            line = item_lines.get(official_id, lines.get("items", 1))
            try:
                entry = TranslationEntrySchema().load(raw if raw is not None else {})
            except ValidationError as exc:
                errors.extend(schema_errors(exc, rel, {}, line))
                continue
            if path.stem != "ja" and not entry["name"]:
                errors.append(ContentError(rel, line, f"{official_id}: missing key 'name'"))
                continue
            if ids and official_id not in ids:
                removed.append(official_id)
                continue
            entries[official_id] = {**entry, "translation": document["translation"]}
        if removed:
            bundle.notes.append(f"{rel}: {len(removed)} entries for IDs not in the ward's file (ignored; delete them): "
                                + ", ".join(removed[:10]) + (" ..." if len(removed) > 10 else ""))
    for locale in LOCALE_CODES:
        if locale == "ja":
            continue
        missing = [item["official_id"] for item in bundle.items if item["official_id"] not in bundle.translations.get(locale, {})]
        if missing:
            bundle.notes.append(f"{GARBAGE_DIR}/translations/{locale}.yaml: {len(missing)} items not translated yet "
                                "(shown in Japanese): " + ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else ""))


def _load_differences(folder: Path, root: Path, bundle: GarbageBundle, errors: list[ContentError]) -> None:
    path = folder / "known-differences.yaml"
    if not path.is_file():
        return
    found = _list_file(path, root, errors, DifferencesFileSchema(), "differences", DifferenceSchema())
    if found is None:
        return
    categories = {category["id"] for category in bundle.categories}
    for rel, line, entry in found[1]:
        if entry["category_now"] is not None and entry["category_now"] not in categories:
            errors.append(ContentError(rel, line, f"category_now: no category '{entry['category_now']}'"))
            continue
        bundle.differences.append(entry)


# ---- writing -------------------------------------------------------------------------------------

CATEGORIES = StoredKind(GarbageCategory, "garbage-category", visible="listed", file_per_item=False)
ITEMS = StoredKind(GarbageItem, "garbage-item", key="official_id", visible="listed", file_per_item=False)
DIFFERENCES = StoredKind(GarbageDifference, "garbage-difference", visible="listed", file_per_item=False)


def apply_garbage(bundle: GarbageBundle | None, report) -> None:
    """Bring the dictionary's rows in line with the files (inside the import's transaction)."""
    if bundle is None:
        return
    now = utcnow()
    sync_rows(CATEGORIES, {
        c["id"]: {"position": c["position"], "values": list(c["values"]), "group": c["group"], "oversized": c["oversized"],
                  "page": c["page"], "colour": c["colour"], "icon": c["icon"], "names": dict(c["name"])}
        for c in bundle.categories
    }, report, now)
    sync_rows(ITEMS, {item["official_id"]: {k: v for k, v in item.items() if k != "official_id"} for item in bundle.items},
              report, now)
    db.session.flush()
    _sync_translations(bundle, report)
    sync_rows(DIFFERENCES, {
        d["id"]: {"since": d["since"], "source": d["source"], "official_ids": list(d["ids"]),
                  "category_now": d["category_now"], "notices": dict(d["notice"])}
        for d in bundle.differences
    }, report, now)
    report.notes.extend(bundle.notes)


def _sync_translations(bundle: GarbageBundle, report) -> None:
    """One row per (official ID, locale) that has an entry; rows of items still listed but no longer
    translated are deleted (the item falls back to Japanese); rows of dropped items are kept with them."""
    existing = {(row.official_id, row.locale): row for row in db.session.scalars(select(GarbageItemTranslation))}
    listed = {item["official_id"] for item in bundle.items}
    for locale, entries in bundle.translations.items():
        for official_id, entry in entries.items():
            row = existing.pop((official_id, locale), None)
            columns = {"name": entry["name"], "note": entry["note"], "also": list(entry["also"]),
                       "translation": entry["translation"]}
            if row is None:
                db.session.add(GarbageItemTranslation(official_id=official_id, locale=locale, **columns))
                report.added.append(f"garbage-translation:{locale}:{official_id}")
            elif any(getattr(row, column) != value for column, value in columns.items()):
                for column, value in columns.items():
                    setattr(row, column, value)
                report.updated.append(f"garbage-translation:{locale}:{official_id}")
    for (official_id, locale), row in existing.items():
        if official_id in listed:
            db.session.delete(row)
            report.unpublished.append(f"garbage-translation:{locale}:{official_id}")


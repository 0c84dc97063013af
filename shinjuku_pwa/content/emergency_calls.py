"""The emergency numbers (content/emergency/calls.yaml): 119, 110 and #7119 with the official wording.

Read straight from CONTENT_DIR when a page needs them (a small file, cached per modification time),
and validated by `content import`, so a broken file stops an import rather than reaching a page.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from ..core.i18n import LOCALE_CODES
from .schemas import SLUG, TRANSLATION_KINDS, _localized_names

CALLS_FILE = Path("emergency") / "calls.yaml"


@dataclass(frozen=True)
class EmergencyCall:
    id: str
    number: str
    dial: str  # what follows tel: ("#" written %23)
    label: dict[str, str]
    when: dict[str, str]
    translation: dict[str, str]
    source: tuple[str, ...]

    def label_in(self, lang: str) -> str:
        return self.label.get(lang) or self.label["ja"]

    def when_in(self, lang: str) -> str:
        return self.when.get(lang) or self.when["ja"]

    def is_machine_translated(self, lang: str) -> bool:
        return self.translation.get(lang) == "machine"


class _CallSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=validate.Regexp(SLUG))
    number = fields.String(required=True, validate=validate.Regexp(r"^#?[0-9]{3,4}$"))
    dial = fields.String(required=True, validate=validate.Regexp(r"^(%23)?[0-9]{3,4}$"))
    label = _localized_names(LOCALE_CODES)
    when = fields.Dict(keys=fields.String(validate=validate.OneOf(LOCALE_CODES)),
                       values=fields.String(validate=validate.Length(min=1, max=1000)), required=True,
                       validate=lambda texts: _every_locale_keeps_the_number(texts))
    translation = fields.Dict(keys=fields.String(validate=validate.OneOf(LOCALE_CODES)),
                              values=fields.String(validate=validate.OneOf(TRANSLATION_KINDS)), required=True)
    source = fields.List(fields.Url(schemes={"http", "https"}), required=True, validate=validate.Length(min=1))


def _every_locale_keeps_the_number(texts: dict[str, str]) -> None:
    missing = [code for code in LOCALE_CODES if not texts.get(code)]
    if missing:
        raise ValidationError(f"missing locales: {', '.join(missing)}")


class _CallsFileSchema(Schema):
    class Meta:
        unknown = RAISE

    reviewed = fields.Date(required=True)
    calls = fields.List(fields.Nested(_CallSchema), required=True, validate=validate.Length(min=1))


class EmergencyCallsInvalid(ValueError):
    """calls.yaml is missing a required part; the message names it."""


def parse_emergency_calls(text: str) -> tuple[dt.date, tuple[EmergencyCall, ...]]:
    """Validate the file's text: every call has a label and the wording in all nine locales."""
    try:
        data = _CallsFileSchema().load(yaml.safe_load(text) or {})
    except (ValidationError, yaml.YAMLError) as exc:
        raise EmergencyCallsInvalid(str(exc)) from exc
    calls = []
    for raw in data["calls"]:
        # The number must be in the wording of every locale: a translation never drops or changes it.
        bare = raw["number"].lstrip("#")
        wrong = [code for code, text in raw["when"].items() if bare not in text]
        if wrong:
            raise EmergencyCallsInvalid(f"{raw['id']}: the wording in {', '.join(wrong)} does not give {raw['number']}")
        if raw["dial"].replace("%23", "#") != raw["number"]:
            raise EmergencyCallsInvalid(f"{raw['id']}: dial {raw['dial']} does not call {raw['number']}")
        calls.append(EmergencyCall(raw["id"], raw["number"], raw["dial"], dict(raw["label"]), dict(raw["when"]),
                                   dict(raw["translation"]), tuple(raw["source"])))
    return data["reviewed"], tuple(calls)


@lru_cache(maxsize=4)
def _load(path: str, _mtime_ns: int) -> tuple[EmergencyCall, ...]:
    return parse_emergency_calls(Path(path).read_text(encoding="utf-8"))[1]


def get_emergency_calls(content_dir: str | Path) -> tuple[EmergencyCall, ...]:
    """The calls in the order their buttons are shown; an empty tuple when the file is missing."""
    path = Path(content_dir) / CALLS_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return ()
    return _load(str(path), mtime)

"""marshmallow schemas for what authors write under content/."""
from __future__ import annotations

import re

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from ..core.i18n import LOCALE_CODES

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TRANSLATION_KINDS = ("original", "human", "machine")


def _localized_names(required: tuple[str, ...]) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(LOCALE_CODES)),
        values=fields.String(validate=validate.Length(min=1, max=200)),
        required=True,
        validate=lambda names: _require_locales(names, required),
    )


def _require_locales(names: dict, required: tuple[str, ...]) -> None:
    missing = [code for code in required if not names.get(code)]
    if missing:
        raise ValidationError(f"missing locales: {', '.join(missing)}")


class CategorySchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=validate.Regexp(SLUG))
    icon = fields.String(load_default="")
    name = _localized_names(LOCALE_CODES)


class DepartmentSchema(Schema):
    class Meta:
        unknown = RAISE

    name = _localized_names(("ja", "en"))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[0-9][0-9-]{8,14}$"))
    email = fields.Email(load_default=None, allow_none=True)
    location = fields.Dict(
        keys=fields.String(validate=validate.OneOf(LOCALE_CODES)), values=fields.String(), load_default=dict
    )
    # Where the section sits, as data worded per language by the templates (issue 16); replaces `location`.
    place = fields.Nested(lambda: PlaceSchema(), load_default=None)
    # The locales whose `location` text is a machine translation (issue 16): each must have a text;
    # stored as location_machine_translated.
    machine_translated = fields.List(fields.String(validate=validate.OneOf(LOCALE_CODES)), load_default=list)
    source = fields.Url(required=True, schemes={"https", "http"})
    reviewed = fields.Date(required=True)

    @validates_schema
    def one_way_to_say_where(self, data, **kwargs) -> None:
        if data.get("place") and data.get("location"):
            raise ValidationError("give either place (building, floor, desk) or location, not both")
        untranslated = [code for code in data.get("machine_translated", ()) if not data.get("location", {}).get(code)]
        if untranslated:
            raise ValidationError(f"machine_translated names locales without a location text: {', '.join(untranslated)}")

    @post_load
    def place_as_location(self, data, **kwargs) -> dict:
        """Stored in the location column: {"place": {...}} instead of {locale: text}."""
        data["location_machine_translated"] = data.pop("machine_translated")  # readers are told, beside the text
        place = data.pop("place", None)
        if place:
            data["location"] = {"place": place}
        return data


BUILDINGS = ("main-office", "first-annex", "second-annex-bunkan")  # 本庁舎, 第一分庁舎, 第2分庁舎分館


class PlaceSchema(Schema):
    class Meta:
        unknown = RAISE

    building = fields.String(required=True, validate=validate.OneOf(BUILDINGS))
    floor = fields.Integer(required=True, validate=validate.Range(min=-3, max=30))
    # The desk's name ({locale: text}, ja first): shown in Japanese (lang="ja") where not translated.
    desk = fields.Dict(keys=fields.String(validate=validate.OneOf(LOCALE_CODES)),
                       values=fields.String(validate=validate.Length(min=1)), load_default=None)


class PageFrontMatterSchema(Schema):
    class Meta:
        unknown = RAISE

    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    summary = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    category = fields.String(required=True)
    department = fields.String(required=True)
    reviewed = fields.Date(required=True)
    source = fields.Url(required=True, schemes={"https", "http"})
    translation = fields.String(required=True, validate=validate.OneOf(TRANSLATION_KINDS))
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=60)), load_default=list)
    related = fields.List(fields.String(validate=validate.Regexp(SLUG)), load_default=list)

    @validates_schema
    def related_is_not_self_listed_twice(self, data, **kwargs) -> None:
        if len(set(data.get("related", []))) != len(data.get("related", [])):
            raise ValidationError("listed twice", "related")

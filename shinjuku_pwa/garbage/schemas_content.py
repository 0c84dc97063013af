"""Schemas for the YAML files beside the ward's garbage CSV (content/open-data/README.md)."""
from __future__ import annotations

import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ..core.i18n import LOCALE_CODES

OFFICIAL_ID = re.compile(r"^[0-9A-Za-z]{1,32}$")
CATEGORY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
GROUPS = ("burnable", "metal-ceramic-glass", "oversized", "resources", "not-collected")
TRANSLATION_KINDS = ("original", "human", "machine")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


def _names(longest: int = 200) -> fields.Dict:
    return fields.Dict(keys=fields.String(validate=validate.OneOf(LOCALE_CODES)),
                       values=fields.String(validate=validate.Length(min=1, max=longest)), required=True)


class GarbageCategorySchema(_Strict):
    id = fields.String(required=True, validate=validate.Regexp(CATEGORY_ID))
    values = fields.List(fields.String(validate=validate.Length(min=1, max=200)), required=True,
                         validate=validate.Length(min=1))
    group = fields.String(required=True, validate=validate.OneOf(GROUPS))
    oversized = fields.Boolean(required=True)
    page = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    colour = fields.String(required=True, validate=validate.Regexp(COLOUR))
    icon = fields.String(required=True, validate=validate.Regexp(CATEGORY_ID))
    name = _names()

    @validates_schema
    def japanese_name_required(self, data: dict, **kwargs: object) -> None:
        if "ja" not in data.get("name", {}):
            raise ValidationError("a Japanese name (ja) is required", "name")


class GarbageCategoriesFileSchema(_Strict):
    translation = fields.String(required=True, validate=validate.OneOf(TRANSLATION_KINDS))
    categories = fields.List(fields.Dict(), required=True)


class TranslationEntrySchema(_Strict):
    name = fields.String(load_default=None, validate=validate.Length(min=1, max=300))
    note = fields.String(load_default=None, validate=validate.Length(min=1, max=2000))
    also = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=list)


class TranslationFileSchema(_Strict):
    locale = fields.String(required=True, validate=validate.OneOf(LOCALE_CODES))
    translation = fields.String(required=True, validate=validate.OneOf(TRANSLATION_KINDS))
    items = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True)


class DifferenceSchema(_Strict):
    id = fields.String(required=True, validate=validate.Regexp(CATEGORY_ID))
    since = fields.Date(load_default=None)
    source = fields.Url(required=True, schemes={"https", "http"})
    ids = fields.List(fields.String(validate=validate.Regexp(OFFICIAL_ID)), required=True, validate=validate.Length(min=1))
    category_now = fields.String(load_default=None, allow_none=True)
    notice = _names(longest=2000)


class DifferencesFileSchema(_Strict):
    reviewed = fields.Date(required=True)
    translation = fields.String(required=True, validate=validate.OneOf(TRANSLATION_KINDS))
    differences = fields.List(fields.Dict(), required=True)

"""Input and output schemas of the garbage dictionary: the JSON API and the resident page's form."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext
from marshmallow import EXCLUDE, Schema, fields, validate

from ..core.api_fields import ApiSchema, InputSchema, ReaderLangField
from .matching import MAX_QUERY

_NOT_VALID = lazy_gettext("This value is not valid.")


class CategoryField(fields.String):
    """A category id; empty (a form's "all categories") means no filter, an unknown id is a 404."""

    def deserialize(self, value: object, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        return super().deserialize(None if value == "" else value, attr, data, **kwargs)


def _category() -> fields.String:
    return CategoryField(load_default=None, validate=validate.Length(max=64, error=_NOT_VALID))


def _query(default: str | None) -> fields.String:
    return fields.String(load_default=default, validate=validate.Length(max=MAX_QUERY, error=_NOT_VALID))


def _page_number() -> fields.Integer:
    return fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000, error=_NOT_VALID))


class GarbageItemListArgs(ApiSchema):
    q = _query(None)
    lang = ReaderLangField()
    category = _category()
    page = _page_number()
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100, error=_NOT_VALID))


class GarbageItemArgs(ApiSchema):
    lang = ReaderLangField()


class GarbagePageArgs(InputSchema):
    """The resident page's search form (GET): unknown parameters are ignored, not refused."""

    class Meta:
        unknown = EXCLUDE

    q = _query("")
    category = _category()
    page = _page_number()


class GarbageCategoryRefSchema(Schema):
    id = fields.String(allow_none=True, metadata={"description": "null for a 分別区分 in no category yet"})
    name = fields.String()


class GarbageItemSchema(Schema):
    official_id = fields.String()
    official_name = fields.String(metadata={"description": "ゴミの品目, exactly as in the ward's dataset"})
    official_category = fields.String(metadata={"description": "分別区分, exactly as in the ward's dataset"})
    name = fields.String(metadata={"description": "The item's name in `lang` (the Japanese name when untranslated)"})
    category = fields.Nested(GarbageCategoryRefSchema)
    note = fields.String(allow_none=True)
    lang = fields.String(metadata={"description": "The language of `name`"})
    fallback = fields.Boolean(metadata={"description": "True when `name` is not in the requested language"})
    machine_translated = fields.Boolean()
    notices = fields.List(fields.String(), metadata={"description": "Newer ward rules that differ from the dataset"})
    url = fields.String()


class GarbageItemListSchema(Schema):
    items = fields.List(fields.Nested(GarbageItemSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()

"""Input and output schemas for pages: the HTML feedback form and the JSON API."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from ..core.api_fields import ApiSchema, InputSchema, ReaderLangField


class FeedbackArgs(InputSchema):
    class Meta:
        unknown = EXCLUDE  # the form's CSRF token and button names are not ours to judge

    helpful = fields.String(required=True, validate=validate.OneOf(("yes", "no")))


class LangArgs(ApiSchema):
    lang = ReaderLangField()


class PageListArgs(ApiSchema):
    lang = ReaderLangField()
    category = fields.String(load_default=None, validate=validate.Length(max=64))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class CategorySchema(Schema):
    id = fields.String()
    name = fields.String()
    page_count = fields.Integer()
    url = fields.String()


class DepartmentSchema(Schema):
    id = fields.String()
    name = fields.String()
    name_ja = fields.String()
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)


class PageSummarySchema(Schema):
    slug = fields.String()
    lang = fields.String()
    fallback = fields.Boolean()
    title = fields.String()
    summary = fields.String()
    category = fields.String()
    url = fields.String()


class PageListSchema(Schema):
    items = fields.List(fields.Nested(PageSummarySchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class PageSchema(Schema):
    slug = fields.String()
    lang = fields.String(metadata={"description": "The language actually served"})
    requested_lang = fields.String()
    fallback = fields.Boolean(metadata={"description": "True when ja-easy or ja is served instead"})
    title = fields.String()
    summary = fields.String()
    body_html = fields.String()
    category = fields.String()
    department = fields.Nested(DepartmentSchema)
    source = fields.String()
    reviewed = fields.Date()
    translation = fields.String()
    related = fields.List(fields.String())
    url = fields.String()

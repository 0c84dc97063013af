"""Input and output schemas for search: the HTML form, the JSON API and its answers."""
from __future__ import annotations

from flask_babel import lazy_gettext
from marshmallow import EXCLUDE, Schema, fields, validate

from ..core.api_fields import ApiSchema, ReaderLangField
from .query import MAX_QUERY_CHARS

_too_long = lazy_gettext("Please use at most {max} characters to search.")


def QueryField(**kwargs) -> fields.String:  # noqa: N802 - reads like a field class
    return fields.String(load_default="", validate=validate.Length(max=MAX_QUERY_CHARS, error=_too_long), **kwargs)


def _filter(length: int) -> fields.String:
    return fields.String(load_default=None, validate=validate.Length(max=length))


class SearchPageArgs(Schema):
    """The HTML search form: a GET form, so unknown parameters (tracking tags) are ignored."""

    class Meta:
        unknown = EXCLUDE

    q = QueryField()
    category = _filter(64)
    type = _filter(32)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100))


class SearchArgs(ApiSchema):
    refuses_unstorable_text = False  # any text is cleaned for search (analysis.clean_text)
    q = QueryField(metadata={"description": f"What to search for, at most {MAX_QUERY_CHARS} characters"})
    lang = ReaderLangField()
    category = _filter(64)
    type = _filter(32)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100))
    per_page = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class SuggestArgs(ApiSchema):
    refuses_unstorable_text = False
    q = QueryField()
    lang = ReaderLangField()


class SearchResultSchema(Schema):
    type = fields.String()
    id = fields.String()
    title = fields.String()
    url = fields.String()
    snippet = fields.String(metadata={"description": "HTML: escaped text with <mark> around matches"})
    category = fields.String()
    score = fields.Float()
    lang = fields.String(metadata={"description": "Language of title and snippet"})
    fallback = fields.Boolean(metadata={"description": "True when shown in another language than requested"})
    best_bet = fields.Boolean()


class FacetSchema(Schema):
    value = fields.String()
    name = fields.String()
    count = fields.Integer()


class FacetsSchema(Schema):
    category = fields.List(fields.Nested(FacetSchema))
    type = fields.List(fields.Nested(FacetSchema))


class SearchResponseSchema(Schema):
    query = fields.String()
    lang = fields.String()
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    results = fields.List(fields.Nested(SearchResultSchema))
    facets = fields.Nested(FacetsSchema)
    suggestion = fields.String(allow_none=True, metadata={"description": "A corrected query, when a word looks misspelt"})
    other_languages_only = fields.Boolean()


class CompletionSchema(Schema):
    type = fields.String()
    id = fields.String()
    title = fields.String()
    url = fields.String()
    lang = fields.String()


class SuggestResponseSchema(Schema):
    query = fields.String()
    lang = fields.String()
    suggestions = fields.List(fields.Nested(CompletionSchema))

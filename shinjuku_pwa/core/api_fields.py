"""Shared pieces of input schemas: text a database cannot store is refused, unknown API fields
are refused, and messages are in the reader's language."""
from __future__ import annotations

import re
from collections.abc import Iterator

from flask_babel import lazy_gettext
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from .i18n import DEFAULT_LOCALE, LOCALE_CODES, request_locale_from_headers

# marshmallow's own messages are English; these are the ones a stranger's bad input meets,
# wrapped so the 422 answer is in the reader's language. Formatting placeholders are not used:
# lazy strings are only formatted by marshmallow when they are plain str.
_FIELD_MESSAGES = {
    "required": lazy_gettext("This field is required."),
    "null": lazy_gettext("This field may not be empty."),
    "validator_failed": lazy_gettext("This value is not valid."),
}
_TYPE_MESSAGES = {  # most specific classes first
    fields.String: lazy_gettext("Not a valid text."),
    fields.Integer: lazy_gettext("Not a valid whole number."),
    fields.Boolean: lazy_gettext("Not a valid yes/no value."),
    fields.Date: lazy_gettext("Not a valid date (use YYYY-MM-DD)."),
    fields.DateTime: lazy_gettext("Not a valid date and time."),
    fields.List: lazy_gettext("Not a valid list."),
    fields.Dict: lazy_gettext("Not a valid object."),
}


# NUL and the other C0 controls (tab and line breaks allowed), DEL, and lone surrogates: no person
# types them, PostgreSQL refuses NUL in text and UTF-8 cannot encode a lone surrogate, so letting
# them through would end in a database error instead of an answer.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# The same rule as a JSON Schema pattern, so the OpenAPI document says what is refused. Lone
# surrogates are left out of it: JSON text cannot hold one unescaped, and a surrogate range makes
# the pattern unusable to tools that generate requests from the document (schemathesis).
STORABLE_TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"


def _strings(value, name: str | None = None) -> Iterator[tuple[str | None, str]]:
    """Every string in decoded input, with the top-level field it sits under."""
    if isinstance(value, str):
        yield name, value
    elif hasattr(value, "lists"):  # a form or query string: every value of every key
        for key, values in value.lists():
            for item in values:
                yield from _strings(item, key)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, name or str(key))
            yield from _strings(item, name or str(key))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item, name)


class InputSchema(Schema):
    """Base for every schema that reads what a stranger sends: unstorable text is a 4xx."""

    refuses_unstorable_text = True  # search turns this off: it cleans any text itself

    @pre_load
    def refuse_unstorable_text(self, data: object, **kwargs: object) -> object:
        if self.refuses_unstorable_text:
            bad = sorted({name or "_schema" for name, text in _strings(data) if _UNSTORABLE.search(text)})
            if bad:
                message = str(lazy_gettext("This text contains characters that cannot be used."))
                raise ValidationError({name: [message] for name in bad})
        return data


class ApiSchema(InputSchema):
    """Base for every API schema that reads a stranger's input: unknown fields are refused too."""

    class Meta:
        unknown = RAISE

    error_messages = {
        "unknown": lazy_gettext("Unknown field."),
        "type": lazy_gettext("Invalid input type."),
    }

    def on_bind_field(self, field_name, field_obj) -> None:
        # Fields are copied per schema instance, so this changes only API input, never the
        # English messages content authors see from the importer.
        messages = {**field_obj.error_messages, **_FIELD_MESSAGES}
        for field_class, message in _TYPE_MESSAGES.items():
            if isinstance(field_obj, field_class):
                messages["invalid"] = message
                break
        field_obj.error_messages = messages
        if self.refuses_unstorable_text and isinstance(field_obj, fields.String) and "pattern" not in field_obj.metadata:
            field_obj.metadata = {**field_obj.metadata, "pattern": STORABLE_TEXT_PATTERN}


def LangField(**kwargs) -> fields.String:  # noqa: N802 - reads like a field class
    return fields.String(
        validate=validate.OneOf(LOCALE_CODES, error=lazy_gettext("Must be one of: {choices}.")),
        **kwargs,
    )


def ReaderLangField() -> fields.String:  # noqa: N802 - reads like a field class
    """The language of an API read: `lang` when given, else the one the HTML pages would pick (the
    lang cookie, else Accept-Language), so a client that sends no `lang` gets what its answer's
    `Vary: Accept-Language, Cookie` promises. page_cache.answer_key keys cached answers the same way."""
    return LangField(load_default=request_locale_from_headers, metadata={
        "description": f"The language to answer in. Without it: the `lang` cookie, else the first language of "
                       f"Accept-Language this site has, else {DEFAULT_LOCALE}.",
    })

"""Shared pieces of API schemas: strict unknown-field handling and messages in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext
from marshmallow import RAISE, Schema, fields, validate

from .i18n import LOCALE_CODES

# marshmallow's own messages are English; these are the ones a stranger's bad input meets,
# wrapped so the 422 answer is in the reader's language.
_FIELD_MESSAGES = {
    "required": lazy_gettext("This field is required."),
    "null": lazy_gettext("This field may not be empty."),
    "validator_failed": lazy_gettext("This value is not valid."),
}
_TYPE_MESSAGES = {
    fields.String: lazy_gettext("Not a valid text."),
    fields.Integer: lazy_gettext("Not a valid whole number."),
    fields.Boolean: lazy_gettext("Not a valid yes/no value."),
    fields.Date: lazy_gettext("Not a valid date (use YYYY-MM-DD)."),
    fields.DateTime: lazy_gettext("Not a valid date and time."),
    fields.List: lazy_gettext("Not a valid list."),
    fields.Dict: lazy_gettext("Not a valid object."),
    fields.Url: lazy_gettext("Not a valid URL."),
    fields.Email: lazy_gettext("Not a valid email address."),
}


def translate_marshmallow_messages() -> None:
    """Install translated default messages on marshmallow's field classes (once, at start-up)."""
    fields.Field.default_error_messages.update(_FIELD_MESSAGES)
    for field_class, message in _TYPE_MESSAGES.items():
        field_class.default_error_messages = {**field_class.default_error_messages, "invalid": message}


class ApiSchema(Schema):
    """Base for every schema that reads a stranger's input: unknown fields are refused."""

    class Meta:
        unknown = RAISE

    error_messages = {
        "unknown": lazy_gettext("Unknown field."),
        "type": lazy_gettext("Invalid input type."),
    }


def LangField(**kwargs) -> fields.String:  # noqa: N802 - reads like a field class
    return fields.String(
        validate=validate.OneOf(LOCALE_CODES, error=lazy_gettext("Must be one of: {choices}.")),
        **kwargs,
    )

"""Shared pieces of API schemas: strict unknown-field handling and messages in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext
from marshmallow import RAISE, Schema, fields, validate

from .i18n import LOCALE_CODES

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


class ApiSchema(Schema):
    """Base for every schema that reads a stranger's input: unknown fields are refused."""

    class Meta:
        unknown = RAISE

    error_messages = {
        "unknown": lazy_gettext("Unknown field."),
        "type": lazy_gettext("Invalid input type."),
    }

    def on_bind_field(self, field_name, field_obj):
        # Fields are copied per schema instance, so this changes only API input, never the
        # English messages content authors see from the importer.
        messages = {**field_obj.error_messages, **_FIELD_MESSAGES}
        for field_class, message in _TYPE_MESSAGES.items():
            if isinstance(field_obj, field_class):
                messages["invalid"] = message
                break
        field_obj.error_messages = messages


def LangField(**kwargs) -> fields.String:  # noqa: N802 - reads like a field class
    return fields.String(
        validate=validate.OneOf(LOCALE_CODES, error=lazy_gettext("Must be one of: {choices}.")),
        **kwargs,
    )

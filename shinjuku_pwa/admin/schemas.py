"""Input (`*Args`) and output (`*Schema`) schemas: the console's forms and the staff JSON API."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields, validate

from ..core.api_fields import ApiSchema, InputSchema
from ..staff.models import StaffRole

ROLE_VALUES = [role.value for role in StaffRole]
_REQUIRED = {"required": _l("This field is required."), "null": _l("This field is required.")}


class FormArgs(InputSchema):
    """A console form: the CSRF token and button names are not ours to judge."""

    class Meta:
        unknown = EXCLUDE


def _email_field() -> fields.String:
    return fields.String(
        required=True, error_messages=_REQUIRED,
        validate=[validate.Length(max=254, error=_l("Too long.")), validate.Email(error=_l("Enter a valid e-mail address."))],
    )


def _password_field() -> fields.String:
    # Length rules for new passwords are auth.password_problems(); this only bounds the input.
    return fields.String(required=True, validate=validate.Length(min=1, max=1024, error=_l("This field is required.")),
                         error_messages=_REQUIRED)


def _role_field() -> fields.String:
    return fields.String(required=True, validate=validate.OneOf(ROLE_VALUES, error=_l("Choose a role.")),
                         error_messages=_REQUIRED)


class LoginArgs(FormArgs):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254), error_messages=_REQUIRED)
    password = _password_field()
    next = fields.String(load_default="")


class PasswordChangeArgs(FormArgs):
    current_password = _password_field()
    new_password = _password_field()
    new_password_again = _password_field()


class StaffCreateArgs(FormArgs):
    email = _email_field()
    role = _role_field()
    password = _password_field()


class RoleArgs(FormArgs):
    role = _role_field()


class TokenCreateArgs(FormArgs):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100, error=_l("1 to 100 characters.")),
                         error_messages=_REQUIRED)


class AuditFilterArgs(FormArgs):
    """The audit page's filter form (GET); empty fields mean "any"."""

    actor = fields.String(load_default=None, validate=validate.Length(max=254))
    action = fields.String(load_default=None, validate=validate.Length(max=64))
    object_type = fields.String(load_default=None, validate=validate.Length(max=64))
    object_id = fields.String(load_default=None, validate=validate.Length(max=64))
    since = fields.Date(load_default=None)
    until = fields.Date(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))


class AuditQueryArgs(ApiSchema):
    actor = fields.String(load_default=None, validate=validate.Length(max=254))
    action = fields.String(load_default=None, validate=validate.Length(max=64),
                           metadata={"description": "Exact (staff.created) or a family ending in a dot (staff.)"})
    object_type = fields.String(load_default=None, validate=validate.Length(max=64))
    object_id = fields.String(load_default=None, validate=validate.Length(max=64))
    since = fields.Date(load_default=None, metadata={"description": "First Tokyo calendar day included"})
    until = fields.Date(load_default=None, metadata={"description": "Last Tokyo calendar day included"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "The token's first characters, to recognise it"})
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)


class MeSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    role = fields.String()
    actions = fields.List(fields.String(), metadata={"description": "What this role may do"})
    token = fields.Nested(TokenSchema, metadata={"description": "The token this request was made with"})


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    object_type = fields.String(allow_none=True)
    object_id = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)
    via = fields.String()
    details = fields.Dict()


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEntrySchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()

"""What a browser may send us about its subscription; everything checked before it is stored."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext
from marshmallow import ValidationError, fields, validate, validates

from ..core.api_fields import STORABLE_TEXT_PATTERN, ApiSchema, LangField
from ..notices.models import TOPICS
from .endpoints import Allowlist, EndpointRefused, check_auth_secret, check_endpoint, check_p256dh

_REFUSALS = {
    "not a valid URL": lazy_gettext("This is not a valid push address."),
    "must not contain user information": lazy_gettext("The push address must not contain a user name or password."),
    "must use https": lazy_gettext("The push address must use https."),
    "must be a host name, not an IP address": lazy_gettext("The push address must use a host name."),
    "must use the standard https port": lazy_gettext("The push address must use the standard https port."),
    "is not a known push service": lazy_gettext("This push service is not supported."),
    "resolves to a private address": lazy_gettext("This push address is not allowed."),
}


class SubscriptionKeys(ApiSchema):
    p256dh = fields.String(required=True, validate=validate.Length(max=200))
    auth = fields.String(required=True, validate=validate.Length(max=100))

    @validates("p256dh")
    def valid_public_key(self, value, **kwargs) -> None:
        try:
            check_p256dh(value)
        except ValueError as exc:
            raise ValidationError(str(lazy_gettext("Not a valid browser public key."))) from exc

    @validates("auth")
    def valid_auth_secret(self, value, **kwargs) -> None:
        try:
            check_auth_secret(value)
        except ValueError as exc:
            raise ValidationError(str(lazy_gettext("The auth secret must be exactly 16 bytes."))) from exc


class PushSubscriptionJson(ApiSchema):
    """The browser's PushSubscription.toJSON()."""

    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=2000), metadata={
        "pattern": "^https://" + STORABLE_TEXT_PATTERN[1:],
        "description": "https, on a browser push service's host (others are refused with 422)",
    })
    expirationTime = fields.Raw(load_default=None, allow_none=True)  # noqa: N815 - the browser's name
    keys = fields.Nested(SubscriptionKeys, required=True)

    @validates("endpoint")
    def allowed_endpoint(self, value, **kwargs) -> None:
        allowlist = Allowlist.parse(current_app.config["PUSH_ENDPOINT_ALLOWLIST"])
        try:
            check_endpoint(value, allowlist)
        except EndpointRefused as exc:
            raise ValidationError(str(_REFUSALS.get(str(exc), lazy_gettext("This push address is not allowed.")))) from exc


class SubscribeArgs(ApiSchema):
    subscription = fields.Nested(PushSubscriptionJson, required=True)
    topics = fields.List(
        fields.String(validate=validate.OneOf(TOPICS, error=lazy_gettext("Unknown topic."))),
        required=True, validate=validate.Length(min=1, max=len(TOPICS)),
    )
    lang = LangField(required=True)


class UnsubscribeArgs(ApiSchema):
    endpoint = fields.String(required=True, validate=validate.Length(max=2000))


class VapidKeySchema(ApiSchema):
    public_key = fields.String()


class SubscriptionStateSchema(ApiSchema):
    """Never includes the endpoint: it is a secret that lets anyone push to that browser."""

    topics = fields.List(fields.String())
    lang = fields.String()

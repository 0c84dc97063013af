"""Staff input for notices, and what the staff API answers. Times are entered and shown in Asia/Tokyo."""
from __future__ import annotations

from flask_babel import lazy_gettext
from marshmallow import ValidationError, fields, validate, validates, validates_schema

from ..core.api_fields import ApiSchema
from ..core.clock import TOKYO
from ..core.i18n import LOCALE_CODES
from .models import TOPICS, NoticeState, Urgency

EDITABLE_STATES = (NoticeState.DRAFT.value, NoticeState.SCHEDULED.value)
MAX_TTL = 28 * 24 * 3600  # what push services keep at most
TITLE_MAX = 200  # characters, per language
BODY_MAX = 5000


def _texts(max_length: int, **kwargs) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(LOCALE_CODES, error=lazy_gettext("Unknown language."))),
        values=fields.String(validate=validate.Length(min=1, max=max_length)),
        **kwargs,
    )


def _topics(**kwargs) -> fields.List:
    return fields.List(fields.String(validate=validate.OneOf(TOPICS, error=lazy_gettext("Unknown topic."))),
                       validate=validate.Length(min=1, max=len(TOPICS)), **kwargs)


def _tokyo_time(**kwargs) -> fields.AwareDateTime:
    # A time typed without an offset means Tokyo time (staff in the ward office), never UTC.
    return fields.AwareDateTime(default_timezone=TOKYO, **kwargs)


class NoticeFields(ApiSchema):
    title = _texts(TITLE_MAX)
    body = _texts(BODY_MAX)
    topics = _topics()
    publish_at = _tokyo_time(allow_none=True)
    expires_at = _tokyo_time(allow_none=True)
    push = fields.Boolean()
    urgency = fields.String(validate=validate.OneOf([u.value for u in Urgency]))
    ttl = fields.Integer(validate=validate.Range(min=60, max=MAX_TTL))
    state = fields.String(validate=validate.OneOf(EDITABLE_STATES))

    @validates("title")
    def japanese_title_is_required(self, value, **kwargs) -> None:
        if not value.get("ja"):
            raise ValidationError(str(lazy_gettext("A Japanese title is required.")))

    @validates("body")
    def japanese_body_is_required(self, value, **kwargs) -> None:
        if not value.get("ja"):
            raise ValidationError(str(lazy_gettext("A Japanese text is required.")))

    @validates_schema
    def ends_after_it_starts(self, data, **kwargs) -> None:
        start, end = data.get("publish_at"), data.get("expires_at")
        if start and end and end <= start:
            raise ValidationError(str(lazy_gettext("The end must be after the start.")), "expires_at")


class NoticeCreateArgs(NoticeFields):
    title = _texts(TITLE_MAX, required=True)
    body = _texts(BODY_MAX, required=True)
    topics = _topics(required=True)


class NoticeUpdateArgs(NoticeFields):
    """PATCH: any subset of the fields."""


class DeliveryCountsSchema(ApiSchema):
    queued = fields.Integer()
    sent = fields.Integer()
    retrying = fields.Integer()
    failed = fields.Integer()
    gone = fields.Integer()


class NoticeSchema(ApiSchema):
    id = fields.Integer()
    state = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    body = fields.Dict(keys=fields.String(), values=fields.String())
    topics = fields.List(fields.String())
    publish_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    push = fields.Boolean()
    urgency = fields.String()
    ttl = fields.Integer()
    deliveries = fields.Nested(DeliveryCountsSchema)
    subscribers = fields.Integer(metadata={"description": "Subscriptions whose topics match (reach if sent now)"})

"""Staff input for notices, and what the staff API answers. Times are entered and shown in Asia/Tokyo."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext
from marshmallow import ValidationError, fields, validate, validates, validates_schema

from ..core.api_fields import STORABLE_TEXT_PATTERN, ApiSchema
from ..core.clock import TOKYO
from ..core.i18n import LOCALE_CODES
from .models import TOPICS, NoticeState, Urgency

EDITABLE_STATES = (NoticeState.DRAFT.value, NoticeState.SCHEDULED.value)
MAX_TTL = 28 * 24 * 3600  # what push services keep at most
TITLE_MAX = 200  # characters, per language
BODY_MAX = 5000


def _texts(max_length: int, **kwargs) -> fields.Dict:
    # The document says what is refused: an empty map, a map without Japanese, an empty text.
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(LOCALE_CODES, error=lazy_gettext("Unknown language."))),
        values=fields.String(validate=validate.Length(min=1, max=max_length)),
        metadata={
            "properties": {code: {"type": "string", "minLength": 1, "maxLength": max_length,
                                  "pattern": STORABLE_TEXT_PATTERN} for code in LOCALE_CODES},
            "additionalProperties": False, "required": ["ja"], "minProperties": 1,
            "description": "Text per language code; Japanese (`ja`) is required, no text may be empty",
        },
        **kwargs,
    )


def _topics(**kwargs) -> fields.List:
    return fields.List(fields.String(validate=validate.OneOf(TOPICS, error=lazy_gettext("Unknown topic."))),
                       validate=validate.Length(min=1, max=len(TOPICS)), **kwargs)


# Times a notice may have. Outside them a typo (year 0047) would also be shown with Tokyo's 1887 local
# mean time offset (+09:18:59), which no RFC 3339 reader accepts.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=TOKYO)
LATEST = dt.datetime(2100, 1, 1, tzinfo=TOKYO)


def _tokyo_time(**kwargs) -> fields.AwareDateTime:
    # A time typed without an offset means Tokyo time (staff in the ward office), never UTC.
    return fields.AwareDateTime(
        default_timezone=TOKYO,
        validate=validate.Range(min=EARLIEST, max=LATEST, max_inclusive=False,
                                error=lazy_gettext("Not a valid date and time.")),
        metadata={"description": "From 2000 to 2099; without an offset, Tokyo time"},
        **kwargs,
    )


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


_REQUIRED = lazy_gettext("This field is required.")


class NoticeCreateArgs(NoticeFields):
    """A notice written out (`title`, `body`, `topics`), or one made from a template (`template`,
    `fields`): the template gives the texts in every locale, its topic, and its urgency and TTL
    unless they are given."""

    template = fields.String(validate=validate.Length(min=1, max=64), metadata={
        "description": "A template id from /api/v1/admin/notice-templates; then `fields`, not title/body/topics"})
    template_fields = fields.Dict(keys=fields.String(validate=validate.Length(max=64)), data_key="fields", metadata={
        "description": "The template's blanks: {name: value} (types and allowed values in /api/v1/admin/notice-templates)"})

    @validates_schema
    def written_or_from_a_template(self, data, **kwargs) -> None:
        errors: dict[str, list[str]] = {}
        if data.get("template"):
            for name in ("title", "body", "topics"):
                if name in data:
                    errors[name] = [str(lazy_gettext("Not with a template: the template gives it."))]
        else:
            for name in ("title", "body", "topics"):
                if name not in data:
                    errors[name] = [str(_REQUIRED)]
            if "template_fields" in data:
                errors["fields"] = [str(lazy_gettext("Only with a template."))]
        if errors:
            raise ValidationError(errors)


# What a template's blank may be told (codes from notices.templates.clean_fields), in the staff's language.
FIELD_PROBLEMS = {
    "unknown_template": lazy_gettext("There is no such template."),
    "missing": lazy_gettext("This field is required."),
    "unknown": lazy_gettext("This template has no such field."),
    "time": lazy_gettext("Enter a time as HH:MM (00:00 to 23:59)."),
    "date": lazy_gettext("Enter a real date as YYYY-MM-DD."),
    "datetime": lazy_gettext("Enter a real date and time as YYYY-MM-DDTHH:MM."),
    "intensity": lazy_gettext("Choose a seismic intensity of the JMA scale."),
    "areas": lazy_gettext("Choose towns from the ward's list."),
    "duplicate_areas": lazy_gettext("Choose each town once."),
    "too_many_areas": lazy_gettext("Too many towns for this template."),
    "shelter": lazy_gettext("Choose an evacuation site from the ward's list."),
    "number": lazy_gettext("Enter a whole number from 0 to 99999."),
    "high_urgency": lazy_gettext("This template may not be sent with high urgency."),
}


class NoticeUpdateArgs(NoticeFields):
    """PATCH: any subset of the fields."""


class DeliveryCountsSchema(ApiSchema):
    queued = fields.Integer()
    sent = fields.Integer()
    retrying = fields.Integer()
    failed = fields.Integer()
    gone = fields.Integer()


class NoticeSummarySchema(ApiSchema):
    """A notice in the list: without delivery counts (they are on each notice's own endpoint)."""

    id = fields.Integer()
    state = fields.String(metadata={"enum": [s.value for s in NoticeState]})
    title = fields.Dict(keys=fields.String(), values=fields.String())
    body = fields.Dict(keys=fields.String(), values=fields.String())
    topics = fields.List(fields.String())
    publish_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    push = fields.Boolean()
    urgency = fields.String()
    ttl = fields.Integer()


class NoticeSchema(NoticeSummarySchema):
    """One notice with how far it has gone out."""

    deliveries = fields.Nested(DeliveryCountsSchema)
    subscribers = fields.Integer(metadata={"description": "Subscriptions whose topics match (reach if sent now)"})
    template = fields.String(allow_none=True, metadata={"description": "The template it was made from, if any"})
    template_fields = fields.Dict(allow_none=True, metadata={"description": "The values its blanks were filled with"})
    machine_translated = fields.List(fields.String(), metadata={"description": "Locales whose text a machine translated"})


class PlaceSchema(ApiSchema):
    id = fields.String()
    name = fields.String(metadata={"description": "As the ward writes it (Japanese)"})
    kana = fields.String()
    romaji = fields.String()


class AllowedValueSchema(ApiSchema):
    value = fields.String()
    label = fields.String(metadata={"description": "How it reads in Japanese"})


class PlaceholderSchema(ApiSchema):
    name = fields.String()
    type = fields.String(metadata={"description": "time (HH:MM, Japan time), date (YYYY-MM-DD), datetime "
                                                  "(YYYY-MM-DDTHH:MM), intensity, areas (a list of town ids), "
                                                  "shelter (a site id), number (0..99999)"})
    required = fields.Boolean()
    max = fields.Integer(allow_none=True, metadata={"description": "areas: how many towns at most"})
    allowed = fields.List(fields.Raw(), allow_none=True, metadata={
        "description": "intensity: [{value, label}]; areas and shelter: [{id, name, kana, romaji}]; else null"})


class NoticeTemplateSchema(ApiSchema):
    id = fields.String()
    title = fields.String(metadata={"description": "The Japanese title, blanks unfilled"})
    topic = fields.String()
    urgency = fields.String(metadata={"description": "Default urgency"})
    urgencies = fields.List(fields.String(), metadata={"description": "Urgencies allowed (high only when the template may "
                                                                      "go through quiet hours)"})
    quiet_hours_override = fields.Boolean()
    ttl = fields.Integer(metadata={"description": "Default time to live (seconds)"})
    locales = fields.List(fields.String())
    machine_translated = fields.List(fields.String(), metadata={"description": "Locales whose text is a machine translation"})
    placeholders = fields.List(fields.Nested(PlaceholderSchema))
    reviewed = fields.String()
    source = fields.List(fields.String())

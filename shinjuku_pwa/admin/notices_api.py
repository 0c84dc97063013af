"""Staff API for notices under /api/v1/admin/notices (bearer tokens; editors draft, publishers schedule)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_smorest import Blueprint

from ..core.clock import TOKYO, utcnow
from ..notices import services
from ..notices.models import Notice, NoticeState
from ..notices.schemas import NoticeCreateArgs, NoticeSchema, NoticeSummarySchema, NoticeTemplateSchema, NoticeUpdateArgs
from ..notices.template_loader import NoTemplates, stored_registry
from ..notices.templates import NoticeTemplate, Placeholder, TemplateRegistry
from ..push.dispatcher import delivery_counts
from ..push.subscriptions import count_subscribers
from ..staff.identity import current_actor, signed_in_staff
from ..staff.permissions import Action, require_action
from .api import STAFF_ONLY

blp = Blueprint("notices-api", __name__, url_prefix="/api/v1/admin/notices", description="Notices (staff)")
templates_blp = Blueprint("notice-templates-api", __name__, url_prefix="/api/v1/admin/notice-templates",
                          description="Notice templates (staff): reviewed texts in nine languages with typed blanks")


def notice_view(notice: Notice, with_counts: bool = True) -> dict[str, Any]:
    """A notice as staff see it: times in Tokyo, deliveries so far, subscribers it reaches (not in lists)."""
    def tokyo(value: dt.datetime | None) -> dt.datetime | None:
        return value.astimezone(TOKYO) if value else None

    view = {
        "id": notice.id, "state": notice.state.value, "title": notice.title, "body": notice.body,
        "topics": notice.topics, "publish_at": tokyo(notice.publish_at), "expires_at": tokyo(notice.expires_at),
        "published_at": tokyo(notice.published_at), "push": notice.push, "urgency": notice.urgency.value,
        "ttl": notice.ttl,
        "template": notice.template_id, "template_fields": notice.template_fields,
        "machine_translated": notice.machine_translated or [],
    }
    if with_counts:
        view.update(deliveries=delivery_counts(notice.id), subscribers=count_subscribers(notice.topics))
    return view


def ensure_may_set(state: str | None, notice: Notice | None = None) -> None:
    """The rule lives in services (the console uses it too); here with the caller's role."""
    services.ensure_may_set(signed_in_staff().role, state, notice)


@blp.route("", methods=["POST"])
@require_action(Action.DRAFT_NOTICES)
@blp.doc(security=STAFF_ONLY)
@blp.arguments(NoticeCreateArgs)
@blp.response(201, NoticeSchema)
@blp.alt_response(401, description="Missing, unknown or revoked token")
@blp.alt_response(403, description="Only publishers may schedule")
@blp.alt_response(422, description="Invalid notice: no Japanese title or text, an empty text, an unknown language or "
                                   "topic, a time outside 2000-2099, the end not after the start, or a template's field "
                                   "missing or invalid")
def create(data: dict[str, Any]) -> dict[str, Any]:
    """Create a notice: `state` draft, or scheduled (default; publishers only). `publish_at` absent = now.

    Either written out (`title`, `body`, `topics`) or from a template: `{"template": ID, "fields":
    {...}}` gives the title and body in every language of the template, its topic, and its urgency
    and TTL unless given; a missing or invalid field is a 422 naming it.
    """
    data.setdefault("state", NoticeState.SCHEDULED.value)
    ensure_may_set(data["state"])
    if data.get("template"):
        data = services.fill_from_template(data)
    return notice_view(services.create_notice(data, current_actor(), utcnow()))


@blp.route("", methods=["GET"])
@require_action(Action.READ_NOTICES)
@blp.doc(security=STAFF_ONLY)
@blp.response(200, NoticeSummarySchema(many=True))
@blp.alt_response(401, description="Missing, unknown or revoked token")
def list_all() -> list[dict[str, Any]]:
    """Every notice, newest first (delivery counts are on each notice's own endpoint)."""
    return [notice_view(n, with_counts=False) for n in services.all_notices()]


@blp.route("/<int:notice_id>", methods=["GET"])
@require_action(Action.READ_NOTICES)
@blp.doc(security=STAFF_ONLY)
@blp.response(200, NoticeSchema)
@blp.alt_response(401, description="Missing, unknown or revoked token")
@blp.alt_response(404, description="No such notice")
def get(notice_id: int) -> dict[str, Any]:
    """One notice with `deliveries: {queued, sent, retrying, failed, gone}`."""
    return notice_view(services.get_notice(notice_id))


@blp.route("/<int:notice_id>", methods=["PATCH"])
@require_action(Action.DRAFT_NOTICES)
@blp.doc(security=STAFF_ONLY)
@blp.arguments(NoticeUpdateArgs)
@blp.response(200, NoticeSchema)
@blp.alt_response(401, description="Missing, unknown or revoked token")
@blp.alt_response(403, description="Only publishers may schedule")
@blp.alt_response(404, description="No such notice")
@blp.alt_response(409, description="Already published, expired or cancelled")
@blp.alt_response(422, description="Invalid changes (as for creating a notice)")
def update(changes: dict[str, Any], notice_id: int) -> dict[str, Any]:
    """Edit while draft or scheduled (e.g. `{"state": "scheduled"}` to schedule a draft)."""
    notice = services.get_notice(notice_id)
    ensure_may_set(changes.get("state"), notice)
    return notice_view(services.update_notice(notice, changes, current_actor(), utcnow()))


@blp.route("/<int:notice_id>", methods=["DELETE"])
@require_action(Action.CANCEL_NOTICES)
@blp.doc(security=STAFF_ONLY)
@blp.response(200, NoticeSchema)
@blp.alt_response(401, description="Missing, unknown or revoked token")
@blp.alt_response(403, description="Only publishers may cancel")
@blp.alt_response(404, description="No such notice")
@blp.alt_response(409, description="Already published, expired or cancelled")
def cancel(notice_id: int) -> dict[str, Any]:
    """Cancel a draft or scheduled notice before it goes out.

    Nothing is deleted: the notice stays, with `state: cancelled`, and is returned; it is never sent
    and can no longer be edited. Cancelling a published, expired or cancelled notice is a 409.
    """
    return notice_view(services.cancel_notice(services.get_notice(notice_id), current_actor(), utcnow()))


def _allowed(registry: TemplateRegistry, placeholder: Placeholder) -> list[dict[str, str]] | None:
    if placeholder.type == "intensity":
        return [{"value": value, "label": registry.vocabulary.intensity[value]["ja"]} for value in registry.vocabulary.intensity]
    places = registry.towns if placeholder.type == "areas" else registry.shelters if placeholder.type == "shelter" else None
    if places is None:
        return None
    return [{"id": p.id, "name": p.name, "kana": p.kana, "romaji": p.romaji} for p in places.values()]


def template_view(template: NoticeTemplate, registry: TemplateRegistry) -> dict[str, Any]:
    """A template as staff choose it: defaults, what may be changed, and each blank with its allowed values."""
    return {
        "id": template.id, "title": template.title["ja"], "topic": template.topic, "urgency": template.urgency,
        "urgencies": list(template.urgencies), "quiet_hours_override": template.quiet_hours_override,
        "ttl": template.ttl, "locales": list(template.title), "machine_translated": list(template.machine_translated),
        "reviewed": template.reviewed, "source": list(template.source),
        "placeholders": [{"name": p.name, "type": p.type, "required": p.required,
                          "max": p.max if p.type == "areas" else None, "allowed": _allowed(registry, p)}
                         for p in template.placeholders],
    }


@templates_blp.route("", methods=["GET"])
@require_action(Action.READ_NOTICES)
@templates_blp.doc(security=STAFF_ONLY)
@templates_blp.response(200, NoticeTemplateSchema(many=True))
def list_templates() -> list[dict[str, Any]]:
    """Every template (id, topic, urgency, placeholders with their types and allowed values), by id."""
    try:
        registry = stored_registry()
    except NoTemplates:
        return []
    return [template_view(template, registry) for template in registry.templates.values()]

"""The rules of notices: states, what staff may change when, publishing due notices."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ..core import versions
from ..core.database import write_transaction
from ..core.errors import DomainError, NotFound
from ..core.extensions import db
from ..core.i18n import pick_text
from ..staff.audit import Actor, record_action
from ..staff.models import StaffRole
from ..staff.permissions import Action, NotAllowed, role_allows
from .models import Notice, NoticeState, Urgency
from .schemas import FIELD_PROBLEMS
from .template_loader import NoTemplates, stored_registry
from .templates import InvalidFields, TemplateRegistry, render

EDITABLE = (NoticeState.DRAFT, NoticeState.SCHEDULED)


class NoticeNotFound(NotFound):
    pass


class NoticeLocked(DomainError):
    """A notice that went out (or was cancelled) can no longer be changed."""

    status = 409


def ensure_may_set(role: StaffRole, state: str | None, notice: Notice | None = None) -> None:
    """Editors write drafts; scheduling (or touching a scheduled notice) is for publishers.

    The one rule for the staff API and the console: `state` is the state asked for (None when
    unchanged), `notice` the notice being changed (None when creating one).
    """
    scheduling = state == NoticeState.SCHEDULED.value or (notice is not None and notice.state is NoticeState.SCHEDULED)
    if scheduling and not role_allows(role, Action.SCHEDULE_NOTICES):
        raise NotAllowed()


class TemplateFieldsInvalid(DomainError):
    """A notice from a template with an unknown template, blanks missing or invalid, or an urgency
    the template may not have: {"template": code} / {"fields": {blank: code}} / {"urgency": code}."""

    status = 422

    def __init__(self, problems: dict) -> None:
        self.problems = problems
        super().__init__(problems)

    @property
    def messages(self) -> dict:
        """As webargs nests request errors, worded in the staff's language (FIELD_PROBLEMS)."""
        def word(value: dict | str) -> dict | list:
            return {k: word(v) for k, v in value.items()} if isinstance(value, dict) else [FIELD_PROBLEMS[value]]
        return {"json": word(self.problems)}


def fill_from_template(data: dict, registry: TemplateRegistry | None = None) -> dict:
    """Notice data from `template` and `template_fields`: the texts in every locale of the template,
    its topic, and its urgency and TTL unless given. High urgency only where the template allows it."""
    try:
        registry = registry or stored_registry()
    except NoTemplates:
        raise TemplateFieldsInvalid({"template": "unknown_template"}) from None
    template = registry.templates.get(data["template"])
    if template is None:
        raise TemplateFieldsInvalid({"template": "unknown_template"})
    problems: dict = {}
    try:
        filled = render(template, data.get("template_fields") or {}, registry)
    except InvalidFields as exc:
        problems["fields"] = exc.problems
    urgency = data.get("urgency") or template.urgency
    if urgency not in template.urgencies:
        problems["urgency"] = "high_urgency"
    if problems:
        raise TemplateFieldsInvalid(problems)
    notice = {key: value for key, value in data.items() if key not in ("template", "template_fields")}
    notice.update(title=filled.title, body=filled.body, topics=[template.topic], urgency=urgency,
                  ttl=data.get("ttl", template.ttl), template_id=template.id, template_fields=filled.fields,
                  machine_translated=list(template.machine_translated))
    return notice


def check_template_urgency(notice: Notice, urgency: str | None) -> None:
    """A notice from a template that may not go through quiet hours never gets high urgency."""
    if urgency != Urgency.HIGH.value or not notice.template_id:
        return
    try:
        template = stored_registry().templates.get(notice.template_id)
    except NoTemplates:
        return
    if template is not None and urgency not in template.urgencies:
        raise TemplateFieldsInvalid({"urgency": "high_urgency"})


def create_notice(data: dict, actor: Actor, now: dt.datetime) -> Notice:
    notice = Notice(
        title=data["title"], body=data["body"], topics=list(data["topics"]),
        publish_at=data.get("publish_at") or now, expires_at=data.get("expires_at"),
        push=data.get("push", True), urgency=Urgency(data.get("urgency", "normal")), ttl=data.get("ttl", 86400),
        state=NoticeState(data.get("state", "scheduled")), created_by_id=actor.staff_id, created_at=now, updated_at=now,
        template_id=data.get("template_id"), template_fields=data.get("template_fields"),
        machine_translated=data.get("machine_translated"),
    )
    db.session.add(notice)
    db.session.flush()
    details = {"state": notice.state.value, **({"template": notice.template_id} if notice.template_id else {})}
    record_action(actor, "notice.created", "notice", notice.id, details, at=now)
    db.session.commit()
    return notice


def get_notice(notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise NoticeNotFound(notice_id)
    return notice


def _lock_editable(notice: Notice) -> None:
    """Re-read the notice under the write lock the publishing worker also takes, then check it.

    Without this an edit arriving the instant the worker publishes would change (or cancel) a
    notice that has already gone out to phones.
    """
    db.session.refresh(notice, with_for_update=True)  # a row lock on PostgreSQL; SQLite holds BEGIN IMMEDIATE
    if notice.state not in EDITABLE:
        raise NoticeLocked(notice.id)


def update_notice(notice: Notice, changes: dict, actor: Actor, now: dt.datetime) -> Notice:
    """Edit a draft or scheduled notice; anything already out is locked. A notice from a template
    that may not go through quiet hours never gets urgency high."""
    check_template_urgency(notice, changes.get("urgency"))
    with write_transaction():
        _lock_editable(notice)
        for key, value in changes.items():
            if key == "state":
                value = NoticeState(value)
            elif key == "urgency":
                value = Urgency(value)
            setattr(notice, key, value)
        check_times(notice.publish_at, notice.expires_at)
        notice.updated_at = now
        record_action(actor, "notice.updated", "notice", notice.id, {"fields": sorted(changes)}, at=now)
    return notice


def cancel_notice(notice: Notice, actor: Actor, now: dt.datetime) -> Notice:
    with write_transaction():
        _lock_editable(notice)
        notice.state = NoticeState.CANCELLED
        notice.updated_at = now
        record_action(actor, "notice.cancelled", "notice", notice.id, at=now)
    return notice


class NoticeTimesInvalid(DomainError):
    status = 422


def check_times(publish_at: dt.datetime, expires_at: dt.datetime | None) -> None:
    if expires_at is not None and expires_at <= publish_at:
        raise NoticeTimesInvalid()


def take_due_notices(session: Session, now: dt.datetime) -> list[Notice]:
    """Flip every scheduled notice whose time has come to published, inside the caller's write
    transaction, and return them.

    The flip is one UPDATE ... RETURNING: with several workers, each notice is taken by exactly
    one of them (composition/publishing.py queues its pushes in the same transaction).
    """
    flip = (
        update(Notice)
        .where(Notice.state == NoticeState.SCHEDULED, Notice.publish_at <= now)
        .values(state=NoticeState.PUBLISHED, published_at=now, updated_at=now)
        .returning(Notice.id)
        .execution_options(synchronize_session=False)
    )
    published = list(session.scalars(flip))
    return list(session.scalars(select(Notice).where(Notice.id.in_(published)).order_by(Notice.id)))


def expire_due(now: dt.datetime) -> list[int]:
    flip = (
        update(Notice)
        .where(Notice.state == NoticeState.PUBLISHED, Notice.expires_at.is_not(None), Notice.expires_at <= now)
        .values(state=NoticeState.EXPIRED, updated_at=now)
        .returning(Notice.id)
        .execution_options(synchronize_session=False)
    )
    with write_transaction() as session:
        expired = list(session.scalars(flip))
        if expired:
            versions.bump(session, versions.NOTICES)
        return expired


def localize_notice(notice: Notice, lang: str) -> dict:
    """The notice's text for this reader; `fallback` when their language is missing, `machine` when a
    machine translated it (notices from templates)."""
    served, title = pick_text(notice.title, lang)
    _, body = pick_text(notice.body, served)
    return {"notice": notice, "title": title, "body": body, "lang": served, "fallback": served != lang,
            "machine": served in (notice.machine_translated or ())}


def visible_notices(now: dt.datetime, limit: int | None = None) -> list[Notice]:
    """What residents see: published, from publish_at until expires_at (checked by time, not only state)."""
    query = (
        select(Notice)
        .where(
            Notice.state.in_([NoticeState.PUBLISHED, NoticeState.EXPIRED]),
            Notice.publish_at <= now,
            or_(Notice.expires_at.is_(None), Notice.expires_at > now),
        )
        .order_by(Notice.publish_at.desc(), Notice.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def get_visible_notice(notice_id: int, now: dt.datetime) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.state not in (NoticeState.PUBLISHED, NoticeState.EXPIRED) or notice.publish_at > now:
        raise NoticeNotFound(notice_id)
    return notice


def all_notices() -> list[Notice]:
    return list(db.session.scalars(select(Notice).order_by(Notice.id.desc())))


def upcoming_and_recent(now: dt.datetime, limit: int = 10) -> tuple[list[Notice], list[Notice]]:
    """For the staff dashboard."""
    upcoming = list(db.session.scalars(
        select(Notice).where(Notice.state == NoticeState.SCHEDULED).order_by(Notice.publish_at).limit(limit)))
    recent = list(db.session.scalars(
        select(Notice).where(Notice.state.in_([NoticeState.PUBLISHED, NoticeState.EXPIRED]))
        .order_by(Notice.published_at.desc()).limit(limit)))
    return upcoming, recent

"""The audit log: one row for every staff action, written in the same transaction as the action.

Everyone records through `record_action`; nobody updates or deletes a row (the ORM refuses here,
the database refuses through triggers).

    record_action(actor, "notice.scheduled", "notice", notice.id, {"publish_at": ...})
    db.session.commit()  # the change and its audit row land together, or neither does
"""
from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, event, func, select
from sqlalchemy.orm import Session

from ..core.clock import TOKYO, utcnow
from ..core.extensions import db
from .models import AuditLog, StaffUser

# What staff actions are called in the log (notices add their own: notice.created, ...).
SIGNED_IN = "staff.signed_in"
SIGN_IN_FAILED = "staff.sign_in_failed"
SIGNED_OUT = "staff.signed_out"
PASSWORD_CHANGED = "staff.password_changed"
PASSWORD_RESET = "staff.password_reset"
STAFF_CREATED = "staff.created"
ROLE_CHANGED = "staff.role_changed"
STAFF_DISABLED = "staff.disabled"
STAFF_ENABLED = "staff.enabled"
TOKEN_CREATED = "token.created"
TOKEN_REVOKED = "token.revoked"


@dataclass(frozen=True)
class Actor:
    """Who is acting, and from where: a signed-in person (web), a token (api), the command line."""

    staff_id: int | None
    label: str
    ip: str | None
    via: str  # web | api | cli | system

    @classmethod
    def for_staff(cls, staff: StaffUser, ip: str | None, via: str) -> Actor:
        return cls(staff.id, staff.email, ip, via)

    @classmethod
    def command_line(cls) -> Actor:
        try:
            user = getpass.getuser()
        except (OSError, KeyError):  # no login name in some containers
            user = "unknown"
        return cls(None, f"command line ({user})", None, "cli")

    @classmethod
    def system(cls, label: str) -> Actor:
        """A process acting on its own (the push worker publishing a due notice)."""
        return cls(None, label, None, "system")


def record_action(
    actor: Actor,
    action: str,
    object_type: str | None = None,
    object_id: object = None,
    details: dict | None = None,
    at: dt.datetime | None = None,
) -> AuditLog:
    """Add an audit row to the current transaction; the caller commits it with the change itself."""
    entry = AuditLog(
        at=(at or utcnow()).astimezone(dt.UTC),  # SQLite would keep a Tokyo wall time as if UTC
        actor_id=actor.staff_id,
        actor=actor.label[:254],
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id)[:64],
        ip=actor.ip,
        via=actor.via,
        details=details or {},
    )
    db.session.add(entry)
    return entry


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_audit_rows(session, flush_context, instances) -> None:
    for entry in session.deleted:
        if isinstance(entry, AuditLog):
            raise AuditLogIsAppendOnly("audit log rows cannot be deleted")
    for entry in session.dirty:
        if isinstance(entry, AuditLog) and session.is_modified(entry):
            raise AuditLogIsAppendOnly("audit log rows cannot be changed")


@dataclass(frozen=True)
class AuditFilter:
    """What an admin narrows the log to; dates are Tokyo calendar days, both ends included."""

    actor: str | None = None  # part of the e-mail or label
    action: str | None = None  # exact (staff.created) or a family ending in "." (staff.)
    object_type: str | None = None
    object_id: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def _tokyo_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=TOKYO).astimezone(dt.UTC)


SelectT = TypeVar("SelectT", bound=Select[Any])


def _filtered(query: SelectT, filters: AuditFilter) -> SelectT:
    if filters.actor:
        query = query.where(func.lower(AuditLog.actor).contains(filters.actor.lower(), autoescape=True))
    if filters.action:
        if filters.action.endswith("."):
            query = query.where(AuditLog.action.startswith(filters.action, autoescape=True))
        else:
            query = query.where(AuditLog.action == filters.action)
    if filters.object_type:
        query = query.where(AuditLog.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditLog.object_id == filters.object_id)
    if filters.since:
        query = query.where(AuditLog.at >= _tokyo_midnight(filters.since))
    if filters.until:
        query = query.where(AuditLog.at < _tokyo_midnight(filters.until + dt.timedelta(days=1)))
    return query


def list_audit_entries(filters: AuditFilter, page: int = 1, per_page: int = 50) -> tuple[list[AuditLog], int]:
    """Newest first; returns (entries on this page, total matching)."""
    total = db.session.scalar(_filtered(select(func.count()).select_from(AuditLog), filters)) or 0
    query = _filtered(select(AuditLog), filters).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    entries = list(db.session.scalars(query.offset((page - 1) * per_page).limit(per_page)))
    return entries, total


def list_audit_actions() -> list[str]:
    """Every action that occurs in the log, for the filter's choices."""
    return list(db.session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))

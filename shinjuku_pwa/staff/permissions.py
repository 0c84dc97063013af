"""Who may do what: one table from role to actions, and decorators for web views and API views.

Notices (issue 7) use the same table: `@require_action(Action.SCHEDULE_NOTICES)` on a view, or
`role_allows(staff.role, Action.SEND_NOTICES)` inside a rule.
"""
from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from ..core.errors import DomainError
from .identity import current_staff
from .models import StaffRole


class Action(str, enum.Enum):
    VIEW_DASHBOARD = "dashboard.view"
    USE_OWN_ACCOUNT = "account.own"  # change one's password, GET /api/v1/admin/me
    READ_NOTICES = "notices.read"
    DRAFT_NOTICES = "notices.draft"  # create and edit drafts
    SCHEDULE_NOTICES = "notices.schedule"  # schedule, edit scheduled, publish now
    SEND_NOTICES = "notices.send"  # push to subscribers
    CANCEL_NOTICES = "notices.cancel"
    MANAGE_STAFF = "staff.manage"  # accounts, roles, tokens
    VIEW_AUDIT = "audit.view"


_EDITOR = frozenset({Action.VIEW_DASHBOARD, Action.USE_OWN_ACCOUNT, Action.READ_NOTICES, Action.DRAFT_NOTICES})
_PUBLISHER = _EDITOR | {Action.SCHEDULE_NOTICES, Action.SEND_NOTICES, Action.CANCEL_NOTICES}
_ADMIN = _PUBLISHER | {Action.MANAGE_STAFF, Action.VIEW_AUDIT}

ROLE_ACTIONS: dict[StaffRole, frozenset[Action]] = {
    StaffRole.EDITOR: _EDITOR,
    StaffRole.PUBLISHER: _PUBLISHER,
    StaffRole.ADMIN: _ADMIN,
}
ROLE_ORDER = (StaffRole.EDITOR, StaffRole.PUBLISHER, StaffRole.ADMIN)


class NotSignedIn(DomainError):
    """No valid session (web: back to the sign-in page) or bearer token (API: 401)."""

    status = 401


class NotAllowed(DomainError):
    """Signed in, but the role may not do this (403)."""

    status = 403


def role_allows(role: StaffRole, action: Action) -> bool:
    return action in ROLE_ACTIONS[role]


def role_at_least(role: StaffRole, minimum: StaffRole) -> bool:
    return ROLE_ORDER.index(role) >= ROLE_ORDER.index(minimum)


P = ParamSpec("P")
R = TypeVar("R")


def _guard(check: Callable[[StaffRole], bool]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            staff = current_staff()
            if staff is None:
                raise NotSignedIn()
            if not check(staff.role):
                raise NotAllowed()
            return view(*args, **kwargs)

        return guarded

    return decorator


def require_action(action: Action) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Only staff whose role allows `action`: 401 (or the sign-in page) without a session or
    token, 403 otherwise. Put it right under @bp.route / @blp.route, so nothing (not even input
    validation) runs for a stranger."""
    return _guard(lambda role: role_allows(role, action))


def require_role(minimum: StaffRole) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Only staff with this role or a higher one."""
    return _guard(lambda role: role_at_least(role, minimum))

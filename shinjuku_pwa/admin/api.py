"""The staff JSON API under /api/v1/admin: `Authorization: Bearer <token>` on every request.

A missing, unknown or revoked token gets 401, a role that may not do the action 403, both JSON.
Notices (issue 7) add their endpoints to their own blueprint under the same prefix, guarded by
`require_action` in the same way.
"""
from __future__ import annotations

from typing import Any

from flask import g
from flask_smorest import Blueprint

from ..staff.audit import AuditFilter, list_audit_entries
from ..staff.identity import signed_in_staff
from ..staff.models import AuditLog
from ..staff.permissions import ROLE_ACTIONS, Action, require_action
from .schemas import AuditPageSchema, AuditQueryArgs, MeSchema

blp = Blueprint("admin-api", __name__, url_prefix="/api/v1/admin", description="Staff API (bearer token)")

BEARER_SCHEME = {"type": "http", "scheme": "bearer", "description": "A staff API token (flask staff token EMAIL)"}
STAFF_ONLY: list[dict[str, list[str]]] = [{"staffToken": []}]


def document_security(api) -> None:
    """Declare the bearer scheme in the OpenAPI document (called once by init_api)."""
    api.spec.components.security_scheme("staffToken", BEARER_SCHEME)


def _audit_entry(entry: AuditLog) -> dict[str, Any]:
    return {
        "id": entry.id, "at": entry.at, "actor": entry.actor, "actor_id": entry.actor_id,
        "action": entry.action, "object_type": entry.object_type, "object_id": entry.object_id,
        "ip": entry.ip, "via": entry.via, "details": entry.details or {},
    }


@blp.route("/me")
@require_action(Action.USE_OWN_ACCOUNT)
@blp.doc(security=STAFF_ONLY)
@blp.response(200, MeSchema)
@blp.alt_response(401, description="Missing, unknown or revoked token")
def me() -> dict[str, Any]:
    """The staff member this token acts for, their role and what it allows."""
    staff = signed_in_staff()
    token = g.api_token
    return {
        "id": staff.id,
        "email": staff.email,
        "role": staff.role.value,
        "actions": sorted(action.value for action in ROLE_ACTIONS[staff.role]),
        "token": {"id": token.id, "name": token.name, "prefix": token.prefix,
                  "created_at": token.created_at, "last_used_at": token.last_used_at},
    }


@blp.route("/audit")
@require_action(Action.VIEW_AUDIT)
@blp.doc(security=STAFF_ONLY)
@blp.arguments(AuditQueryArgs, location="query", as_kwargs=True)
@blp.response(200, AuditPageSchema)
@blp.alt_response(401, description="Missing, unknown or revoked token")
@blp.alt_response(403, description="Only administrators read the audit log")
def audit_entries(page: int, per_page: int, **filters: Any) -> dict[str, Any]:
    """The audit log, newest first, filtered like the console's audit page."""
    entries, total = list_audit_entries(AuditFilter(**filters), page=page, per_page=per_page)
    return {"items": [_audit_entry(e) for e in entries], "total": total, "page": page, "per_page": per_page}

"""Health for load balancers and orchestrators, in JSON, never cached:

    GET /healthz    the process answers (200); touches nothing else, so a database outage never
                    gets a healthy process restarted
    GET /readyz     this process can serve residents: the database answers, its schema is at the
                    migrations' head, and the search index is loaded. 200, else 503 naming each
                    check that failed; a balancer sends no traffic here until it is 200 again.

Each check is a plain function returning a problem (or None), so a check can be added (the
search helper's index-follows-the-database, the push worker's lease) without touching the views.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..core.config import PROJECT_ROOT
from ..core.extensions import db
from ..search.index import live_index
from ..search.service import index_root

bp = Blueprint("health", __name__)

MIGRATIONS = PROJECT_ROOT / "migrations"
# Seconds a load balancer should wait before asking a process that is not ready again.
RETRY_AFTER_SECONDS = 10

Check = Callable[[], str | None]


@functools.cache
def migration_heads() -> frozenset[str]:
    """The revisions this code expects; they change only with a deploy (a new process)."""
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


def _name_of(error: SQLAlchemyError) -> str:
    """The driver's error class (OperationalError, ...): says what failed without any address or text."""
    return type(getattr(error, "orig", None) or error).__name__


def database_problem() -> str | None:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        return f"unreachable: {_name_of(error)}"
    return None


def migrations_problem() -> str | None:
    try:
        current = frozenset(MigrationContext.configure(db.session.connection()).get_current_heads())
    except SQLAlchemyError as error:
        db.session.rollback()
        return f"unknown: {_name_of(error)}"
    if current != migration_heads():
        return f"at {sorted(current) or 'nothing'}, code expects {sorted(migration_heads())}: run `flask db upgrade`"
    return None


def search_index_problem() -> str | None:
    try:
        loaded = live_index(index_root())
    except Exception as error:  # noqa: BLE001 (a corrupt build: whatever Whoosh raised, this process cannot search)
        return f"unreadable: {type(error).__name__}"
    return None if loaded is not None else "not built: run `flask content import` or `flask search reindex`"


# Run in order; the database first, since the schema check needs it.
READINESS_CHECKS: dict[str, Check] = {
    "database": database_problem,
    "migrations": migrations_problem,
    "search_index": search_index_problem,
}


def readiness() -> dict[str, str]:
    """Every check's verdict: "ok", or what is wrong. The schema is not asked about without a database."""
    verdicts: dict[str, str] = {}
    for name, check in READINESS_CHECKS.items():
        if name == "migrations" and verdicts.get("database", "ok") != "ok":
            verdicts[name] = "skipped: no database"
            continue
        verdicts[name] = check() or "ok"
    return verdicts


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/healthz")
def healthz() -> Response:
    return _no_store(jsonify(status="ok"))


@bp.route("/readyz")
def readyz() -> Response:
    checks = readiness()
    failed = sorted(name for name, verdict in checks.items() if verdict != "ok")
    response = jsonify(status="fail" if failed else "ok", failed=failed, checks=checks)
    if failed:
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return _no_store(response)

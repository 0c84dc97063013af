"""Who is asking: a staff session cookie on web pages, a bearer token under /api. Never both:
the API ignores cookies (so it needs no CSRF token) and pages ignore Authorization headers."""
from __future__ import annotations

import datetime as dt

from flask import current_app, g, request, session

from ..core.clock import utcnow
from . import services
from .audit import Actor
from .models import StaffUser

SESSION_KEY = "staff_session"


def _is_api_request() -> bool:
    return request.path.startswith("/api/")


def bearer_token() -> str | None:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def _staff_from_bearer_token(now: dt.datetime) -> StaffUser | None:
    secret = bearer_token()
    if secret is None:
        return None
    use = services.staff_for_token(secret, now)
    if use is None:
        g.bearer_token_refused = True  # the 401 says invalid_token rather than "sign in"
        return None
    g.api_token = use.token
    return use.staff


def _staff_from_session(now: dt.datetime) -> StaffUser | None:
    session_id = session.get(SESSION_KEY)
    if not session_id:
        return None
    config = current_app.config
    check = services.staff_for_session(
        session_id, now,
        idle_timeout=dt.timedelta(seconds=config["STAFF_IDLE_TIMEOUT_SECONDS"]),
        max_age=dt.timedelta(seconds=config["STAFF_SESSION_MAX_AGE_SECONDS"]),
    )
    if check.staff is None:
        session.pop(SESSION_KEY, None)
        g.staff_session_expired = check.expired
    return check.staff


def current_staff() -> StaffUser | None:
    """The signed-in staff member for this request (looked up once per request), or None."""
    if "staff" not in g:
        now = utcnow()
        g.staff = _staff_from_bearer_token(now) if _is_api_request() else _staff_from_session(now)
    return g.staff


def current_session_id() -> str | None:
    return session.get(SESSION_KEY)


def signed_in_staff() -> StaffUser:
    """The staff member of a view behind `require_action`, which has already turned everyone else away."""
    staff = current_staff()
    if staff is None:
        raise RuntimeError("needs a signed-in staff member (use require_action)")
    return staff


def current_actor() -> Actor:
    """The acting staff member with their IP, for `record_action` in services called from views."""
    return Actor.for_staff(signed_in_staff(), request.remote_addr, "api" if _is_api_request() else "web")


def start_session(session_id: str) -> None:
    """A brand-new cookie session on sign-in: nothing from before (a planted session, an old
    CSRF token) survives, so the cookie an attacker may have set beforehand is worthless."""
    session.clear()
    session[SESSION_KEY] = session_id
    g.pop("staff", None)


def end_session() -> None:
    session.clear()
    g.staff = None

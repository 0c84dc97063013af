"""Staff accounts, sign-in, sessions and API tokens: every write commits here, with its audit row.

Used alike by the web console, the staff API and the `flask staff` commands. Functions take the
acting `Actor` and the current time, and raise domain errors (never HTTP ones).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, func, select

from ..core.errors import DomainError, NotFound
from ..core.extensions import db
from . import audit, auth
from .audit import Actor, record_action
from .models import ApiToken, StaffRole, StaffSession, StaffUser

# A session's last-seen time is written at most this often (not on every click).
SESSION_TOUCH_INTERVAL = dt.timedelta(seconds=60)
TOKEN_TOUCH_INTERVAL = dt.timedelta(seconds=60)


class StaffNotFound(NotFound):
    pass


class TokenNotFound(NotFound):
    pass


class StaffExists(DomainError):
    status = 409


class LastAdmin(DomainError):
    """Refused: the console would be left without any active admin."""

    status = 409


class SignInFailed(DomainError):
    """Wrong e-mail, wrong password or disabled account: deliberately one error for all three."""

    status = 401


class PasswordRejected(DomainError):
    """A new password breaks the rules; `problems` holds the reasons (auth.TOO_SHORT, ...)."""

    status = 422

    def __init__(self, problems: list[str]) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems


WRONG_CURRENT_PASSWORD = "wrong_current_password"
UNCHANGED = "unchanged"


def _hash_profile() -> str:
    return current_app.config["PASSWORD_HASH_PROFILE"]


def normalize_email(email: str) -> str:
    return email.strip().lower()


# Reading


def get_staff_by_email(email: str) -> StaffUser:
    staff = db.session.scalar(select(StaffUser).where(StaffUser.email == normalize_email(email)))
    if staff is None:
        raise StaffNotFound(email)
    return staff


def get_staff_by_id(staff_id: int) -> StaffUser:
    staff = db.session.get(StaffUser, staff_id)
    if staff is None:
        raise StaffNotFound(staff_id)
    return staff


def list_staff() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.disabled, StaffUser.email)))


def get_token_by_id(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise TokenNotFound(token_id)
    return token


def get_token_by_secret(secret: str) -> ApiToken:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == auth.digest(secret)))
    if token is None:
        raise TokenNotFound("(secret)")
    return token


def count_active_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(StaffUser).where(StaffUser.role == StaffRole.ADMIN, ~StaffUser.disabled)
    ) or 0


# Accounts


def _check_new_password(password: str, email: str) -> None:
    problems = auth.password_problems(password, email)
    if problems:
        raise PasswordRejected(problems)


def create_staff(email: str, password: str, role: StaffRole, actor: Actor, now: dt.datetime) -> StaffUser:
    email = normalize_email(email)
    if db.session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise StaffExists(email)
    _check_new_password(password, email)
    staff = StaffUser(
        email=email, password_hash=auth.hash_password(password, _hash_profile()), role=role,
        disabled=False, created_at=now, password_changed_at=now,
    )
    db.session.add(staff)
    db.session.flush()
    record_action(actor, audit.STAFF_CREATED, "staff_user", staff.id, {"email": email, "role": role.value}, at=now)
    db.session.commit()
    return staff


def _would_leave_no_admin(staff: StaffUser) -> bool:
    return staff.role == StaffRole.ADMIN and not staff.disabled and count_active_admins() <= 1


def change_role(staff: StaffUser, role: StaffRole, actor: Actor, now: dt.datetime) -> StaffUser:
    if staff.role == role:
        return staff
    if role != StaffRole.ADMIN and _would_leave_no_admin(staff):
        raise LastAdmin(staff.id)
    old = staff.role
    staff.role = role
    record_action(actor, audit.ROLE_CHANGED, "staff_user", staff.id, {"from": old.value, "to": role.value}, at=now)
    db.session.commit()
    return staff


def disable_staff(staff: StaffUser, actor: Actor, now: dt.datetime) -> StaffUser:
    """Disabling ends the person's sessions and revokes their tokens at once."""
    if staff.disabled:
        return staff
    if _would_leave_no_admin(staff):
        raise LastAdmin(staff.id)
    staff.disabled = True
    db.session.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id))
    revoked = 0
    for token in staff.tokens:
        if not token.revoked:
            token.revoked_at = now
            revoked += 1
    record_action(actor, audit.STAFF_DISABLED, "staff_user", staff.id, {"tokens_revoked": revoked}, at=now)
    db.session.commit()
    return staff


def enable_staff(staff: StaffUser, actor: Actor, now: dt.datetime) -> StaffUser:
    if not staff.disabled:
        return staff
    staff.disabled = False
    record_action(actor, audit.STAFF_ENABLED, "staff_user", staff.id, at=now)
    db.session.commit()
    return staff


def change_password(
    staff: StaffUser, current: str, new: str, actor: Actor, now: dt.datetime, keep_session_id: str | None = None
) -> None:
    """Needs the current password; ends the person's other sessions (a thief's among them)."""
    profile = _hash_profile()
    if not auth.verify_password(staff.password_hash, current, profile):
        raise PasswordRejected([WRONG_CURRENT_PASSWORD])
    problems = auth.password_problems(new, staff.email)
    if auth.normalize_password(new) == auth.normalize_password(current):
        problems.append(UNCHANGED)
    if problems:
        raise PasswordRejected(problems)
    staff.password_hash = auth.hash_password(new, profile)
    staff.password_changed_at = now
    others = delete(StaffSession).where(StaffSession.staff_id == staff.id)
    if keep_session_id:
        others = others.where(StaffSession.token_hash != auth.digest(keep_session_id))
    db.session.execute(others)
    record_action(actor, audit.PASSWORD_CHANGED, "staff_user", staff.id, at=now)
    db.session.commit()


def reset_password(staff: StaffUser, new: str, actor: Actor, now: dt.datetime) -> None:
    """Set a forgotten password (by an admin, from the command line); ends all the person's sessions."""
    _check_new_password(new, staff.email)
    staff.password_hash = auth.hash_password(new, _hash_profile())
    staff.password_changed_at = now
    db.session.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id))
    record_action(actor, audit.PASSWORD_RESET, "staff_user", staff.id, at=now)
    db.session.commit()


# Signing in and sessions


@dataclass(frozen=True)
class SignedIn:
    staff: StaffUser
    session_id: str  # for the cookie; only its digest is stored


def sign_in(email: str, password: str, ip: str | None, now: dt.datetime) -> SignedIn:
    """Check the password and open a new session. Failures are audited and all look the same."""
    profile = _hash_profile()
    staff = db.session.scalar(select(StaffUser).where(StaffUser.email == normalize_email(email)))
    if staff is None:
        auth.spend_verification_time(password, profile)
    if staff is None or not auth.verify_password(staff.password_hash, password, profile) or staff.disabled:
        # The typed e-mail is not logged for unknown accounts: people type passwords there by mistake.
        failed_actor = Actor(None, staff.email if staff else "(unknown account)", ip, "web")
        record_action(failed_actor, audit.SIGN_IN_FAILED, "staff_user", staff.id if staff else None, at=now)
        db.session.commit()
        raise SignInFailed()
    if auth.needs_rehash(staff.password_hash, profile):
        staff.password_hash = auth.hash_password(password, profile)
    # Sessions nobody came back to are deleted here rather than by a scheduled job.
    max_age = dt.timedelta(seconds=current_app.config["STAFF_SESSION_MAX_AGE_SECONDS"])
    db.session.execute(delete(StaffSession).where(StaffSession.created_at < now - max_age))
    session_id = auth.new_session_id()
    db.session.add(StaffSession(staff_id=staff.id, token_hash=auth.digest(session_id), created_at=now, last_seen_at=now))
    staff.last_sign_in_at = now
    record_action(Actor.for_staff(staff, ip, "web"), audit.SIGNED_IN, "staff_user", staff.id, at=now)
    db.session.commit()
    return SignedIn(staff, session_id)


@dataclass(frozen=True)
class SessionCheck:
    staff: StaffUser | None
    expired: bool = False  # it existed but timed out: the sign-in page says why


def staff_for_session(session_id: str, now: dt.datetime, idle_timeout: dt.timedelta, max_age: dt.timedelta) -> SessionCheck:
    row = db.session.scalar(select(StaffSession).where(StaffSession.token_hash == auth.digest(session_id)))
    if row is None:
        return SessionCheck(None)
    idle = now - row.last_seen_at > idle_timeout
    too_old = now - row.created_at > max_age
    if idle or too_old or row.staff.disabled:
        db.session.delete(row)
        db.session.commit()
        return SessionCheck(None, expired=idle or too_old)
    if now - row.last_seen_at > SESSION_TOUCH_INTERVAL:
        row.last_seen_at = now
        db.session.commit()
    return SessionCheck(row.staff)


def sign_out(session_id: str, actor: Actor, now: dt.datetime) -> None:
    db.session.execute(delete(StaffSession).where(StaffSession.token_hash == auth.digest(session_id)))
    record_action(actor, audit.SIGNED_OUT, "staff_user", actor.staff_id, at=now)
    db.session.commit()


# API tokens


def create_token(staff: StaffUser, name: str, actor: Actor, now: dt.datetime) -> tuple[ApiToken, str]:
    """Returns the row and the token itself, which is shown once and never stored."""
    secret = auth.new_api_token()
    token = ApiToken(
        staff_id=staff.id, name=name.strip()[:100], token_hash=auth.digest(secret),
        prefix=auth.token_display_prefix(secret), created_at=now,
    )
    db.session.add(token)
    db.session.flush()
    record_action(actor, audit.TOKEN_CREATED, "api_token", token.id, {"owner": staff.email, "name": token.name}, at=now)
    db.session.commit()
    return token, secret


def revoke_token(token: ApiToken, actor: Actor, now: dt.datetime) -> ApiToken:
    if token.revoked:
        return token
    token.revoked_at = now
    record_action(actor, audit.TOKEN_REVOKED, "api_token", token.id, {"owner": token.staff.email, "name": token.name}, at=now)
    db.session.commit()
    return token


@dataclass(frozen=True)
class TokenUse:
    staff: StaffUser
    token: ApiToken


def staff_for_token(secret: str, now: dt.datetime) -> TokenUse | None:
    """The staff member a bearer token acts for; None when unknown, revoked or the owner is disabled."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == auth.digest(secret)))
    if token is None or token.revoked or token.staff.disabled:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        token.last_used_at = now
        db.session.commit()
    return TokenUse(token.staff, token)

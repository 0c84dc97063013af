"""Staff accounts, their sign-in sessions and API tokens, and the append-only audit log.

Secrets are never stored: passwords as Argon2id hashes, session and API tokens as SHA-256
digests (they are long random strings, so a fast hash is enough and lets us look them up).
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.database import UtcDateTime
from ..core.extensions import Model


class StaffRole(str, enum.Enum):
    """Each role can do everything the one before it can (permissions.py has the table)."""

    EDITOR = "editor"  # drafts announcements
    PUBLISHER = "publisher"  # also schedules, sends and cancels them
    ADMIN = "admin"  # also manages accounts and reads the audit log


def _enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    # VARCHAR, not a native enum type: the same on SQLite and PostgreSQL, and adding a role
    # later needs no ALTER TYPE.
    return Enum(enum_class, name=name, native_enum=False, length=16,
                values_callable=lambda members: [m.value for m in members])


class StaffUser(Model):
    """A ward staff account. Never deleted (the audit log points at it); disabled instead."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[StaffRole] = mapped_column(_enum_column(StaffRole, "staff_role"))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="staff", order_by="ApiToken.id")


class StaffSession(Model):
    """One signed-in browser. The cookie holds only a random id; signing out deletes the row,
    so a copied cookie is worthless afterwards."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    staff: Mapped[StaffUser] = relationship(lazy="joined")


class ApiToken(Model):
    """A bearer token for the staff API, acting as its owner with the owner's current role."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # the token's first characters, to recognise it in lists
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    staff: Mapped[StaffUser] = relationship(back_populates="tokens", lazy="joined")

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class AuditLog(Model):
    """One staff action: who, what, on which object, when, from where. Append-only: the ORM
    refuses updates and deletes (audit.py) and so does the database (triggers, migration 0005_admin…)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    # Who, as text: the account's e-mail at the time, or "command line (user)"; kept readable
    # whatever happens to the account later.
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64), index=True)  # e.g. staff.role_changed, notice.scheduled
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(45))  # IPv6 at most 45 characters
    via: Mapped[str] = mapped_column(String(8))  # web | api | cli | system
    # Facts about the change (old and new role...). Never a password, token or resident data.
    details: Mapped[dict] = mapped_column(JSON, default=dict)

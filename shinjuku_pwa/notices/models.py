"""Notices (お知らせ) written by staff, shown on the site and sent as push notifications."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Boolean, Enum, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import utcnow
from ..core.database import UtcDateTime
from ..core.extensions import Model


class NoticeState(str, enum.Enum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class Urgency(str, enum.Enum):
    """RFC 8030 urgency; `high` is for disasters and ignores quiet hours."""

    VERY_LOW = "very-low"
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


# Topics residents choose from; renaming one would silently drop subscribers, so ids never change.
TOPICS = ("disaster", "garbage", "childcare", "health", "events", "general")


class Notice(Model):
    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_state_publish_at", "state", "publish_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[dict] = mapped_column(JSON)  # {locale: text}; ja required
    body: Mapped[dict] = mapped_column(JSON)
    topics: Mapped[list] = mapped_column(JSON, default=list)
    publish_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    push: Mapped[bool] = mapped_column(Boolean, default=True)
    urgency: Mapped[Urgency] = mapped_column(
        Enum(Urgency, name="notice_urgency", native_enum=False, length=16,
             values_callable=lambda members: [m.value for m in members]),
        default=Urgency.NORMAL,
    )
    ttl: Mapped[int] = mapped_column(Integer, default=86400)
    state: Mapped[NoticeState] = mapped_column(
        Enum(NoticeState, name="notice_state", native_enum=False, length=16,
             values_callable=lambda members: [m.value for m in members]),
        default=NoticeState.SCHEDULED,
    )
    created_by_id: Mapped[int | None] = mapped_column(Integer)  # staff user id (no FK: accounts may be removed)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # Made from a template (issue 20): its id and the values chosen, to show it again in any locale.
    template_id: Mapped[str | None] = mapped_column(String(64))
    template_fields: Mapped[dict | None] = mapped_column(JSON)
    machine_translated: Mapped[list | None] = mapped_column(JSON)  # locales whose text a machine translated


class _ImportedDefinition:
    """Columns of a definition validated at import and synced by content.sync (by content hash)."""

    definition: Mapped[dict] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class StoredNoticeTemplate(_ImportedDefinition, Model):
    """A notice template as validated at import (content/notice-templates/<id>.yaml), read back by
    notices.templates.TemplateRegistry: every host fills templates from these rows, never from its own files."""

    __tablename__ = "notice_templates"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)


class StoredTemplateValues(_ImportedDefinition, Model):
    """The value lists templates are filled from: `vocabulary`, `towns`, `shelters` (one row each)."""

    __tablename__ = "notice_template_values"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)

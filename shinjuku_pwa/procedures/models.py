"""Counters, procedures and life events as imported from content/ (the importer is the only writer)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.database import UtcDateTime
from ..core.extensions import Model
from ..pages.models import Department


class StoredCounter(Model):
    """A place residents go to (main office, annex, branch office, another authority) and what it handles."""

    __tablename__ = "counters"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)
    names: Mapped[dict] = mapped_column(JSON, default=dict)  # {locale: name}
    address: Mapped[dict] = mapped_column(JSON, default=dict)  # {locale: address}, empty when unconfirmed
    handles: Mapped[dict] = mapped_column(JSON, default=dict)  # {procedure id: [window, ...] or None}
    hours: Mapped[list] = mapped_column(JSON, default=list)  # [{procedures?, times, closed, source}], [] if unknown
    note: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(500), default="")
    reviewed: Mapped[dt.date | None] = mapped_column(Date)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    listed: Mapped[bool] = mapped_column(Boolean, default=True)


class Procedure(Model):
    """One procedure; its language-independent facts (deadline rules, fee, online URL) live in `facts`."""

    __tablename__ = "procedures"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    department_id: Mapped[str | None] = mapped_column(ForeignKey("departments.id"))
    facts: Mapped[dict] = mapped_column(JSON, default=dict)
    published: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    department: Mapped[Department | None] = relationship(lazy="joined")
    translations: Mapped[list[ProcedureTranslation]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan", lazy="selectin"
    )


class ProcedureTranslation(Model):
    __tablename__ = "procedure_translations"
    __table_args__ = (UniqueConstraint("procedure_id", "locale", name="uq_procedure_translation_locale"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_id: Mapped[str] = mapped_column(ForeignKey("procedures.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(Text, default="")
    deadline_text: Mapped[str] = mapped_column(String(300), default="")
    documents: Mapped[list] = mapped_column(JSON, default=list)
    fee_note: Mapped[str] = mapped_column(String(300), default="")
    online_service: Mapped[str] = mapped_column(String(200), default="")
    where_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")  # rendered and sanitised at import
    source: Mapped[str] = mapped_column(String(500))
    reviewed: Mapped[dt.date] = mapped_column(Date)
    translation: Mapped[str] = mapped_column(String(16))  # original | human | machine
    tags: Mapped[list] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    procedure: Mapped[Procedure] = relationship(back_populates="translations")


class StoredLifeEvent(Model):
    """A life event's questions and rules, as validated at import (read back by definitions.LifeEvent)."""

    __tablename__ = "life_events"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    definition: Mapped[dict] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

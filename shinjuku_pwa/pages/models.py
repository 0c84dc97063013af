"""Topics, owning sections and resident information pages, as imported from content/."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.database import UtcDateTime
from ..core.extensions import Model


class Category(Model):
    __tablename__ = "categories"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    icon: Mapped[str] = mapped_column(String(64), default="")
    names: Mapped[dict] = mapped_column(JSON, default=dict)  # {locale: name}
    # A category dropped from categories.yaml is kept (old rows may point at it) but not listed.
    listed: Mapped[bool] = mapped_column(Boolean, default=True)


class Department(Model):
    """The ward section that owns content, with its contact, defined once in content/departments/."""

    __tablename__ = "departments"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    names: Mapped[dict] = mapped_column(JSON, default=dict)
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    location: Mapped[dict] = mapped_column(JSON, default=dict)
    # The locales whose free-text location a machine translated: pages say so beside it.
    location_machine_translated: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(500), default="")
    reviewed: Mapped[dt.date | None] = mapped_column(Date)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    listed: Mapped[bool] = mapped_column(Boolean, default=True)


class Page(Model):
    """A topic page; its text lives in one PageTranslation per locale."""

    __tablename__ = "pages"

    slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    category_id: Mapped[str] = mapped_column(ForeignKey("categories.id"))
    department_id: Mapped[str] = mapped_column(ForeignKey("departments.id"))
    related: Mapped[list] = mapped_column(JSON, default=list)  # slugs, in author order
    published: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    category: Mapped[Category] = relationship(lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")
    translations: Mapped[list[PageTranslation]] = relationship(
        back_populates="page", cascade="all, delete-orphan", lazy="selectin"
    )


class PageTranslation(Model):
    __tablename__ = "page_translations"
    __table_args__ = (UniqueConstraint("page_slug", "locale", name="uq_page_translation_locale"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_slug: Mapped[str] = mapped_column(ForeignKey("pages.slug", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # rendered and sanitised at import
    # The same body with furigana (<ruby>) over its kanji, made once at import for ja and
    # ja-easy so that no request runs Sudachi; NULL for other locales and rows not yet re-imported.
    body_ruby_html: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(500))
    reviewed: Mapped[dt.date] = mapped_column(Date)
    translation: Mapped[str] = mapped_column(String(16))  # original | human | machine
    tags: Mapped[list] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))  # of the source file, to skip unchanged ones
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    page: Mapped[Page] = relationship(back_populates="translations")


class PageFeedback(Model):
    """One "was this helpful?" answer. Deliberately nothing about the person: no IP, no time of day."""

    __tablename__ = "page_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_slug: Mapped[str] = mapped_column(ForeignKey("pages.slug", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(16))
    helpful: Mapped[bool] = mapped_column(Boolean)
    created_on: Mapped[dt.date] = mapped_column(Date)

"""The ward's garbage sorting dictionary as imported from content/open-data/garbage-sorting/.

Items keep the ward's Japanese values exactly (official_*); our translations live in their own
rows keyed by the official ID, so a newer official CSV replaces items without touching them.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.extensions import Model


class GarbageCategory(Model):
    """One way of putting garbage out (categories.yaml); several 分別区分 values may map to one."""

    __tablename__ = "garbage_categories"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    values: Mapped[list] = mapped_column(JSON, default=list)  # exact 分別区分 strings
    group: Mapped[str] = mapped_column(String(32))
    oversized: Mapped[bool] = mapped_column(Boolean, default=False)
    page: Mapped[str | None] = mapped_column(String(100))  # slug of the page that explains it
    colour: Mapped[str] = mapped_column(String(16))
    icon: Mapped[str] = mapped_column(String(32))
    names: Mapped[dict] = mapped_column(JSON, default=dict)  # {locale: name}
    listed: Mapped[bool] = mapped_column(Boolean, default=True)


class GarbageItem(Model):
    """One row of the ward's CSV; `listed` is cleared when a newer CSV drops the ID."""

    __tablename__ = "garbage_items"

    official_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order in the ward's file
    official_name: Mapped[str] = mapped_column(Text)  # ゴミの品目, exactly
    official_category: Mapped[str] = mapped_column(Text)  # 分別区分, exactly
    official_note: Mapped[str | None] = mapped_column(Text)  # 注意点
    # None when the 分別区分 is in no categories.yaml list: shown as written, in neutral grey.
    category_id: Mapped[str | None] = mapped_column(String(64))
    reading: Mapped[str] = mapped_column(Text, default="")  # hiragana reading of the name, for search
    listed: Mapped[bool] = mapped_column(Boolean, default=True, index=True)


class GarbageItemTranslation(Model):
    """Our name, note and search words for one item in one locale (ja: search words only)."""

    __tablename__ = "garbage_item_translations"
    __table_args__ = (UniqueConstraint("official_id", "locale", name="uq_garbage_item_translation_locale"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    official_id: Mapped[str] = mapped_column(ForeignKey("garbage_items.official_id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    also: Mapped[list] = mapped_column(JSON, default=list)  # search words, never shown as names
    translation: Mapped[str] = mapped_column(String(16))  # original | machine


class GarbageDifference(Model):
    """A newer ward page that contradicts the dataset for some items (known-differences.yaml)."""

    __tablename__ = "garbage_differences"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    since: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500))
    official_ids: Mapped[list] = mapped_column(JSON, default=list)
    category_now: Mapped[str | None] = mapped_column(String(64))
    notices: Mapped[dict] = mapped_column(JSON, default=dict)  # {locale: text}
    listed: Mapped[bool] = mapped_column(Boolean, default=True)

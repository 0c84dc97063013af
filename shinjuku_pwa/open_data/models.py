"""Official datasets under content/open-data/ (their dataset.yaml) and the evacuation sites file."""
from __future__ import annotations

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.extensions import Model


class OpenDataset(Model):
    """One official dataset: where it comes from, its licence and attribution (dataset.yaml as read)."""

    __tablename__ = "open_datasets"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    listed: Mapped[bool] = mapped_column(Boolean, default=True)


class EvacuationSite(Model):
    """One of the ward's 指定緊急避難場所 (wide-area evacuation sites), with our labels per locale."""

    __tablename__ = "evacuation_sites"

    official_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(Text)  # 名称, exactly
    kana: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(32))
    postal_code: Mapped[str | None] = mapped_column(String(16))
    hazards: Mapped[dict] = mapped_column(JSON, default=dict)  # {hazard key: true/false}; a missing key is "not stated"
    labels: Mapped[dict] = mapped_column(JSON, default=dict)  # {locale: {label, romaji|reading}}
    listed: Mapped[bool] = mapped_column(Boolean, default=True)

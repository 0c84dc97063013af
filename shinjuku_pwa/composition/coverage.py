"""How much of the product each locale has: pages and UI strings."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import func, select

from ..core.extensions import db
from ..core.i18n import LOCALES
from ..pages.models import Page, PageTranslation


@dataclass(frozen=True)
class LocaleCoverage:
    locale: str
    pages_translated: int
    pages_total: int
    strings_translated: int
    strings_total: int


def _ui_strings(translations_dir: Path, catalog: str) -> tuple[int, int]:
    po_file = translations_dir / catalog / "LC_MESSAGES" / "messages.po"
    if not po_file.exists():
        return 0, 0
    with po_file.open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    done = sum(1 for m in messages if (all(m.string) if isinstance(m.string, tuple) else m.string) and not m.fuzzy)
    return done, len(messages)


def coverage(translations_dir: Path) -> list[LocaleCoverage]:
    total_pages = db.session.scalar(select(func.count()).select_from(Page).where(Page.published)) or 0
    per_locale = dict(
        db.session.execute(
            select(PageTranslation.locale, func.count())
            .join(Page)
            .where(Page.published, PageTranslation.published)
            .group_by(PageTranslation.locale)
        ).all()
    )
    en_total = _ui_strings(translations_dir, "en")[1]
    rows = []
    for code, info in LOCALES.items():
        done, total = _ui_strings(translations_dir, info.catalog)
        if code == "en":
            done = total = en_total  # English is the source language of the UI strings
        rows.append(LocaleCoverage(code, per_locale.get(code, 0), total_pages, done, total))
    return rows

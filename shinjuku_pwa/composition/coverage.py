"""How much of the product each locale has: pages, and UI strings residents see apart from the staff console's.

The staff console and its API speak Japanese and English only, by decision (README "How staff use
it"): its strings are counted on their own, so a resident language reads 100% when everything a
resident can see is translated. A string is a staff string when every place it is used is staff
code (STAFF_ONLY); tests/test_catalogs.py uses the same rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sqlalchemy import func, select

from ..core.config import PROJECT_ROOT
from ..core.extensions import db
from ..core.i18n import LOCALES, STAFF_LOCALES
from ..pages.models import Page, PageTranslation

# Code only staff see (the console and its API speak Japanese and English).
STAFF_ONLY = ("shinjuku_pwa/admin/", "shinjuku_pwa/staff/", "shinjuku_pwa/notices/schemas.py", "templates/admin/")
KEYWORDS = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
METHODS = [("shinjuku_pwa/**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]


def is_staff_only(path: str) -> bool:
    return path.startswith(STAFF_ONLY) or path.endswith("/cli.py")


@lru_cache(maxsize=4)
def extracted_msgids(root: Path = PROJECT_ROOT) -> tuple[frozenset[str], frozenset[str]]:
    """(resident msgids, staff-only msgids) as the code uses them now (as `make translations` extracts)."""
    resident: set[str] = set()
    staff: set[str] = set()
    for filename, _, message, _, _ in extract_from_dir(str(root), METHODS, keywords=KEYWORDS):
        msgid = message if isinstance(message, str) else message[0]
        (staff if is_staff_only(filename) else resident).add(msgid)
    return frozenset(resident), frozenset(staff - resident)


@dataclass(frozen=True)
class LocaleCoverage:
    locale: str
    pages_translated: int
    pages_total: int
    strings_translated: int  # strings residents see
    strings_total: int
    staff_strings_translated: int | None  # None: the console is not offered in this language
    staff_strings_total: int


def _translated(translations_dir: Path, catalog: str) -> set[str]:
    po_file = translations_dir / catalog / "LC_MESSAGES" / "messages.po"
    if not po_file.exists():
        return set()
    with po_file.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle)
                if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)}


def coverage(translations_dir: Path, root: Path = PROJECT_ROOT) -> list[LocaleCoverage]:
    total_pages = db.session.scalar(select(func.count()).select_from(Page).where(Page.published)) or 0
    per_locale = dict(
        db.session.execute(
            select(PageTranslation.locale, func.count())
            .join(Page)
            .where(Page.published, PageTranslation.published)
            .group_by(PageTranslation.locale)
        ).all()
    )
    resident, staff = extracted_msgids(root)
    rows = []
    for code, info in LOCALES.items():
        # English is the source language of the UI strings: every string is there.
        done = resident | staff if code == "en" else _translated(translations_dir, info.catalog)
        rows.append(LocaleCoverage(
            code, per_locale.get(code, 0), total_pages, len(resident & done), len(resident),
            len(staff & done) if code in STAFF_LOCALES else None, len(staff),
        ))
    return rows

"""Write a validated ContentBundle to the database in one transaction.

Idempotent: a file whose bytes are unchanged leaves its row untouched (so timestamps and
ETags stay stable); a removed file unpublishes its translation, and a page with no
files left is unpublished, never deleted, so feedback and links keep their target.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..furigana import FURIGANA_LOCALES, with_furigana
from ..pages.models import Category, Department, Page, PageTranslation, utcnow
from ..procedures.loader import apply_procedures, load_procedures
from .loader import ContentBundle, ContentInvalid, load_content


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.unpublished)


@dataclass(frozen=True)
class ContentSection:
    """One kind of content under content/: how to read it and how to write it.

    `load(root, loaded)` validates files without touching the database and raises
    ContentInvalid; `loaded` holds the bundles of the sections before it (procedures
    check their departments against the pages section's). `apply(bundle, report)`
    writes rows; it runs inside the single import transaction.
    """

    name: str
    load: Callable[[Path, dict[str, Any]], Any]
    apply: Callable[[Any, "ImportReport"], None]


def _pages_section() -> ContentSection:
    return ContentSection("pages", lambda root, loaded: load_content(root), lambda bundle, report: apply_bundle(bundle, report))


def content_sections() -> list[ContentSection]:
    """Every kind of content, in dependency order (pages define departments others refer to)."""
    return [_pages_section(), ContentSection("procedures", load_procedures, apply_procedures)]


def import_content(root: Path) -> ImportReport:
    """Validate all of content/ and apply it in one transaction; any invalid file writes nothing."""
    root = Path(root)
    loaded: dict[str, Any] = {}
    errors = []
    sections = content_sections()
    for section in sections:
        try:
            loaded[section.name] = section.load(root, loaded)
        except ContentInvalid as exc:
            errors.extend(exc.errors)
            loaded[section.name] = None
    if errors:
        raise ContentInvalid(errors)
    report = ImportReport()
    try:
        for section in sections:
            section.apply(loaded[section.name], report)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def apply_bundle(bundle: ContentBundle, report: ImportReport) -> ImportReport:
    _apply_categories(bundle, report)
    _apply_departments(bundle, report)
    db.session.flush()
    _apply_pages(bundle, report)
    db.session.flush()
    return report


def _apply_categories(bundle: ContentBundle, report: ImportReport) -> None:
    existing = {c.id: c for c in db.session.scalars(select(Category))}
    for item in bundle.categories:
        values = {"position": item["position"], "icon": item["icon"], "names": item["name"], "listed": True}
        row = existing.pop(item["id"], None)
        if row is None:
            db.session.add(Category(id=item["id"], **values))
            report.added.append(f"category:{item['id']}")
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            report.updated.append(f"category:{item['id']}")
    for row in existing.values():
        if row.listed:
            row.listed = False
            report.unpublished.append(f"category:{row.id}")


def _apply_departments(bundle: ContentBundle, report: ImportReport) -> None:
    existing = {d.id: d for d in db.session.scalars(select(Department))}
    for dept_id, item in bundle.departments.items():
        values = {
            "names": item["name"],
            "phone": item["phone"],
            "email": item["email"],
            "location": item["location"],
            "source": item["source"],
            "reviewed": item["reviewed"],
            "content_hash": item["content_hash"],
            "listed": True,
        }
        row = existing.pop(dept_id, None)
        if row is None:
            db.session.add(Department(id=dept_id, **values))
            report.added.append(f"department:{dept_id}")
        elif row.content_hash != item["content_hash"] or not row.listed:
            for key, value in values.items():
                setattr(row, key, value)
            report.updated.append(f"department:{dept_id}")
    for row in existing.values():
        if row.listed:
            row.listed = False
            report.unpublished.append(f"department:{row.id}")


def _ruby_body(file) -> str | None:
    """The body with furigana, for Japanese pages only; made here, once, not per request."""
    return with_furigana(file.body_marked_html or file.body_html) if file.locale in FURIGANA_LOCALES else None


def _apply_pages(bundle: ContentBundle, report: ImportReport) -> None:
    now = utcnow()
    existing = {p.slug: p for p in db.session.scalars(select(Page))}
    for slug, files in bundle.pages.items():
        original = files["ja"].meta
        page_values = {
            "category_id": original["category"],
            "department_id": original["department"],
            "related": list(original["related"]),
            "published": True,
        }
        page = existing.pop(slug, None)
        if page is None:
            page = Page(slug=slug, updated_at=now, **page_values)
            db.session.add(page)
            report.added.append(f"page:{slug}")
            page_changed = True
        else:
            page_changed = any(getattr(page, key) != value for key, value in page_values.items())
            for key, value in page_values.items():
                setattr(page, key, value)
        translations = {t.locale: t for t in page.translations}
        for locale, file in files.items():
            meta = file.meta
            values = {
                "title": meta["title"],
                "summary": meta["summary"],
                "body_html": file.body_html,
                "source": meta["source"],
                "reviewed": meta["reviewed"],
                "translation": meta["translation"],
                "tags": list(meta["tags"]),
                "content_hash": file.content_hash,
                "published": True,
            }
            row = translations.pop(locale, None)
            if row is None:
                page.translations.append(
                    PageTranslation(locale=locale, updated_at=now, body_ruby_html=_ruby_body(file), **values)
                )
                report.added.append(file.path)
                page_changed = True
            elif row.content_hash != file.content_hash or not row.published:
                for key, value in values.items():
                    setattr(row, key, value)
                row.body_ruby_html = _ruby_body(file)
                row.updated_at = now
                report.updated.append(file.path)
                page_changed = True
            else:
                if row.body_ruby_html is None and locale in FURIGANA_LOCALES:
                    row.body_ruby_html = _ruby_body(file)  # imported before furigana existed
                report.unchanged += 1
        for locale, row in translations.items():
            if row.published:
                row.published = False
                row.updated_at = now
                report.unpublished.append(f"pages/{slug}/{locale}.md")
                page_changed = True
        if page_changed:
            page.updated_at = now
    for page in existing.values():
        if page.published:
            page.published = False
            page.updated_at = now
            for row in page.translations:
                row.published = False
            report.unpublished.append(f"page:{page.slug}")

"""Write a validated ContentBundle to the database in one transaction.

Idempotent: a file whose bytes are unchanged leaves its row untouched (so timestamps and
ETags stay stable); a removed file unpublishes its translation, and a page with no
files left is unpublished, never deleted, so feedback and links keep their target.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..content.loader import ContentBundle, ContentInvalid, load_content
from ..content.sync import StoredKind, sync_rows, sync_translations
from ..core import versions
from ..core.clock import utcnow
from ..core.extensions import db
from ..garbage.loader import apply_garbage, load_garbage
from ..japanese.furigana import FURIGANA_LOCALES, with_furigana
from ..notices.template_loader import apply_notice_templates, load_notice_templates
from ..open_data.loader import apply_open_data, load_open_data
from ..pages.models import Category, Department, Page, PageTranslation
from ..procedures.loader import apply_procedures, load_procedures


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)  # worth a look, but nothing that stops the import

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
    apply: Callable[[Any, ImportReport], object]


def _pages_section() -> ContentSection:
    return ContentSection("pages", lambda root, loaded: load_content(root), lambda bundle, report: apply_bundle(bundle, report))


def content_sections() -> list[ContentSection]:
    """Every kind of content, in dependency order (pages define departments others refer to)."""
    return [
        _pages_section(),
        ContentSection("procedures", load_procedures, apply_procedures),
        ContentSection("open-data", load_open_data, apply_open_data),
        ContentSection("garbage", load_garbage, apply_garbage),
        ContentSection("notice-templates", load_notice_templates, apply_notice_templates),
    ]


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
        if report.changed:
            versions.bump(db.session(), versions.CONTENT)  # every host's pages and index follow
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


CATEGORIES = StoredKind(Category, "category", visible="listed", file_per_item=False)
DEPARTMENTS = StoredKind(Department, "department", visible="listed", file_per_item=False)
PAGES = StoredKind(Page, "page", key="slug", stamped=True, file_per_item=False)


def _apply_categories(bundle: ContentBundle, report: ImportReport) -> None:
    wanted = {item["id"]: {"position": item["position"], "icon": item["icon"], "names": item["name"]}
              for item in bundle.categories}
    sync_rows(CATEGORIES, wanted, report, utcnow())


def _apply_departments(bundle: ContentBundle, report: ImportReport) -> None:
    columns = ("phone", "email", "location", "location_machine_translated", "source", "reviewed", "content_hash")
    wanted = {dept_id: {"names": item["name"], **{column: item[column] for column in columns}}
              for dept_id, item in bundle.departments.items()}
    sync_rows(DEPARTMENTS, wanted, report, utcnow())


def _ruby_body(file) -> str | None:
    """The body with furigana, for Japanese pages only; made here, once, not per request."""
    return with_furigana(file.body_marked_html or file.body_html) if file.locale in FURIGANA_LOCALES else None


def _page_text(file) -> dict:
    meta = file.meta
    return {
        "title": meta["title"], "summary": meta["summary"], "body_html": file.body_html,
        "body_ruby_html": _ruby_body(file), "source": meta["source"], "reviewed": meta["reviewed"],
        "translation": meta["translation"], "tags": list(meta["tags"]),
    }


def _backfill_ruby(row: PageTranslation, file) -> None:
    if row.body_ruby_html is None and file.locale in FURIGANA_LOCALES:
        row.body_ruby_html = _ruby_body(file)  # imported before furigana existed


def _unpublish_translations(page: Page) -> None:
    for row in page.translations:
        row.published = False


def _page_file(slug: str, locale: str) -> str:
    return f"pages/{slug}/{locale}.md"


def _apply_pages(bundle: ContentBundle, report: ImportReport) -> None:
    now = utcnow()
    wanted = {
        slug: {"category_id": files["ja"].meta["category"], "department_id": files["ja"].meta["department"],
               "related": list(files["ja"].meta["related"])}
        for slug, files in bundle.pages.items()
    }
    pages = sync_rows(PAGES, wanted, report, now, on_removed=_unpublish_translations)
    for slug, files in bundle.pages.items():
        page = pages[slug]
        if sync_translations(page, files, PageTranslation, _page_text, report, now,
                             removed_path=partial(_page_file, slug),
                             on_unchanged=_backfill_ruby):
            page.updated_at = now

"""Reading pages, categories and departments for one locale, with the fallback rules."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from ..core.errors import NotFound
from ..core.extensions import db
from ..core.i18n import ServedTranslation, served_locale
from .models import Category, Department, Page, PageFeedback, PageTranslation

# What a person needs first in a disaster; the home page shows them and the offline app keeps them.
DISASTER_CATEGORY = "disaster"  # every page of it shows the 119/110 call buttons
EMERGENCY_SLUGS = ("evacuation-sites", "disaster-information", "branch-offices", "multilingual-consultation")
# The ward's call centre (content/departments/shinjuku-call.yaml): the phone a contact box gives when the
# page's own section has none published (issue 16).
CALL_CENTRE = "shinjuku-call"


class PageNotFound(NotFound):
    pass


class CategoryNotFound(NotFound):
    pass


@dataclass(frozen=True)
class LocalizedPage(ServedTranslation):
    page: Page
    text: PageTranslation  # the translation actually served
    requested_lang: str
    available: tuple[str, ...]  # locales this page has, for hreflang and the switcher

    @property
    def english_available(self) -> bool:
        return "en" in self.available and self.requested_lang != "en"


def _published_translations(page: Page) -> dict[str, PageTranslation]:
    return {t.locale: t for t in page.translations if t.published}


def localize(page: Page, locale: str) -> LocalizedPage | None:
    translations = _published_translations(page)
    code = served_locale(translations, locale)
    return None if code is None else LocalizedPage(page, translations[code], locale, tuple(translations))


def get_page(slug: str, locale: str) -> LocalizedPage:
    page = db.session.get(Page, slug)
    if page is None or not page.published:
        raise PageNotFound(slug)
    localized_page = localize(page, locale)
    if localized_page is None:
        raise PageNotFound(slug)
    return localized_page


def get_pages_by_slugs(slugs: list[str], locale: str) -> list[LocalizedPage]:
    """Published pages in the order given (related pages, emergency links); missing ones skipped."""
    if not slugs:
        return []
    rows = {p.slug: p for p in db.session.scalars(select(Page).where(Page.slug.in_(slugs), Page.published))}
    result = []
    for slug in slugs:
        if slug in rows and (item := localize(rows[slug], locale)):
            result.append(item)
    return result


def list_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).where(Category.listed).order_by(Category.position)))


def get_call_centre() -> Department | None:
    """The ward's call centre, if the content defines it."""
    department = db.session.get(Department, CALL_CENTRE)
    return department if department is not None and department.listed and department.phone else None


def get_category(category_id: str) -> Category:
    category = db.session.get(Category, category_id)
    if category is None or not category.listed:
        raise CategoryNotFound(category_id)
    return category


def count_pages_by_category() -> dict[str, int]:
    rows = db.session.execute(
        select(Page.category_id, func.count()).where(Page.published).group_by(Page.category_id)
    )
    return dict(rows.all())


def list_pages(locale: str, category: str | None = None, page: int = 1, per_page: int = 20) -> tuple[list[LocalizedPage], int]:
    """One page of published pages, ordered by title in the served language; returns (items, total)."""
    query = select(Page).where(Page.published)
    if category:
        query = query.where(Page.category_id == category)
    localized_pages = [lp for p in db.session.scalars(query) if (lp := localize(p, locale))]
    localized_pages.sort(key=lambda lp: lp.text.title)
    start = (page - 1) * per_page
    return localized_pages[start:start + per_page], len(localized_pages)


def record_feedback(slug: str, locale: str, helpful: bool, today: dt.date) -> None:
    page = db.session.get(Page, slug)
    if page is None or not page.published:
        raise PageNotFound(slug)
    db.session.add(PageFeedback(page_slug=slug, locale=locale, helpful=helpful, created_on=today))
    db.session.commit()

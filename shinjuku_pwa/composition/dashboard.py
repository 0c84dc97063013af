"""What the staff dashboard shows: announcements, pages due for review, translation coverage,
"was this helpful?" answers and searches that found nothing. Each panel is one function."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import case, func, select

from ..core.extensions import db
from ..core.i18n import pick_text
from ..notices.services import upcoming_and_recent
from ..pages.models import Page, PageFeedback, PageTranslation
from ..pages.queries import get_pages_by_slugs
from ..push.dispatcher import delivery_counts
from ..search.models import SearchMiss
from ..search.service import top_misses
from .coverage import LocaleCoverage, coverage

REVIEW_INTERVAL_MONTHS = 12


@dataclass(frozen=True)
class AnnouncementSummary:
    """One notice as the dashboard lists it; `deliveries` counts push deliveries by state
    (queued, sent, retrying, failed, gone)."""

    id: int
    title: str
    state: str
    publish_at: dt.datetime
    deliveries: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Announcements:
    upcoming: list[AnnouncementSummary]
    recent: list[AnnouncementSummary]


def announcements_for_dashboard(now: dt.datetime, locale: str) -> Announcements:
    """Scheduled notices still to go out, and the latest ones sent, with delivery counts."""
    upcoming, recent = upcoming_and_recent(now)

    def summary(notice) -> AnnouncementSummary:
        _, title = pick_text(notice.title, locale)
        return AnnouncementSummary(notice.id, title, notice.state.value, notice.publish_at, delivery_counts(notice.id))

    return Announcements(upcoming=[summary(n) for n in upcoming], recent=[summary(n) for n in recent])


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier; the 29-31st fall back to the month's last day."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return dt.date(year, month_index + 1, min(day.day, last_day))


@dataclass(frozen=True)
class OverdueReview:
    slug: str
    locale: str
    title: str
    reviewed: dt.date
    department_id: str


def pages_overdue_for_review(today: dt.date, limit: int = 200) -> list[OverdueReview]:
    """Published translations whose facts were last checked more than 12 months ago, oldest first."""
    cutoff = months_before(today, REVIEW_INTERVAL_MONTHS)
    rows = db.session.execute(
        select(PageTranslation.page_slug, PageTranslation.locale, PageTranslation.title,
               PageTranslation.reviewed, Page.department_id)
        .join(Page)
        .where(Page.published, PageTranslation.published, PageTranslation.reviewed < cutoff)
        .order_by(PageTranslation.reviewed, PageTranslation.page_slug, PageTranslation.locale)
        .limit(limit)
    )
    return [OverdueReview(*row) for row in rows]


def translation_coverage(translations_dir: str) -> list[LocaleCoverage]:
    return coverage(Path(translations_dir))


@dataclass(frozen=True)
class FeedbackSummary:
    slug: str
    title: str
    helpful: int
    not_helpful: int

    @property
    def total(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def helpful_percent(self) -> int:
        return round(100 * self.helpful / self.total) if self.total else 0


def feedback_by_page(locale: str, limit: int = 50) -> list[FeedbackSummary]:
    """Answers per page, most "not helpful" first: the pages to improve first."""
    helpful = func.sum(case((PageFeedback.helpful, 1), else_=0))
    not_helpful = func.sum(case((PageFeedback.helpful, 0), else_=1))
    rows = db.session.execute(
        select(PageFeedback.page_slug, helpful, not_helpful)
        .group_by(PageFeedback.page_slug)
        .order_by(not_helpful.desc(), func.count().desc(), PageFeedback.page_slug)
        .limit(limit)
    ).all()
    titles = {item.page.slug: item.text.title for item in get_pages_by_slugs([row[0] for row in rows], locale)}
    return [FeedbackSummary(slug, titles.get(slug, slug), int(yes or 0), int(no or 0)) for slug, yes, no in rows]


def search_misses(limit: int = 20) -> list[SearchMiss]:
    """Searches that found nothing, most frequent first (query, locale, count)."""
    return top_misses(limit=limit)

"""The dashboard: pages overdue for review, translation coverage, feedback per page, search misses,
and the announcements panel that the notices package fills."""
from __future__ import annotations

import datetime as dt

import pytest

from shinjuku_pwa.composition import dashboard
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.pages.models import Category, Department, Page, PageFeedback, PageTranslation
from shinjuku_pwa.search.service import record_miss
from tests.admin.conftest import signed_in_client


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2026, 11, 26), dt.date(2025, 11, 26)),
    (dt.date(2028, 2, 29), dt.date(2027, 2, 28)),
    (dt.date(2026, 3, 31), dt.date(2025, 3, 31)),
    (dt.date(2026, 1, 15), dt.date(2025, 1, 15)),
])
def test_twelve_months_before_a_day(day, expected):
    assert dashboard.months_before(day, 12) == expected


def test_months_before_falls_back_to_the_last_day_of_a_shorter_month():
    assert dashboard.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)


def _page(slug: str, reviewed: dict[str, dt.date], published: bool = True) -> Page:
    page = Page(slug=slug, category_id="moving", department_id="residents", related=[], published=published)
    for locale, day in reviewed.items():
        page.translations.append(PageTranslation(
            locale=locale, title=f"{slug} ({locale})", summary="", body_html="", source="https://www.city.shinjuku.lg.jp/",
            reviewed=day, translation="original", tags=[], content_hash="x", published=True))
    return page


def _content(app, today: dt.date) -> None:
    old, fresh = today - dt.timedelta(days=400), today - dt.timedelta(days=30)
    with app.app_context():
        db.session.add(Category(id="moving", position=1, icon="", names={"ja": "引っ越し", "en": "Moving"}, listed=True))
        db.session.add(Department(id="residents", names={"ja": "戸籍住民課"}, location={}, source="", content_hash="", listed=True))
        db.session.add_all([
            _page("moving-in", {"ja": old, "en": fresh}),
            _page("garbage", {"ja": fresh, "en": fresh}),
            _page("retired", {"ja": old}, published=False),
        ])
        db.session.commit()
        for slug, helpful in [("moving-in", True), ("moving-in", False), ("moving-in", False), ("garbage", True)]:
            db.session.add(PageFeedback(page_slug=slug, locale="en", helpful=helpful, created_on=today))
        db.session.commit()
        for query in ("粗大ごみ 予約", "粗大ごみ 予約", "parking permit"):
            record_miss(query, "ja" if "ごみ" in query else "en")


def test_pages_overdue_for_review_are_published_translations_older_than_12_months(staff_app):
    today = dt.date(2026, 11, 26)
    _content(staff_app, today)
    with staff_app.app_context():
        overdue = dashboard.pages_overdue_for_review(today)
    assert [(row.slug, row.locale) for row in overdue] == [("moving-in", "ja")]


def test_feedback_is_summed_per_page_with_the_least_helpful_first(staff_app):
    _content(staff_app, dt.date(2026, 11, 26))
    with staff_app.app_context():
        rows = dashboard.feedback_by_page("en")
    assert [(r.slug, r.title, r.helpful, r.not_helpful, r.helpful_percent) for r in rows] == [
        ("moving-in", "moving-in (en)", 1, 2, 33), ("garbage", "garbage (en)", 1, 0, 100)]


def test_the_dashboard_shows_every_panel_to_every_role(staff_app):
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date()
    _content(staff_app, today)
    client = signed_in_client(staff_app, "editor")
    html = client.get("/admin/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'id="announcements"' in html and "None." in html  # filled by the notices package
    assert "moving-in (ja)" in html  # overdue for review
    assert "やさしい にほんご" in html and "2 / 2" in html  # coverage: en has both published pages
    assert "33%" in html  # feedback
    assert "粗大ごみ 予約" in html and "parking permit" in html  # search misses
    assert html.index("粗大ごみ 予約") < html.index("parking permit")  # most frequent first


def test_the_console_speaks_japanese_by_default_and_english_on_request(staff_app):
    client = signed_in_client(staff_app, "editor")
    assert '<html lang="ja"' in client.get("/admin/").get_data(as_text=True)
    assert '<html lang="en"' in client.get("/admin/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    switched = client.get("/admin/language/en", query_string={"next": "/admin/password"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/admin/password"
    assert '<html lang="en"' in client.get("/admin/password", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert client.get("/admin/language/en", query_string={"next": "https://evil.example/"}).headers["Location"] == "/admin/"

"""WCAG 2.2 AA in real Chromium: axe-core's default rules (best practices included) on every
page type in every locale at phone width, plus keyboard, zoom and motion checks."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
import yaml
from axe_playwright_python.sync_playwright import Axe

from shinjuku_pwa.core.i18n import LOCALE_CODES
from shinjuku_pwa.procedures.deadlines import DeadlineRule, date_for
from tests.browser.conftest import PHONE
from tests.clock import days_from_today, tokyo_today
from tests.conftest import BUNDLED_CONTENT

pytestmark = pytest.mark.browser

MOVING_IN_ANSWERS = ("&from_abroad=yes&foreign_national=yes&has_my_number_card=no"
                     "&employer_health_insurance=no&has_children=yes&needs_nursery=no&age_65_or_over=no&has_dog=no")


def checklist(move_date: dt.date) -> str:
    return f"/life-events/moving-in?move_date={move_date.isoformat()}{MOVING_IN_ANSWERS}"


def _moved_on_for_last_day_today() -> dt.date:
    """The move date whose moving-in notification is due today (read from the bundled rule)."""
    front_matter = (BUNDLED_CONTENT / "procedures" / "moving-in-notification" / "ja.md").read_text().split("---")[1]
    rule = DeadlineRule.from_dict(yaml.safe_load(front_matter)["deadline"])
    today = tokyo_today()
    return next(today - dt.timedelta(days=back) for back in range(400)
                if date_for(rule, today - dt.timedelta(days=back)) == today)


# A checklist with deadlines behind, on and ahead of today: each marks its warnings differently.
CHECKLISTS = {
    "deadlines passed": (checklist(days_from_today(-60)), ".warning-deadline-passed"),
    "deadline today": (checklist(_moved_on_for_last_day_today()), ".warning-due-today"),
    "deadlines ahead": (checklist(days_from_today(-1)), None),
}
CHECKLIST = CHECKLISTS["deadlines passed"][0]
PAGE_TYPES = {
    "home": "/",
    "category": "/topics/moving",
    "page": "/pages/moving-in",
    "procedure": "/procedures/moving-in-notification",
    "life event question": "/life-events/moving-in",
    "checklist": CHECKLIST,
    "search with results": "/search?q=garbage",
    "search without results": "/search?q=qqqzzzxxx",
    "notices": "/notices",
    "notice": "/notices/{notice_id}",
    "reader settings": "/settings",
    "notification settings": "/settings/notifications",
    "offline page": "/offline",
    "saved pages": "/saved",
    "emergency": "/emergency",
    "install": "/install",
}
AXE = Axe()


@pytest.fixture(scope="module")
def notice_id(live_server):
    now = dt.datetime.now(dt.UTC)
    with live_server.database() as connection:
        notice = connection.execute(sa.text(
            "INSERT INTO notices (title, body, topics, publish_at, push, urgency, ttl, state, created_at, updated_at)"
            " VALUES (:title, :body, :topics, :now, :push, 'normal', 3600, 'scheduled', :now, :now) RETURNING id"),
            {"title": json.dumps({"ja": "粗大ごみの受付時間の変更", "en": "New hours for oversized garbage"}),
             "body": json.dumps({"ja": "受付時間が変わります。", "en": "The reception hours change."}),
             "topics": json.dumps(["garbage"]), "now": live_server.db_time(now), "push": False}).scalar_one()
    live_server.flask("push", "send-due", "--once")
    return notice


def _violations(page) -> list[str]:
    results = AXE.run(page)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]]


@pytest.mark.parametrize("lang", LOCALE_CODES)
def test_every_page_type_has_no_axe_violations_at_phone_width(browser, live_server, notice_id, lang):
    context = browser.new_context(viewport=PHONE, service_workers="block")
    page = context.new_page()
    found = {}
    try:
        for name, path in PAGE_TYPES.items():
            response = page.goto(f"{live_server.url}/{lang}{path.format(notice_id=notice_id)}")
            assert response.status == 200, (name, response.status)
            problems = _violations(page)
            if problems:
                found[name] = problems
    finally:
        context.close()
    assert found == {}


@pytest.mark.parametrize("lang", LOCALE_CODES)
def test_checklists_with_deadlines_passed_due_today_and_ahead_have_no_axe_violations(browser, live_server, lang):
    context = browser.new_context(viewport=PHONE, service_workers="block")
    page = context.new_page()
    found = {}
    try:
        for name, (path, warning) in CHECKLISTS.items():
            page.goto(f"{live_server.url}/{lang}{path}")
            overdue_or_due = page.locator(".warning-deadline-passed, .warning-claim-late, .warning-due-today")
            if warning:
                assert page.locator(warning).count() >= 1, name
                # One live region for the list, never a role on an item.
                assert page.locator(f".warnings[role=alert] ul > li{warning}").count() >= 1, name
            else:
                assert overdue_or_due.count() == 0, name
            assert page.locator(".warnings li[role]").count() == 0, name
            problems = _violations(page)
            if problems:
                found[name] = problems
    finally:
        context.close()
    assert found == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_staff_sign_in_page_has_no_axe_violations(browser, live_server, scheme):
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    try:
        for lang in ("ja", "en"):
            page.goto(f"{live_server.url}/admin/language/{lang}?next=/admin/login")
            assert _violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("page_type", ["home", "page", "checklist", "search with results"])
def test_dark_mode_with_reduced_motion_has_no_axe_violations(browser, live_server, page_type):
    context = browser.new_context(viewport=PHONE, color_scheme="dark", reduced_motion="reduce")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/en{PAGE_TYPES[page_type]}")
        assert _violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["ja", "en", "my"])
def test_no_horizontal_scrolling_at_320_px_and_200_percent_text(browser, live_server, lang):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        for path in ("/", "/pages/branch-offices", CHECKLIST, "/search?q=garbage"):
            page.goto(f"{live_server.url}/{lang}{path}")
            page.evaluate("document.documentElement.style.fontSize = '200%'")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (path, overflow)
    finally:
        context.close()


def test_keyboard_users_get_a_skip_link_and_a_visible_focus(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/en/pages/moving-in")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.getAttribute('href')")
        assert focused == "#main"
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("none", "")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        # Tab order follows the page: header search, language, then the main content.
        order = []
        for _ in range(6):
            page.keyboard.press("Tab")
            order.append(page.evaluate("document.activeElement.closest('header, main, footer')?.tagName || 'BODY'"))
        assert order[0] == "MAIN"
    finally:
        context.close()


def test_touch_targets_are_at_least_24_px(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        for path in ("/en/", "/en/pages/moving-in", f"/en{CHECKLIST}", "/en/settings"):
            page.goto(live_server.url + path)
            small = page.evaluate("""() => [...document.querySelectorAll('a, button, input, select, summary')]
                .filter(el => el.offsetParent !== null && !el.closest('p, li, td, dd') || el.matches('button, input, select, summary'))
                .filter(el => el.offsetParent !== null)
                .map(el => ({tag: el.tagName, text: (el.textContent || el.value || '').trim().slice(0, 30), r: el.getBoundingClientRect()}))
                .filter(x => x.r.width < 24 || x.r.height < 24)
                .map(x => `${x.tag} ${x.text} ${Math.round(x.r.width)}x${Math.round(x.r.height)}`)""")
            assert small == [], (path, small)
    finally:
        context.close()


def test_dates_are_marked_up_with_time_datetime(browser, live_server, notice_id):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/en/pages/moving-in")
        assert page.locator("time[datetime]").count() >= 1
        page.goto(f"{live_server.url}/en/notices/{notice_id}")
        assert page.locator("time[datetime]").count() >= 1
    finally:
        context.close()

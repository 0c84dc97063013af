"""Journeys residents stumbled on (issues 16 and 18), in a real Chromium at phone width."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from shinjuku_pwa.core.i18n import LOCALE_CODES
from tests.browser.conftest import PHONE, wait_for_worker, wait_until

pytestmark = pytest.mark.browser


def test_offline_the_emergency_hub_opens_in_every_locale_with_the_call_buttons(page, context, live_server):
    page.goto(live_server.url + "/ne/")
    wait_for_worker(page)
    wait_until(page, "caches.keys().then(names => names.some(n => n.startsWith('shell-')))")
    context.set_offline(True)
    try:
        for lang in LOCALE_CODES:  # never visited in any of them: precached on install
            page.goto(f"{live_server.url}/{lang}/emergency")
            assert page.locator("html").get_attribute("data-locale") == lang
            assert page.locator("a.call-button[href='tel:119']").is_visible()
            assert page.locator("a.call-button[href='tel:110']").is_visible()
            assert page.locator("#saved-list").count() == 0, f"{lang}: the offline page, not the hub"
    finally:
        context.set_offline(False)


def test_the_offline_pages_emergency_link_opens_the_hub_not_the_offline_page_again(page, context, live_server):
    page.goto(live_server.url + "/my/")
    wait_for_worker(page)
    context.set_offline(True)
    try:
        page.goto(live_server.url + "/my/pages/never-visited-page-xyz")
        assert page.locator("#saved-list").count() == 1  # the offline page
        assert page.locator("a.call-button[href='tel:119']").is_visible()
        page.locator("main a[href='/my/emergency']").click()
        page.wait_for_url("**/my/emergency")
        assert page.locator("#saved-list").count() == 0
        assert page.locator(".card-list a[href='/my/pages/evacuation-sites']").count() == 1
        assert page.locator("a.call-button[href='tel:110']").is_visible()
    finally:
        context.set_offline(False)


def test_the_call_buttons_are_large_enough_to_tap(page, live_server):
    page.goto(live_server.url + "/ja-easy/pages/evacuation-sites")
    for number in ("119", "110"):
        box = page.locator(f"a.call-button[href='tel:{number}']").bounding_box()
        assert box["height"] >= 56 and box["width"] >= 300, box


@pytest.mark.parametrize("lang", ["ne", "my", "ja-easy", "en"])
def test_an_empty_date_shows_a_focused_error_summary_with_no_axe_violations(browser, live_server, lang):
    context = browser.new_context(viewport=PHONE, service_workers="block")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/{lang}/life-events/moving-in")
        page.locator("form.question button[type=submit]").click()
        summary = page.locator(".error-summary")
        summary.wait_for()
        wait_until(page, "document.activeElement && document.activeElement.matches('.error-summary')")
        assert page.locator("#move_date-error").is_visible()
        summary.locator("a").click()
        wait_until(page, "document.activeElement && document.activeElement.id === 'move_date'")
        violations = Axe().run(page).response["violations"]
        assert [v["id"] for v in violations] == []
    finally:
        context.close()

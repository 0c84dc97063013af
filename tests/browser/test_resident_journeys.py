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


BLOCKED = """
Object.defineProperty(Notification, 'permission', { get: () => 'denied' });
Notification.requestPermission = () => Promise.resolve('denied');
"""
PUSH_SERVICE_DOWN = """
PushManager.prototype.getSubscription = () => Promise.resolve(null);
PushManager.prototype.subscribe = () => Promise.reject(new DOMException('Registration failed - push service error', 'AbortError'));
"""
NO_PUSH_IN_A_SAFARI_TAB = "delete window.PushManager;"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")


def _notification_state_after_tapping(browser, live_server, lang: str, script: str = "", offline: bool = False,
                                      grant: bool = False, **context_args) -> tuple[str, dict[str, str]]:
    context = browser.new_context(viewport=PHONE, **context_args)
    if grant:
        context.grant_permissions(["notifications"], origin=live_server.url)
    if script:
        context.add_init_script(script)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/{lang}/settings/notifications")
        state = page.locator("#push-state")
        messages = page.evaluate("Object.assign({}, document.getElementById('push-state').dataset)")
        button = page.locator("#push-subscribe")
        if button.is_visible():
            wait_for_worker(page)
            if offline:
                context.set_offline(True)
            wait_until(page, "document.getElementById('push-state').textContent !== ''")  # the state on opening
            page.evaluate("document.getElementById('push-state').textContent = ''")
            button.click()
            wait_until(page, "document.getElementById('push-state').textContent !== ''")
        return state.inner_text(), messages
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["ne", "en"])
def test_notifications_blocked_in_the_browser_say_to_allow_them_in_the_settings(browser, live_server, lang):
    shown, messages = _notification_state_after_tapping(browser, live_server, lang, BLOCKED)
    assert shown == messages["denied"]
    if lang == "en":
        assert "blocked in your browser settings" in shown


@pytest.mark.parametrize("lang", ["my", "en"])
def test_offline_the_notification_button_says_to_connect_first(browser, live_server, lang):
    shown, messages = _notification_state_after_tapping(browser, live_server, lang, offline=True, grant=True)
    assert shown == messages["offline"]
    if lang == "en":
        assert shown == "You are offline. Connect to the internet, then try again."


def test_an_unreachable_push_service_is_named_as_such(browser, live_server):
    shown, messages = _notification_state_after_tapping(browser, live_server, "ja-easy", PUSH_SERVICE_DOWN, grant=True)
    assert shown == messages["pushService"]


def test_an_iphone_safari_tab_is_told_to_add_the_app_to_the_home_screen(browser, live_server):
    shown, messages = _notification_state_after_tapping(browser, live_server, "en", NO_PUSH_IN_A_SAFARI_TAB, user_agent=IPHONE)
    assert shown == messages["iosHomeScreen"]
    assert "Home Screen" in shown

"""The garbage dictionary in a real Chromium: suggestions as you type, and the lookup offline after first use."""
from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, wait_for_worker, wait_until

pytestmark = pytest.mark.browser


def _server_first(live_server, lang: str, query: str) -> str:
    url = f"{live_server.url}/api/v1/garbage-items?lang={lang}&per_page=1&q={urllib.parse.quote(query)}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)["items"][0]["official_name"]


def _first_result(page) -> str:
    page.locator("#garbage-results .garbage-item").first.wait_for()
    return page.locator("#garbage-results .garbage-item .official-name").first.inner_text()


def test_suggestions_appear_as_you_type(page, live_server):
    page.goto(live_server.url + "/en/garbage")
    page.locator("#garbage-q").press_sequentially("microw")
    option = page.locator("#garbage-suggestions [role=option]").first
    # On a busy machine keystrokes can arrive further apart than the 120 ms pause, so the list first
    # shows what "m" or "mi" matches; what counts is what it settles on for the whole word.
    expect(option).to_contain_text("Microwave", timeout=10_000)
    assert page.locator("#garbage-q").get_attribute("aria-expanded") == "true"
    page.locator("#garbage-q").press("ArrowDown")
    assert page.locator("#garbage-q").get_attribute("aria-activedescendant") == "garbage-suggestion-0"


def test_the_home_page_does_not_fetch_the_dictionary(page, live_server):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(live_server.url + "/en/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in fetched if "/garbage/" in url or "garbage.js" in url]


def test_the_lookup_works_offline_after_first_use(page, context, live_server):
    page.goto(live_server.url + "/en/garbage")
    wait_for_worker(page)
    page.reload()  # now through the worker, which keeps a copy of the page
    page.locator("#garbage-q").press_sequentially("sofa")
    page.locator("#garbage-suggestions [role=option]").first.wait_for()  # first use: the dictionary is fetched
    wait_until(page, "caches.open('garbage-dictionary').then(c => c.keys()).then(k => k.length > 0)")
    expected = {query: _server_first(live_server, "en", query) for query in ("microwave", "PET bottle", "kitchen knife")}
    context.set_offline(True)
    try:
        assert page.evaluate("navigator.onLine") is False
        for query, official_name in expected.items():
            page.locator("#garbage-q").fill(query)
            page.locator("form.garbage-search button[type=submit]").click()
            wait_until(page, "q => document.querySelector('#garbage-results .official-name')"
                             " && new URL(location.href).searchParams.get('q') === q", query)
            assert _first_result(page) == official_name, query
        assert page.locator("#garbage-offline").is_visible()
        # Opened offline with another query: the saved page answers it in the browser.
        page.goto(live_server.url + "/en/garbage?q=umbrella")
        assert _first_result(page) == "傘"
        page.goto(live_server.url + "/en/garbage?q=sofa")
        assert _first_result(page) == "ソファー"
        assert page.locator("#garbage-results .garbage-oversized a[href='/en/pages/oversized-garbage']").count() >= 1
        assert page.locator("#garbage-results .garbage-cat svg").count() >= 1
        # A newer ward rule goes with the item offline too.
        page.goto(live_server.url + "/en/garbage?q=small rechargeable batteries")
        assert _first_result(page) == "小型充電式電池"
        assert "Since April 2025" in page.locator("#garbage-results .garbage-newer-rule").first.inner_text()
    finally:
        context.set_offline(False)


GARBAGE_PAGES = ("/garbage?q=battery", "/garbage", "/garbage/categories/oversized", "/garbage/items/131041S00002",
                 "/pages/evacuation-sites", "/open-data")


@pytest.mark.parametrize("lang", ["ja", "ja-easy", "en", "zh-Hans", "zh-Hant", "ko", "vi", "ne", "my"])
def test_the_dictionary_evacuation_and_open_data_pages_have_no_axe_violations(browser, live_server, lang):
    axe = Axe()
    context = browser.new_context(viewport=PHONE, service_workers="block")
    page = context.new_page()
    found = {}
    try:
        for path in GARBAGE_PAGES:
            assert page.goto(f"{live_server.url}/{lang}{path}").status == 200, path
            violations = axe.run(page).response["violations"]
            if violations:
                found[path] = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in violations]
    finally:
        context.close()
    assert found == {}

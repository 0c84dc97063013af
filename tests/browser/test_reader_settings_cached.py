"""Reader settings on cached pages, in Chromium against gunicorn (the page cache on, as in
production): a setting shows at once on a page already seen, and never reaches another reader."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGE = "/ja/pages/moving-in"


def _font_size(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")


def test_a_saved_setting_shows_on_a_cached_page_and_only_for_that_reader(browser, live_server):
    reader = browser.new_context()
    other = browser.new_context()
    try:
        page = reader.new_page()
        page.goto(live_server.url + PAGE)  # the default copy: now cached in the server and in the browser
        standard = _font_size(page)
        assert page.locator("main ruby").count() == 0
        page.click("footer a[href*='/settings?next=']")
        page.check("#text-size-largest")
        page.check("#furigana-all")
        page.click("form.reader-settings button[type=submit]")
        page.wait_for_url(live_server.url + PAGE)
        assert "text-largest" in page.get_attribute("html", "class")
        assert _font_size(page) > standard and page.locator("main ruby").count() > 0
        page.reload()
        assert "text-largest" in (page.get_attribute("html", "class") or "")

        stranger = other.new_page()
        stranger.goto(live_server.url + PAGE)  # same URL, the reader's copy is cached: not for them
        assert not stranger.get_attribute("html", "class")
        assert _font_size(stranger) == standard and stranger.locator("main ruby").count() == 0
    finally:
        reader.close()
        other.close()

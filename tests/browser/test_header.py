"""The site header on phones (360 px, and 390 px: iPhone 12 to 15) in real Chromium, in every locale."""
from __future__ import annotations

import pytest

from shinjuku_pwa.core.i18n import LOCALE_CODES

pytestmark = pytest.mark.browser

# The header's name and controls, and every box or text in the row that sticks out of the row or out of
# its own box (a word wider than the phone); the closed language list is not laid out.
HEADER_LAYOUT = """() => {
  const row = document.querySelector('.header-row');
  const box = row.getBoundingClientRect();
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 1 && r.height > 1 && !el.closest('details:not([open]) > ul'); };
  const name = el => `${el.tagName.toLowerCase()}.${el.className}`;
  const items = [...row.querySelectorAll('.site-name, .site-search button, .lang-switch summary, .reader-link')].filter(visible).map(el => {
    const r = el.getBoundingClientRect();
    return {item: name(el), top: r.top, bottom: r.bottom};
  });
  const overflowing = [...row.querySelectorAll('*')].filter(visible).filter(el => {
    const r = el.getBoundingClientRect();
    return r.left < box.left - 0.5 || r.right > box.right + 0.5 || el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0;
  }).map(name);
  return {height: box.height, items, overflowing, page: document.documentElement.scrollWidth - innerWidth};
}"""


@pytest.mark.parametrize("width", [360, 390])
def test_the_header_is_one_row_with_nothing_overflowing_on_a_phone_in_every_locale(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    try:
        for lang in LOCALE_CODES:
            page.goto(f"{live_server.url}/{lang}/")
            layout = page.evaluate(HEADER_LAYOUT)
            items = layout["items"]
            assert len(items) == 4, (lang, items)  # site name, search, language, text size and display
            # One row: every item shares the same line (each starts above where every other ends), and
            # the row is lower than two 44 px tap targets stacked.
            assert max(item["top"] for item in items) < min(item["bottom"] for item in items), (lang, items)
            assert layout["height"] < 88, (lang, layout["height"])
            assert layout["overflowing"] == [] and layout["page"] <= 0, (lang, layout)
    finally:
        context.close()


# The open language list: every item's box, and how far the page scrolls sideways.
OPEN_LANGUAGE_LIST = """() => {
  const items = [...document.querySelectorAll('.lang-switch li a')].map(el => {
    const r = el.getBoundingClientRect();
    return {text: el.textContent, left: r.left, right: r.right, width: r.width, height: r.height};
  });
  return {items, page: document.documentElement.scrollWidth - innerWidth, width: innerWidth};
}"""


@pytest.mark.parametrize("browser_text", [100, 200])
@pytest.mark.parametrize("text_size", ["standard", "large", "largest"])
@pytest.mark.parametrize("width", [320, 800])
def test_the_open_language_list_stays_on_screen_at_320_px_and_every_text_size_in_every_locale(
        browser, live_server, width, text_size, browser_text):
    """WCAG 1.4.10 Reflow and 1.4.4 Resize text: at 320 CSS px (and in a small window, where the header
    wraps), with the reader's text size and the browser's own text size (CDP Page.setFontSizes: what the
    browser's font-size setting changes) at up to 200%, every language in the open list is wholly on
    screen, with no sideways scrolling."""
    context = browser.new_context(viewport={"width": width, "height": 640})
    context.add_cookies([{"name": "reader", "value": f"text_size={text_size}", "url": live_server.url}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16 * browser_text // 100, "fixed": 13 * browser_text // 100}})
    try:
        for lang in LOCALE_CODES:
            page.goto(f"{live_server.url}/{lang}/")
            page.click(".lang-switch summary")
            layout = page.evaluate(OPEN_LANGUAGE_LIST)
            assert len(layout["items"]) == len(LOCALE_CODES), (lang, layout)
            for item in layout["items"]:
                assert item["width"] > 1 and item["height"] > 1, (lang, item)
                assert 0 <= item["left"] and item["right"] <= layout["width"], (lang, width, text_size, browser_text, item)
            assert layout["page"] <= 0, (lang, width, text_size, browser_text, layout["page"])
    finally:
        context.close()

"""The site search finds garbage items as their own type, beside the pages."""
from __future__ import annotations

from shinjuku_pwa.search.service import refresh_index, search


def test_battery_in_the_main_search_box_finds_garbage_items_and_pages(content_app):
    with content_app.app_context():
        refresh_index()
        results = search("battery", "en", per_page=50).results
        items = [r for r in results if r.type == "garbage_item"]
        assert items, [r.type for r in results]
        assert all(r.url.startswith("/en/garbage/items/131041S") for r in items)
        assert any("乾電池" in r.title for r in items)  # the ward's Japanese name goes with ours
        japanese = search("くつ", "ja", per_page=50).results
        assert any(r.type == "garbage_item" and r.id == "131041S00179" for r in japanese) or any(
            r.type == "garbage_item" and "靴" in r.title for r in japanese)

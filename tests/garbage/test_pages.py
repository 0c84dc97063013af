"""/<lang>/garbage: "What goes where?" works without JavaScript, in every language."""
from __future__ import annotations

import re

import pytest

from shinjuku_pwa.core.i18n import LOCALE_CODES


@pytest.mark.parametrize("lang", LOCALE_CODES)
def test_the_search_form_works_without_javascript_in_every_language(client, lang):
    html = client.get(f"/{lang}/garbage?q=くつ").get_data(as_text=True)
    assert 'method="get"' in html and 'name="q"' in html
    assert 'id="item-131041S00179"' in html or "靴" in html
    assert '<span class="official-name" lang="ja">' in html or lang in ("ja", "ja-easy")


def test_a_result_shows_the_name_the_japanese_name_the_category_and_the_note(client):
    html = client.get("/en/garbage?q=iron").get_data(as_text=True)
    card = html[html.index('id="item-131041S00002"'):]
    card = card[:card.index("</li>")]
    assert "Iron (for clothes)" in card
    assert '<span class="official-name" lang="ja">アイロン</span>' in card
    assert 'class="garbage-cat garbage-cat-metal-ceramic-glass" href="/en/garbage/categories/metal-ceramic-glass"' in card
    assert "If any side is longer than 30cm, it is oversized garbage." in card
    assert "Oversized garbage: how to put it out" in card  # the note sends some of these to 粗大ごみ
    assert 'href="/en/pages/oversized-garbage"' in card


def _results(html: str) -> str:
    return html[html.index('id="garbage-results"'):html.index('<nav class="garbage-categories"')]


def test_oversized_items_show_the_procedure_and_others_do_not(client):
    sofa = _results(client.get("/ko/garbage?q=소파").get_data(as_text=True))
    assert 'href="/ko/pages/oversized-garbage"' in sofa
    paper = _results(client.get("/ko/garbage?q=신문").get_data(as_text=True))
    assert 'href="/ko/pages/oversized-garbage"' not in paper


def test_the_machine_translation_notice_and_the_attribution_are_shown(client):
    html = client.get("/vi/garbage?q=pin").get_data(as_text=True)
    assert "dịch máy" in html
    assert "https://catalog.data.metro.tokyo.lg.jp/dataset/t131041d0000000129" in html
    assert "CC BY 4.0" in html


def test_every_category_can_be_browsed_and_links_its_information_page(client):
    html = client.get("/zh-Hans/garbage").get_data(as_text=True)
    links = re.findall(r'href="(/zh-Hans/garbage/categories/[a-z-]+)"', html)
    assert len(set(links)) == 10
    page = client.get("/zh-Hans/garbage/categories/recyclable-paper")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "新聞・チラシ" in body and 'href="/zh-Hans/pages/recyclables"' in body


def test_one_item_has_its_own_page(client):
    response = client.get("/my/garbage/items/131041S00001")
    assert response.status_code == 200
    assert "アイスピック" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/en/garbage/items/131041S99999", "/en/garbage/categories/nothing"])
def test_unknown_items_and_categories_are_a_404(client, path):
    assert client.get(path).status_code == 404


def test_bad_input_is_a_422_page_in_the_readers_language(client):
    response = client.get("/ja/garbage?q=" + "あ" * 101)
    assert response.status_code == 422
    assert "送信された内容に正しくないものがあります。" in response.get_data(as_text=True)


def test_nothing_found_says_so_and_offers_the_categories(client):
    html = client.get("/en/garbage?q=zzzzqqq").get_data(as_text=True)
    assert "No item matched" in html and "/en/garbage/categories/burnable" in html


def test_category_colours_come_from_the_content_under_a_hashed_url(client):
    html = client.get("/en/garbage").get_data(as_text=True)
    url = re.search(r'href="(/garbage/categories\.[0-9a-f]{12}\.css)"', html).group(1)
    response = client.get(url)
    assert response.mimetype == "text/css" and "immutable" in response.headers["Cache-Control"]
    assert client.get("/garbage/categories.000000000000.css").status_code == 302
    assert ".garbage-cat-burnable { background-color: #C62828; }" in response.get_data(as_text=True)


def test_the_home_page_links_to_the_dictionary(client):
    assert 'href="/en/garbage"' in client.get("/en/").get_data(as_text=True)


def test_each_locale_has_its_dictionary_file_under_a_hashed_cacheable_url(client):
    html = client.get("/ne/garbage").get_data(as_text=True)
    url = re.search(r'data-dictionary="(/ne/garbage/dictionary\.[0-9a-f]{12}\.json)"', html).group(1)
    response = client.get(url)
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
    body = response.get_json()
    assert body["lang"] == "ne" and len(body["items"]) == 482
    first = body["items"][0]
    assert first["official_name"] == "アイスピック" and first["category"] == "metal-ceramic-glass" and first["terms"]
    assert client.get("/ne/garbage/dictionary.000000000000.json").status_code == 302


def test_the_home_page_does_not_load_the_dictionary_or_its_script(client):
    html = client.get("/en/").get_data(as_text=True)
    assert "/garbage/dictionary." not in html and "js/garbage." not in html

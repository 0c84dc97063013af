"""Furigana reach headings, leads, procedures, questions and checklists, not only page bodies."""
from __future__ import annotations

import re

from flask import render_template_string

from shinjuku_pwa.reader_settings.preferences import COOKIE_NAME, ReaderSettings, cookie_value

CHECKLIST = "/{lang}/life-events/moving-in?move_date=2026-04-01&from_abroad=no&foreign_national=no" \
            "&has_my_number_card=no&employer_health_insurance=yes&has_children=no&age_65_or_over=no&has_dog=no"


def _html(client, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def _element(html: str, opening: str, closing: str) -> str:
    return html.split(opening, 1)[1].split(closing, 1)[0]


def _reader(client, furigana: str) -> None:
    client.set_cookie(COOKIE_NAME, cookie_value(ReaderSettings(furigana=furigana)))


def test_easy_japanese_page_headings_and_leads_get_furigana_but_the_title_tag_does_not(client):
    html = _html(client, "/ja-easy/pages/moving-in")
    assert "<ruby>" in _element(html, "<h1", "</h1>") and "<ruby>" in _element(html, '<p class="lead', "</p>")
    assert "<ruby>" not in _element(html, "<title>", "</title>")


def test_an_easy_japanese_procedure_gets_furigana_on_its_heading(client):
    heading = _element(_html(client, "/ja-easy/procedures/moving-in-notification"), "<h1", "</h1>")
    assert "<ruby>転入届<rt>てんにゅうとどけ</rt></ruby>" in heading


def test_procedures_in_other_languages_and_plain_japanese_get_no_furigana_by_default(client):
    for lang in ("ja", "en", "ko"):
        assert "<ruby>" not in _html(client, f"/{lang}/procedures/moving-in-notification"), lang


def test_a_reader_who_chose_all_gets_furigana_on_japanese_questions_and_checklists(client):
    _reader(client, "all")
    question = _element(_html(client, "/ja/life-events/moving-in"), "<h1", "</h1>")
    checklist = _html(client, CHECKLIST.format(lang="ja"))
    assert "<ruby>新宿区<rt>しんじゅくく</rt></ruby>" in question
    tasks = re.findall(r'<label for="tick-[^"]+"><span>(.*?)</span></label>', checklist)
    assert tasks and all("<ruby>" in task for task in tasks if re.search(r"[\u4e00-\u9fff]", task))


def test_a_reader_who_turned_furigana_off_gets_none_on_easy_japanese_procedures(client):
    _reader(client, "off")
    assert "<ruby>" not in _html(client, "/ja-easy/procedures/moving-in-notification")
    assert "<ruby>" not in _html(client, CHECKLIST.format(lang="ja-easy"))


def test_short_texts_are_escaped_before_furigana_are_added(content_app):
    with content_app.test_request_context("/ja-easy/"):
        out = render_template_string("{{ text|ruby('ja-easy') }}", text='<img src=x onerror="1">転入 & 住所')
    assert "<img" not in out and "&lt;img" in out and "&amp;" in out and "<ruby>転入<rt>てんにゅう</rt></ruby>" in out


def test_a_sanitised_body_keeps_its_markup_under_furigana(content_app):
    with content_app.test_request_context("/ja-easy/"):
        out = render_template_string("{{ body|safe|ruby('ja-easy') }}", body="<p><a href=\"/ja-easy/\">本庁舎</a></p>")
    assert out.startswith('<p><a href="/ja-easy/"><ruby>') and "<rt>" in out


def test_easy_japanese_search_results_and_the_procedure_list_get_furigana(client):
    results = _html(client, "/ja-easy/search?q=転入")
    listing = _html(client, "/ja-easy/procedures")
    assert "<ruby>転入<rt>てんにゅう</rt></ruby>" in results
    assert "<ruby>転入" in listing


def test_the_interfaces_own_easy_japanese_text_gets_furigana_and_attributes_stay_plain(client):
    html = _html(client, CHECKLIST.format(lang="ja-easy"))
    assert "<ruby>行<rt>い</rt></ruby>く" in _element(html, 'id="visits-heading">', "</h2>")
    assert not re.search(r'="[^"]*<ruby>', html)  # never inside an attribute value
    assert "<ruby>" not in _html(client, CHECKLIST.format(lang="ja"))


def test_no_page_escapes_furigana_twice_or_puts_them_in_an_attribute(client):
    _reader(client, "all")
    pages = ["/{lang}/", "/{lang}/topics/moving", "/{lang}/pages/moving-in", "/{lang}/procedures",
             "/{lang}/procedures/moving-in-notification", "/{lang}/life-events", "/{lang}/life-events/moving-in",
             CHECKLIST, "/{lang}/search?q=転入", "/{lang}/notices", "/{lang}/settings", "/{lang}/emergency",
             "/{lang}/saved", "/{lang}/offline", "/{lang}/install", "/{lang}/settings/notifications", "/{lang}/no-such-page"]
    for lang in ("ja", "ja-easy"):
        for page in pages:
            html = _html(client, page.format(lang=lang))
            assert "<ruby>" in html, page
            assert "&lt;ruby&gt;" not in html and "&lt;rt&gt;" not in html, page
            assert not re.search(r'="[^"]*<(ruby|rt)>', html), page
            assert "<ruby>" not in _element(html, "<title>", "</title>"), page

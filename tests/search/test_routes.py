"""The search page: a plain GET form that works without JavaScript."""
from __future__ import annotations

import re

import pytest

from shinjuku_pwa.core.i18n import LOCALE_CODES


@pytest.fixture(scope="module")
def client(search_app):
    return search_app.test_client()


def html_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("lang", LOCALE_CODES)
def test_every_page_header_has_a_labelled_search_form(client, lang):
    html = html_of(client.get(f"/{lang}/"))
    form = re.search(r'<form class="site-search" role="search" action="/' + re.escape(lang) + r'/search" method="get">(.*?)</form>', html, re.S)
    assert form and '<label for="site-search-q"' in form.group(1) and 'name="q"' in form.group(1)


def test_results_show_title_snippet_with_marks_category_and_type(client):
    html = html_of(client.get("/ja/search?q=粗大ゴミ"))
    assert '<a href="/ja/pages/oversized-garbage">粗大ごみの出し方</a>' in html
    assert "<mark>" in html and "Information page" in html or "<mark>" in html
    assert "Garbage (ja)" in html


def test_a_result_in_another_language_says_so_and_carries_its_lang(client):
    html = html_of(client.get("/ko/search?q=住民税"))
    assert 'lang="ja"' in html and 'class="notice"' in html


def test_category_facets_link_to_filtered_results_with_counts(client):
    html = html_of(client.get("/en/search?q=lantern+garbage"))
    assert re.search(r'href="/en/search\?q=lantern\+garbage&amp;category=moving">[^<]+ \(13\)</a>', html)
    filtered = html_of(client.get("/en/search?q=lantern+garbage&category=garbage"))
    assert "Lantern note" not in filtered and 'aria-current="page">Garbage (en)' in filtered


def test_results_are_paginated_with_next_and_previous_links(client):
    first = html_of(client.get("/en/search?q=lantern"))
    assert 'rel="next" href="/en/search?q=lantern&amp;page=2"' in first
    second = html_of(client.get("/en/search?q=lantern&page=2"))
    assert 'rel="prev"' in second and 'start="11"' in second


def test_a_misspelling_offers_did_you_mean(client):
    html = html_of(client.get("/en/search?q=oversized+garbege"))
    assert '<a href="/en/search?q=oversized+garbage">oversized garbage</a>' in html


def test_no_results_show_help_popular_topics_and_topics(client):
    response = client.get("/en/search?q=zyzzyva")
    html = html_of(response)
    assert response.status_code == 200
    assert "No results for" in html and 'href="/en/topics/moving"' in html
    assert 'href="/en/pages/moving-in"' in html  # a popular topic


def test_an_empty_search_shows_the_form_and_the_topics(client):
    html = html_of(client.get("/ja/search"))
    assert 'id="search-q"' in html and 'href="/ja/topics/' in html


def test_a_query_over_200_characters_is_refused_with_a_clear_message(client):
    response = client.get("/en/search?q=" + "a" * 201)
    assert response.status_code == 422
    assert "at most 200 characters" in html_of(response) and 'aria-invalid="true"' in html_of(response)


def test_a_query_of_200_characters_is_searched(client):
    assert client.get("/en/search?q=" + "a" * 200).status_code == 200


def test_the_not_found_page_links_to_search(client):
    response = client.get("/en/no-such-thing")
    assert response.status_code == 404 and 'href="/en/search"' in html_of(response)


def test_search_pages_ask_not_to_be_indexed(client):
    assert '<meta name="robots" content="noindex">' in html_of(client.get("/ja/search?q=ごみ"))


def test_a_bad_page_number_is_refused_with_a_message_not_an_error_page(client):
    response = client.get("/en/search?q=lantern&page=abc")
    assert response.status_code == 422 and 'role="alert"' in html_of(response)

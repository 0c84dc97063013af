"""The settings page: a plain form (no JavaScript), remembered in a cookie, applied on every page."""
from __future__ import annotations

import re

from shinjuku_pwa.reader_settings.preferences import COOKIE_NAME

PAGE = "moving-in"


def _html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group()


def _save(client, lang="ja", **choices):
    return client.post(f"/{lang}/settings", data=choices, headers={"Sec-Fetch-Site": "same-origin"})


def test_the_settings_page_is_a_plain_form_that_posts_to_itself(client):
    html = client.get("/ja/settings").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/ja/settings"[^>]*>(.*?)</form>', html, re.S).group(1)
    assert 'type="submit"' in form and 'name="csrf_token"' not in form  # the same page for everyone: no session token
    for name in ("text_size", "contrast", "furigana"):
        assert 'type="radio"' in form and f'name="{name}"' in form
    assert "data-needs-js" not in form


def test_every_page_links_to_the_settings_with_the_way_back(client):
    html = client.get(f"/en/pages/{PAGE}").get_data(as_text=True)
    assert f'href="/en/settings?next=/en/pages/{PAGE}"' in html


def test_saving_sets_a_long_lived_cookie_and_goes_back_to_the_page(client):
    response = _save(client, text_size="large", contrast="high", furigana="all", next=f"/ja/pages/{PAGE}")
    assert response.status_code == 303 and response.headers["Location"] == f"/ja/pages/{PAGE}"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=") and "Max-Age=31536000" in cookie and "SameSite=Lax" in cookie


def test_without_a_page_to_go_back_to_the_settings_page_says_they_are_saved(client):
    response = _save(client, lang="en", text_size="largest")
    assert response.status_code == 303 and response.headers["Location"] == "/en/settings?saved=1"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'role="status"' in html and 'id="text-size-largest" name="text_size" value="largest" checked' in html


def test_the_settings_are_remembered_on_every_page_as_classes_on_html(client):
    _save(client, text_size="largest", contrast="high")
    for url in ("/ja/", f"/en/pages/{PAGE}", "/vi/search?q=ごみ", "/ja-easy/settings"):
        assert 'class="text-largest contrast-high"' in _html_tag(client.get(url).get_data(as_text=True)), url


def test_a_reader_who_chose_nothing_gets_no_classes(client):
    assert "class=" not in _html_tag(client.get(f"/ja/pages/{PAGE}").get_data(as_text=True))


def test_easy_japanese_pages_show_furigana_by_default_and_japanese_pages_do_not(client):
    assert "<ruby>" in client.get(f"/ja-easy/pages/{PAGE}").get_data(as_text=True)
    assert "<ruby>" not in client.get(f"/ja/pages/{PAGE}").get_data(as_text=True)


def test_japanese_pages_show_furigana_when_the_reader_turned_them_on(client):
    _save(client, furigana="all")
    html = client.get(f"/ja/pages/{PAGE}").get_data(as_text=True)
    assert "<ruby>転入<rt>てんにゅう</rt></ruby>" in html
    assert "<ruby>" not in client.get(f"/en/pages/{PAGE}").get_data(as_text=True)


def test_a_reader_can_turn_furigana_off_on_easy_japanese_too(client):
    _save(client, furigana="off")
    assert "<ruby>" not in client.get(f"/ja-easy/pages/{PAGE}").get_data(as_text=True)


def test_one_choice_alone_keeps_the_others(client):
    _save(client, text_size="large", contrast="high")
    _save(client, furigana="all")
    assert 'class="text-large contrast-high"' in _html_tag(client.get("/ja/").get_data(as_text=True))


def test_pages_vary_by_cookie_so_shared_caches_keep_readers_apart(client):
    assert "Cookie" in client.get(f"/ja/pages/{PAGE}").headers["Vary"]


def test_another_site_is_never_a_way_back(client):
    response = _save(client, text_size="large", next="https://evil.example/")
    assert response.headers["Location"] == "/ja/settings?saved=1"


def test_an_unknown_choice_is_refused(client):
    assert _save(client, text_size="enormous").status_code == 422


def test_settings_sent_from_another_site_are_refused(client):
    response = client.post("/en/settings", data={"text_size": "large"}, headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == 400 and f"{COOKIE_NAME}=" not in str(response.headers)

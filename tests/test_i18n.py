from __future__ import annotations

import datetime as dt
import re

import flask_babel
import pytest
from flask import g, render_template_string
from flask_babel import gettext, ngettext
from markupsafe import Markup

from shinjuku_pwa.core.i18n import (
    LOCALE_CODES,
    LOCALES,
    content_fallbacks,
    locale_for_tag,
    localized,
    negotiate_locale,
    reader_date,
    request_gettext,
    template_gettext,
)


@pytest.mark.parametrize(
    "tag, expected",
    [
        ("zh-CN", "zh-Hans"), ("zh-SG", "zh-Hans"), ("zh-Hans-CN", "zh-Hans"), ("zh", "zh-Hans"),
        ("zh-TW", "zh-Hant"), ("zh-HK", "zh-Hant"), ("zh-Hant-TW", "zh-Hant"), ("zh-MO", "zh-Hant"),
        ("my-MM", "my"), ("ne-NP", "ne"), ("ja-JP", "ja"), ("en-GB", "en"), ("ko-KR", "ko"), ("vi-VN", "vi"),
        ("ja-easy", "ja-easy"), ("JA-EASY", "ja-easy"), ("fr-FR", None), ("", None),
    ],
)
def test_browser_tags_map_to_our_locales(tag, expected):
    assert locale_for_tag(tag) == expected


def test_accept_language_is_read_in_quality_order():
    assert negotiate_locale("fr;q=1.0, vi;q=0.5, ko;q=0.8") == "ko"
    assert negotiate_locale("fr, de") == "ja"
    assert negotiate_locale(None) == "ja"
    assert negotiate_locale("en;q=0, ne") == "ne"
    assert negotiate_locale("en;q=bogus, my") == "my"


def test_the_language_cookie_wins_over_accept_language():
    assert negotiate_locale("en", cookie="vi") == "vi"
    assert negotiate_locale("en", cookie="klingon") == "en"


def test_missing_content_falls_back_to_easy_japanese_then_japanese():
    assert content_fallbacks("ne") == ["ne", "ja-easy", "ja"]
    assert content_fallbacks("ja-easy") == ["ja-easy", "ja"]
    assert content_fallbacks("ja") == ["ja", "ja-easy"]


def test_localized_names_prefer_the_reader_then_english_then_japanese():
    names = {"ja": "戸籍住民課", "en": "Family Register Section"}
    assert localized(names, "ja") == "戸籍住民課"
    assert localized(names, "ne") == "Family Register Section"
    assert localized(names, "ja-easy") == "戸籍住民課"
    assert localized({"ja": "戸籍住民課"}, "vi") == "戸籍住民課"


def test_easy_japanese_is_served_as_japanese_for_html_and_dates():
    assert LOCALES["ja-easy"].html_lang == "ja"
    assert LOCALES["ja-easy"].babel == "ja"
    assert LOCALES["ja-easy"].catalog == "ja_EASY"


def test_easy_japanese_pages_show_the_easy_strings(content_app):
    client = content_app.test_client()
    # Furigana over the easy strings' kanji are dropped to compare the words themselves.
    easy = re.sub(r"<rt>.*?</rt>|</?ruby>", "", client.get("/ja-easy/").get_data(as_text=True))
    plain = client.get("/ja/").get_data(as_text=True)
    english = client.get("/en/").get_data(as_text=True)
    # The skip link exists on every page: each catalog has its own wording for it.
    with content_app.test_request_context("/ja-easy/"):
        g.lang = "ja-easy"
        easy_text = gettext("Skip to main content")
        g.lang = "ja"
        plain_text = gettext("Skip to main content")
    assert easy_text != plain_text != "Skip to main content"
    assert easy_text in easy and plain_text in plain and "Skip to main content" in english
    assert easy_text not in plain


def test_easy_japanese_dates_are_spelled_in_kana_and_others_follow_their_locale(content_app):
    day = dt.date(2026, 4, 1)
    expected = {"ja-easy": "2026ねん 4がつ 1にち", "ja": "2026年4月1日", "en": "April 1, 2026"}
    for lang, text in expected.items():
        with content_app.test_request_context(f"/{lang}/"):  # Babel keeps one locale per request
            g.lang = lang
            assert reader_date(day) == text
            assert reader_date(None) == ""


@pytest.mark.parametrize("lang", ["ja", "ja-easy", "en", "my"])
def test_template_strings_use_the_catalog_bound_for_the_render_and_translate_as_flask_babel_does(content_app, lang):
    with content_app.test_request_context(f"/{lang}/"):
        g.lang = lang
        bound = template_gettext()
        # One catalog per render, the request's: the strings are those flask-babel gives.
        page = content_app.jinja_env.from_string(
            "{{ _('Skip to main content') }}|{{ _('from %(date)s', date=day) }}|{{ ngettext('%(num)d visit', '%(num)d visits', 3) }}"
        ).render(**bound, day="<b>1</b>")
        expected = "|".join([
            gettext("Skip to main content"),
            gettext("from %(date)s", date="&lt;b&gt;1&lt;/b&gt;"),  # arguments escaped in HTML, as Jinja's i18n does
            ngettext("%(num)d visit", "%(num)d visits", 3),
        ])
        assert page == expected
        assert render_template_string("{{ _('Skip to main content') }}") == gettext("Skip to main content")


def test_template_gettext_leaves_plain_text_unescaped_outside_html(content_app):
    with content_app.test_request_context("/en/"):
        g.lang = "en"
        text = content_app.jinja_env.overlay(autoescape=False).from_string("{{ _('from %(date)s', date=day) }}")
        assert text.render(**template_gettext(), day="<b>") == "from <b>"


def test_a_date_asked_for_again_in_one_request_is_written_in_the_locale_of_each_ask(content_app):
    day = dt.date(2026, 4, 1)
    with content_app.test_request_context("/en/"):
        for lang, text in (("en", "April 1, 2026"), ("ja-easy", "2026ねん 4がつ 1にち"), ("en", "April 1, 2026")):
            g.lang = lang
            assert reader_date(day) == text


def test_dates_read_as_flask_babel_writes_them_in_every_locale_whatever_locale_it_used_before(content_app):
    day = dt.date(2025, 12, 7)
    for lang in LOCALE_CODES:
        with content_app.test_request_context(f"/{lang}/"):
            g.lang = lang
            expected = "2025ねん 12がつ 7にち" if lang == "ja-easy" else flask_babel.format_date(day, "long")
        with content_app.test_request_context("/en/"):
            g.lang = "en"
            flask_babel.format_date(day, "long")  # flask-babel now holds English for this request
            g.lang = lang
            assert reader_date(day) == expected, lang


@pytest.mark.parametrize("lang", ["ja", "ja-easy", "en", "my"])
def test_the_request_bound_gettext_translates_as_flask_babel_does(content_app, lang):
    with content_app.test_request_context(f"/{lang}/"):
        g.lang = lang
        bound = request_gettext()
        for message in ("Yes", "No", "Not sure", "Legal deadline"):
            assert bound(message) == gettext(message)


def test_template_string_variables_already_html_are_not_escaped_twice_and_numbers_format(content_app):
    with content_app.test_request_context("/en/"):
        g.lang = "en"
        page = content_app.jinja_env.from_string(
            "{{ _('from %(date)s', date=marked) }}|{{ _('from %(date)s', date=plain) }}|{{ ngettext('%(num)d visit', '%(num)d visits', 1) }}"
        ).render(**template_gettext(), marked=Markup("<time>1</time>"), plain="a & b")
        assert page == "from <time>1</time>|from a &amp; b|1 visit"

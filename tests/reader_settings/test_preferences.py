"""The reader's choices and their cookie, without an app."""
from __future__ import annotations

import pytest

from shinjuku_pwa.reader_settings.preferences import (
    ReaderSettings,
    cookie_value,
    safe_return_path,
    settings_from_cookie,
)


def test_settings_survive_the_round_trip_through_the_cookie():
    chosen = ReaderSettings(text_size="largest", contrast="high", furigana="all")
    assert settings_from_cookie(cookie_value(chosen)) == chosen


@pytest.mark.parametrize("value", [None, "", "garbage", "text_size=huge&contrast=neon", "%%%", "a=1&" * 50])
def test_a_missing_or_tampered_cookie_gives_the_defaults(value):
    assert settings_from_cookie(value) == ReaderSettings()


def test_a_tampered_choice_falls_back_alone_and_keeps_the_others():
    assert settings_from_cookie("text_size=huge&contrast=high") == ReaderSettings(contrast="high")


def test_the_defaults_put_no_class_on_html():
    assert ReaderSettings().html_classes == ""
    assert ReaderSettings(text_size="large", contrast="high").html_classes == "text-large contrast-high"


@pytest.mark.parametrize(("furigana", "locale", "shown"), [
    ("easy", "ja-easy", True), ("easy", "ja", False), ("all", "ja", True), ("all", "ja-easy", True),
    ("off", "ja-easy", False), ("off", "ja", False), ("all", "en", False), ("easy", "vi", False),
])
def test_furigana_are_on_for_easy_japanese_by_default_and_on_japanese_when_chosen(furigana, locale, shown):
    assert ReaderSettings(furigana=furigana).shows_furigana(locale) is shown


@pytest.mark.parametrize(("furigana", "shown"), [("easy", True), ("all", True), ("off", False)])
def test_plain_japanese_shown_on_the_easy_japanese_site_gets_furigana_unless_turned_off(furigana, shown):
    assert ReaderSettings(furigana=furigana).shows_furigana("ja", reading_in="ja-easy") is shown
    assert ReaderSettings(furigana=furigana).shows_furigana("en", reading_in="ja-easy") is False


@pytest.mark.parametrize("value", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "ja/pages", "/ja/\r\nX: y", "",
])
def test_only_paths_on_this_site_are_returned_to(value):
    assert safe_return_path(value) is None


def test_a_path_with_a_query_is_returned_to_as_it_is():
    assert safe_return_path("/ja/search?q=転入") == "/ja/search?q=転入"

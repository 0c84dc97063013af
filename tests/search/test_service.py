"""Searching, ranking across languages, completions and the miss counter, on a small content tree."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.search import service
from shinjuku_pwa.search.models import SearchMiss
from tests.search.conftest import make_search_app, write_search_content


def ids(outcome) -> list[str]:
    return [result.id for result in outcome.results]


@pytest.fixture(scope="module")
def context(search_app):
    with search_app.app_context():
        yield


def test_a_title_match_ranks_above_a_body_match(context):
    assert ids(service.search("ひまわり", "ja", count_miss=False))[:2] == ["sunflower-title", "sunflower-body"]


def test_the_words_next_to_each_other_rank_above_the_same_words_apart(context):
    assert ids(service.search("区民農園", "ja", count_miss=False))[:2] == ["farm-adjacent", "farm-apart"]


def test_the_page_in_the_readers_language_is_shown_instead_of_its_japanese_version(context):
    outcome = service.search("粗大ごみ", "ko", count_miss=False)
    assert ids(outcome).count("oversized-garbage") == 1
    first = outcome.results[0]  # matched in Japanese, shown (and linked) in the reader's Korean
    assert (first.id, first.lang, first.fallback, first.url) == ("oversized-garbage", "ko", False, "/ko/pages/oversized-garbage")
    korean = service.search("대형 쓰레기", "ko", count_miss=False).results[0]
    assert (korean.id, korean.lang, korean.fallback) == ("oversized-garbage", "ko", False)


def test_a_match_in_a_language_far_from_the_readers_is_shown_in_one_they_read(context):
    result = service.search("대형 쓰레기", "vi", count_miss=False).results[0]
    assert result.id == "oversized-garbage" and result.lang in ("ja-easy", "ja", "en") and result.fallback
    assert service.search("대형 쓰레기", "ko", count_miss=False).results[0].lang == "ko"


def test_a_readers_language_match_outranks_the_japanese_one_for_the_same_words(context):
    outcome = service.search("14", "en", count_miss=False)
    moving_in = next(r for r in outcome.results if r.id == "moving-in")
    assert moving_in.lang == "en"


def test_when_nothing_matches_in_the_readers_language_japanese_results_follow_with_a_note(context):
    outcome = service.search("住民税", "vi", count_miss=False)
    assert ids(outcome)[0] == "residence-tax"
    assert outcome.other_languages_only and outcome.results[0].fallback


def test_english_words_typed_in_the_japanese_ui_find_the_page_shown_as_its_link_opens_it_in_japanese(context):
    outcome = service.search("oversized garbage", "ja", count_miss=False)
    assert outcome.results[0].id == "oversized-garbage" and outcome.results[0].lang == "ja"
    assert outcome.results[0].url == "/ja/pages/oversized-garbage"


def test_english_words_on_a_site_whose_language_an_item_lacks_show_and_open_the_english_version(context):
    result = service.search("resident tax", "ne", count_miss=False).results[0]
    assert (result.id, result.lang, result.url) == ("residence-tax", "en", "/en/pages/residence-tax")


def test_the_url_of_a_result_is_in_the_readers_language(context):
    assert service.search("住民税", "ne", count_miss=False).results[0].url == "/ne/pages/residence-tax"


def test_a_single_kanji_finds_the_words_it_is_part_of(context):
    assert "residence-tax" in ids(service.search("税", "ja", count_miss=False))


def test_katakana_kanji_variants_and_easy_japanese_find_the_same_pages(context):
    assert ids(service.search("粗大ゴミ", "ja", count_miss=False))[0] == "oversized-garbage"
    assert ids(service.search("引越", "ja", count_miss=False))[0] == "moving-in"
    assert "moving-in" in ids(service.search("ひっこし", "ja-easy", count_miss=False))[:3]


@pytest.mark.parametrize("lang, text", [("ne", "बसाइँ सराइ"), ("my", "အိမ်ပြောင်း"), ("ko", "이사")])
def test_nepali_burmese_and_korean_words_find_their_pages(context, lang, text):
    outcome = service.search(text, lang, count_miss=False)
    assert outcome.results[0].id == "moving-in" and outcome.results[0].lang == lang


def test_facets_count_items_per_category_and_a_filter_keeps_the_counts(context):
    outcome = service.search("lantern garbage", "en", count_miss=False)
    counts = {facet.value: facet.count for facet in outcome.categories}
    assert counts["moving"] == 13 and counts["garbage"] >= 1
    filtered = service.search("lantern garbage", "en", category="garbage", count_miss=False)
    assert {r.category for r in filtered.results} == {"garbage"}
    assert {facet.value: facet.count for facet in filtered.categories} == counts


def test_results_are_paginated(context):
    first = service.search("lantern", "en", per_page=5, count_miss=False)
    third = service.search("lantern", "en", page=3, per_page=5, count_miss=False)
    assert (first.total, first.page_count, len(first.results), len(third.results)) == (13, 3, 5, 3)
    assert not set(ids(first)) & set(ids(third))


def test_a_misspelt_english_word_gets_results_and_a_suggestion(context):
    outcome = service.search("oversized garbege", "en", count_miss=False)
    assert outcome.suggestion == "oversized garbage"
    assert ids(outcome)[0] == "oversized-garbage"


def test_snippets_mark_the_words_found(context):
    result = service.search("粗大ゴミ", "ja", count_miss=False).results[0]
    assert any(is_match for _, is_match in result.snippet)


def test_an_empty_or_symbol_only_query_finds_nothing_and_counts_nothing(context):
    for text in ("", "   ", "*** ???"):
        assert service.search(text, "ja").total == 0
    assert db.session.scalars(select(SearchMiss).where(SearchMiss.query.in_(["", "*** ???"]))).all() == []


def test_suggestions_complete_titles_from_the_start_or_a_later_word_or_the_reading(context):
    assert [c.id for c in service.suggest("粗大", "ja")][:1] == ["oversized-garbage"]
    assert "oversized-garbage" in [c.id for c in service.suggest("そだい", "ja")]
    assert "moving-in" in [c.id for c in service.suggest("てんにゅう", "ja")]
    assert [c.lang for c in service.suggest("lantern", "en")][:1] == ["en"]
    assert len(service.suggest("lantern", "en")) == 8


def test_suggestions_prefer_the_readers_language(context):
    completions = service.suggest("대형", "ko")
    assert completions[0].id == "oversized-garbage" and completions[0].url == "/ko/pages/oversized-garbage"


def test_a_query_with_no_result_is_counted_by_text_and_locale_only(tmp_path):
    factory, app = make_search_app(tmp_path / "app", write_search_content(tmp_path / "content"))
    try:
        with app.app_context():
            for _ in range(3):
                service.search("Zyzzyva  Quux", "en")
            service.search("zyzzyva quux", "ja")
            service.search("lantern", "en")
            misses = [(m.query, m.locale, m.count) for m in service.top_misses()]
        assert misses == [("zyzzyva quux", "en", 3), ("zyzzyva quux", "ja", 1)]
        assert set(SearchMiss.__table__.columns.keys()) == {"id", "query", "locale", "count"}
    finally:
        factory.close()

"""Ranking across languages, best bets and facets, on a catalog made by hand (no index, no app)."""
from __future__ import annotations

from shinjuku_pwa.search.catalog import Catalog, ItemInfo
from shinjuku_pwa.search.curation import BestBet
from shinjuku_pwa.search.ranking import (
    TYPE_WEIGHTS,
    RankedItem,
    cut_tail,
    facet_counts,
    link_locale,
    locale_weight,
    pin_best_bets,
    rank_items,
    reader_view,
)

ITEMS = [
    ItemInfo("page", "moving-in", "ja", "moving", "転入届", "/{lang}/pages/moving-in"),
    ItemInfo("page", "moving-in", "en", "moving", "Moving in", "/{lang}/pages/moving-in"),
    ItemInfo("page", "oversized-garbage", "ja", "garbage", "粗大ごみ", "/{lang}/pages/oversized-garbage"),
    ItemInfo("page", "oversized-garbage", "ko", "garbage", "대형 쓰레기", "/{lang}/pages/oversized-garbage"),
    ItemInfo("notice", "typhoon", "ja", "disaster", "台風", "/{lang}/notices/typhoon"),
]


def catalog(best_bets=()) -> Catalog:
    return Catalog(items=list(ITEMS), completions=[], vocabulary={}, best_bets=list(best_bets))


def test_the_readers_locale_counts_most_then_their_fallbacks_and_english_then_the_rest():
    assert locale_weight("ko", "ko") > locale_weight("ja", "ko") == locale_weight("en", "ko") > locale_weight("vi", "ko")
    assert locale_weight("ja-easy", "ja") == locale_weight("ja", "ja-easy") < 1


def test_each_item_appears_once_in_its_best_weighted_language():
    ranked = rank_items([(10.0, 0), (9.0, 1), (5.0, 2)], catalog(), "en")
    assert [(r.info.id, r.info.locale) for r in ranked] == [("moving-in", "en"), ("oversized-garbage", "ja")]


def test_a_strong_japanese_match_can_still_beat_a_weak_one_in_the_readers_language():
    ranked = rank_items([(20.0, 2), (2.0, 1)], catalog(), "en")
    assert [r.info.id for r in ranked] == ["oversized-garbage", "moving-in"]


def test_best_bets_go_first_in_the_readers_language_even_when_not_matched():
    pinned = catalog([BestBet(("粗大", "ごみ"), "page", "oversized-garbage", 1)])
    ranked = pin_best_bets(rank_items([(10.0, 0)], pinned, "ko"), pinned, ("粗大", "ごみ"), "ko")
    assert [(r.info.id, r.info.locale, r.best_bet) for r in ranked] == [
        ("oversized-garbage", "ko", True), ("moving-in", "ja", False),
    ]


def test_best_bets_need_the_exact_analysed_query():
    pinned = catalog([BestBet(("粗大", "ごみ"), "page", "oversized-garbage", 1)])
    ranked = rank_items([(10.0, 0)], pinned, "ja")
    assert pin_best_bets(ranked, pinned, ("粗大",), "ja") == ranked


def test_facets_count_items_by_category_and_by_type():
    ranked = rank_items([(3.0, 0), (2.0, 2), (1.0, 4)], catalog(), "ja")
    assert [(f.value, f.count) for f in facet_counts(ranked, "type")] == [("page", 2), ("notice", 1)]
    assert {f.value for f in facet_counts(ranked, "category")} == {"moving", "garbage", "disaster"}


def test_the_overview_page_outranks_a_procedure_that_matched_a_little_better():
    items = [ItemInfo("procedure", "card-return", "ja", "", "介護保険証の返還", "/{lang}/procedures/card-return"),
             ItemInfo("page", "care-insurance", "ja", "welfare", "介護保険", "/{lang}/pages/care-insurance")]
    ranked = rank_items([(10.0, 0), (9.0, 1)], Catalog(items=items, completions=[], vocabulary={}), "ja")
    assert [r.info.id for r in ranked] == ["care-insurance", "card-return"]


def test_items_far_below_the_best_are_cut_but_best_bets_stay():
    ranked = rank_items([(100.0, 0), (30.0, 2), (5.0, 4)], catalog(), "ja")
    assert [r.info.id for r in cut_tail(ranked)] == ["moving-in", "oversized-garbage"]
    pinned = [RankedItem(r.info, r.docnum, r.score, best_bet=r.info.id == "typhoon") for r in ranked]
    assert [r.info.id for r in cut_tail(pinned)] == ["moving-in", "oversized-garbage", "typhoon"]


def test_a_match_is_shown_in_the_readers_own_version_and_an_english_one_links_to_english():
    ranked = rank_items([(10.0, 2)], catalog(), "ko")
    assert (ranked[0].info.locale, link_locale(ranked[0].info.locale, "ko")) == ("ko", "ko")
    ranked = rank_items([(10.0, 1)], catalog(), "ko")  # moving-in: matched in English, no Korean version
    assert (ranked[0].info.locale, link_locale(ranked[0].info.locale, "ko")) == ("en", "en")
    assert link_locale("ja-easy", "ne") == "ne" and link_locale("ja", "ne") == "ne"


def test_each_documents_weights_and_shown_version_are_worked_out_once_per_build_and_language():
    made = catalog()
    view = reader_view(made, "ko")
    assert reader_view(made, "ko") is view and reader_view(catalog(), "ko") is not view
    assert view.locale_weights == [locale_weight(info.locale, "ko") for info in ITEMS]
    assert view.type_weights == [TYPE_WEIGHTS[info.type] for info in ITEMS]
    assert view.shown == [0, 1, 3, 3, 4]  # the Korean page for both versions of oversized-garbage
    assert rank_items([(5.0, 2)], made, "ko")[0].info.locale == "ko"
    reader_view(made, "xx-not-a-locale")
    assert set(made.per_reader) == {"ko"}  # a language the site does not have is not kept

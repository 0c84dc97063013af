"""The right category at rank 1 for resident queries in every language (tests/garbage/relevance.yaml)."""
from __future__ import annotations

from pathlib import Path

import yaml

from shinjuku_pwa.core.i18n import LOCALE_CODES
from shinjuku_pwa.garbage import queries

QUERIES = yaml.safe_load((Path(__file__).parent / "relevance.yaml").read_text(encoding="utf-8"))["queries"]


def test_the_relevance_set_has_at_least_60_queries_in_all_nine_languages():
    assert len(QUERIES) >= 60
    assert {query["lang"] for query in QUERIES} == set(LOCALE_CODES)


def test_the_right_category_comes_first_for_at_least_90_percent_of_resident_queries(content_app):
    misses = []
    with content_app.app_context():
        for query in QUERIES:
            items, _ = queries.list_items(query["lang"], q=query["q"], per_page=1)
            if not items or items[0].item.category_id != query["category"]:
                misses.append((query["lang"], query["q"], items[0].item.official_name if items else None))
    assert 1 - len(misses) / len(QUERIES) >= 0.90, misses


def test_kana_finds_kanji_names(content_app):
    with content_app.app_context():
        for typed, official in (("くつ", "靴"), ("ほうちょう", "包丁"), ("なまごみ", "生ごみ"), ("かさ", "傘")):
            items, _ = queries.list_items("ja", q=typed, per_page=1)
            assert items[0].item.official_name == official, typed


def test_spelling_variants_find_the_same_item(content_app):
    with content_app.app_context():
        for lang, variants in (("ja", ("ペットボトル", "PETボトル", "ぺっとぼとる", "ペット ボトル")),
                               ("vi", ("xe đạp", "xe dap", "XE ĐẠP")),
                               ("en", ("PET bottle", "pet bottles", "PET-bottle"))):
            firsts = {queries.list_items(lang, q=variant, per_page=1)[0][0].item.official_id for variant in variants}
            assert len(firsts) == 1, (lang, variants)

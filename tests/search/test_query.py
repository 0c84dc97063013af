"""Building Whoosh queries from analysed terms: words stay words, whatever they look like."""
from __future__ import annotations

from whoosh.query import And, Or, Term

from shinjuku_pwa.search.curation import SynonymRule, index_synonyms
from shinjuku_pwa.search.query import (
    MAX_GRAMS,
    MAX_WORDS,
    build_query,
    restrict,
    suggestion_text,
    understand,
)
from shinjuku_pwa.search.spelling import SpellingCorrector


def leaf_queries(query):
    if isinstance(query, (Or, And)):
        for sub in query.subqueries:
            yield from leaf_queries(sub)
    else:
        yield query


def test_query_syntax_is_searched_as_plain_words_or_dropped():
    terms = understand('title:ごみ AND (粗大* OR "ゴミ) NOT ~2 ^3 [a TO z] ?')
    query = build_query(terms)
    leaves = list(leaf_queries(query))
    assert leaves and all(type(leaf) is Term for leaf in leaves)
    assert {leaf.fieldname for leaf in leaves} <= {"title", "words", "pairs", "grams"}
    assert not any(ch in leaf.text for leaf in leaves for ch in "*?~^:[]\"()")


def test_a_query_of_only_symbols_builds_no_query():
    assert build_query(understand("* ? ( ) : ~ ^ \" [")) is None


def test_long_queries_are_capped_in_words_and_grams():
    terms = understand("区民農園の抽選と利用の案内 " * 20)
    assert len(terms.words) <= MAX_WORDS and len(terms.grams) <= MAX_GRAMS


def test_a_word_is_asked_for_in_the_title_too():
    query = build_query(understand("ごみ"))
    assert {leaf.fieldname for leaf in leaf_queries(query) if leaf.text == "ごみ"} == {"words", "title", "grams"}


def test_two_words_also_ask_for_the_pair_of_them():
    query = build_query(understand("粗大ごみ"))
    assert Term("pairs", "粗大 ごみ") in [Term(leaf.fieldname, leaf.text) for leaf in leaf_queries(query)]


def test_bigrams_can_be_left_out_for_a_cheaper_first_try():
    query = build_query(understand("粗大ごみ"), with_grams=False)
    assert "grams" not in {leaf.fieldname for leaf in leaf_queries(query)}


def test_a_synonym_adds_the_other_words_as_an_alternative():
    rules = [SynonymRule(when=("引っ越す", "来る"), add=(("転入",),), kind="resident-words")]
    terms = understand("引っ越してきた", synonyms=index_synonyms(rules))
    assert terms.alternatives == (("転入",),)


def test_an_unknown_latin_word_is_corrected_and_searched_for():
    corrector = SpellingCorrector({"garbage": 5, "sorting": 2})
    terms = understand("garbege sorting", corrector=corrector)
    assert terms.corrections == (("garbege", "garbage"),)
    assert ("garbag",) in terms.alternatives
    assert suggestion_text("Garbege sorting", terms.corrections) == "garbage sorting"


def test_a_word_whose_stem_is_indexed_is_not_corrected():
    corrector = SpellingCorrector({"register": 3})
    terms = understand("registered", corrector=corrector, known_stems={"regist"})
    assert terms.corrections == ()


def test_filters_narrow_the_query_to_a_category_and_a_type():
    query = restrict(build_query(understand("ごみ")), category="garbage", item_type="page")
    assert isinstance(query, And)
    assert Term("category", "garbage") in query.subqueries and Term("type", "page") in query.subqueries


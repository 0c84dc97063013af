"""Any string is safe: results or an empty list, never an error, and never more work than the caps allow.

Hypothesis feeds arbitrary text (lone surrogates, NUL and control characters, emoji,
right-to-left text, query syntax) to the service, and everything a URL can carry to the
HTML page and the API. What a query may cost is bounded by what it is turned into (at most
MAX_WORDS words, MAX_GRAMS bigrams, MAX_ALTERNATIVES alternatives from 200 characters): that is
checked here; how fast the worst inputs run is measured by bench/search.py, not by a clock in a test.
"""
from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shinjuku_pwa.core.i18n import LOCALE_CODES
from shinjuku_pwa.search import service
from shinjuku_pwa.search.analysis import clean_text, gram_terms, word_terms
from shinjuku_pwa.search.query import MAX_ALTERNATIVES, MAX_GRAMS, MAX_WORDS, build_query, understand

UNSTORABLE = re.compile("[\ud800-\udfff\x00-\x1f\x7f-\x9f]")
SYNTAX = ["AND", "OR", "NOT", "*", "?", '"', "(", ")", ":", "~", "^", "[", "TO", "]", "{", "}", "\\", "title:", "-", "+"]
WORDS = ["ごみ", "粗大", "税", "garbage", "lantern", "이사", "नेपाली", "မြန်မာ", "שלום", "مرحبا", "😀", "👨‍👩‍👧", "\u202e", "\x00", "\ud800", "\udfff", " "]

# Every kind of code point, lone surrogates and invisible controls drawn often on purpose
# (Hypothesis leaves surrogates out unless asked).
any_character = st.one_of(
    st.characters(codec=None),
    st.characters(categories=["Cs"]),
    st.characters(categories=["Cc", "Cf", "Co", "Mn", "Mc", "Me"]),
    st.sampled_from(list('*?"()~^:[]{}\\-+!')),
)
any_text = st.text(alphabet=any_character, max_size=200)
syntax_soup = st.lists(st.sampled_from(SYNTAX + WORDS), max_size=60).map("".join).map(lambda s: s[:200])
queries = st.one_of(any_text, syntax_soup)
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def context(search_app):
    with search_app.app_context():
        service.search("warm up", "ja", count_miss=False)
        yield


@fast
@given(text=any_text)
def test_analysis_turns_any_text_into_clean_bounded_terms(text):
    cleaned = clean_text(text)
    assert not UNSTORABLE.search(cleaned) and cleaned == cleaned.strip()
    assert clean_text(cleaned) == cleaned and unicodedata.is_normalized("NFKC", cleaned)
    assert all(term.text and not UNSTORABLE.search(term.text) for term in word_terms(cleaned))
    assert all(gram and not UNSTORABLE.search(gram) for gram in gram_terms(cleaned))
    terms = understand(text)
    assert_within_caps(terms)
    assert (build_query(terms) is None) == terms.empty


def assert_within_caps(terms) -> None:
    assert len(terms.words) <= MAX_WORDS and len(terms.grams) <= MAX_GRAMS
    assert len(terms.alternatives) <= MAX_ALTERNATIVES


@fast
@given(text=queries, lang=st.sampled_from(LOCALE_CODES))
def test_search_answers_any_text_without_error_and_within_the_caps(context, text, lang):
    outcome = service.search(text, lang)
    assert outcome.total >= len(outcome.results) and len(outcome.results) <= 10
    assert_within_caps(understand(text))


@fast
@given(text=queries, lang=st.sampled_from(LOCALE_CODES))
def test_suggest_answers_any_text_with_at_most_eight_titles(context, text, lang):
    suggestions = service.suggest(text, lang)
    assert len(suggestions) <= 8


@pytest.fixture(scope="module")
def client(search_app):
    return search_app.test_client()


url_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(url_text, syntax_soup.map(lambda s: s.encode("utf-8", "replace").decode("utf-8", "replace"))))
def test_the_page_and_the_api_answer_any_text_without_a_server_error(client, text):
    for path in ("/ja/search", "/api/v1/search", "/api/v1/search/suggest"):
        response = client.get(path, query_string={"q": text})
        assert response.status_code == 200, (path, text)
        assert response.mimetype == ("text/html" if path == "/ja/search" else "application/json")


@pytest.mark.parametrize("text", [
    "*" * 200,
    "*a*b*c*" * 28,
    "?" * 200,
    '"' * 199,
    "ごみ" * 100,
    " ".join(["garbage"] * 25)[:200],
    "".join(chr(0x4E00 + n) for n in range(200)),
    "a" * 200,
    "\x00" * 200,
    "\ud800" * 200,
])
def test_inputs_that_once_were_slow_or_broken_are_answered_within_the_caps(context, text):
    outcome = service.search(text, "ja", count_miss=False)
    assert outcome.total >= len(outcome.results)
    assert len(service.suggest(text, "ja")) <= 8
    assert_within_caps(understand(text))


def test_text_longer_than_200_characters_is_cut_by_the_service_as_well(context):
    assert service.search("ごみ" * 500, "ja", count_miss=False).query == "ごみ" * 100

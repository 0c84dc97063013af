"""The term-at-a-time scorer gives Whoosh's own BM25F scores, only faster."""
from __future__ import annotations

import heapq
import random
import time
from math import log
from operator import itemgetter

import pytest
from whoosh.query import And, Or, Prefix, Term

from shinjuku_pwa.search.curation import Curation
from shinjuku_pwa.search.index import build_index, live_index
from shinjuku_pwa.search.query import build_query, understand
from shinjuku_pwa.search.scorer import (
    K1,
    PostingsCache,
    PostingsScorer,
    UnsupportedQuery,
    best_of,
    block_postings,
    public_postings,
    reads_blocks,
)
from shinjuku_pwa.search.sources import SearchDocument

TEXTS = [
    ("粗大ごみの出し方", "粗大ごみは申し込みます。", "家具や自転車は粗大ごみです。"),
    ("燃やすごみ", "生ごみなど。", "週2回の収集です。ごみは朝8時までに出します。"),
    ("資源の出し方", "びん・缶・ペットボトル。", "資源はごみではありません。"),
    ("住民税", "税金の案内。", "住民税は1月1日の住所で決まります。"),
    ("Oversized garbage", "Large furniture.", "Apply for oversized garbage collection."),
]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    root = tmp_path_factory.mktemp("scorer")
    documents = [
        SearchDocument("page", f"page-{n}", "ja", title, summary, body, "garbage", "/{lang}/pages/p")
        for n, (title, summary, body) in enumerate(TEXTS * 3)
    ]
    build_index(root, documents, Curation())
    return live_index(root)


def whoosh_scores(live, query) -> dict[int, float]:
    results = live.searcher().search(query, limit=None)
    return {hit.docnum: hit.score for hit in results}


@pytest.mark.parametrize("text", ["粗大ごみ", "ごみ 出し方", "住民税", "oversized garbage", "資源 ごみ 税"])
def test_scores_match_whoosh_bm25f(live, text):
    query = build_query(understand(text))
    scorer = PostingsScorer(live.searcher().reader(), PostingsCache())
    ours = scorer.evaluate(query, time.monotonic() + 5)
    theirs = whoosh_scores(live, query)
    assert set(ours) == set(theirs)
    assert all(ours[doc] == pytest.approx(theirs[doc], rel=1e-4) for doc in theirs)


def test_and_needs_every_part_and_an_id_term_only_filters(live):
    scorer = PostingsScorer(live.searcher().reader(), PostingsCache())
    both = scorer.evaluate(And([Term("words", "粗大"), Term("words", "家具")]), time.monotonic() + 5)
    assert both and set(both) <= set(scorer.evaluate(Term("words", "粗大"), time.monotonic() + 5))
    filtered = scorer.evaluate(And([Term("words", "ごみ"), Term("category", "garbage")]), time.monotonic() + 5)
    assert filtered == scorer.evaluate(Term("words", "ごみ"), time.monotonic() + 5)


def test_an_unknown_term_matches_nothing(live):
    scorer = PostingsScorer(live.searcher().reader(), PostingsCache())
    assert scorer.evaluate(Or([Term("words", "存在しない語")]), time.monotonic() + 5) == {}


def test_a_query_shape_it_does_not_know_is_left_to_whoosh(live):
    scorer = PostingsScorer(live.searcher().reader(), PostingsCache())
    with pytest.raises(UnsupportedQuery):
        scorer.evaluate(Prefix("words", "ご"), time.monotonic() + 5)
    hits, _ = live.top_hits(Prefix("words", "ご"), 10, time.monotonic() + 5)
    assert hits


def test_out_of_time_it_answers_with_what_it_scored(live):
    scorer = PostingsScorer(live.searcher().reader(), PostingsCache())
    hits, timed_out = scorer.top(build_query(understand("粗大ごみ")), 10, time.monotonic() - 1)
    assert timed_out and isinstance(hits, list)


def test_the_postings_cache_stays_within_its_limit(live):
    cache = PostingsCache(limit=5)
    scorer = PostingsScorer(live.searcher().reader(), cache)
    for word in ("ごみ", "粗大", "資源", "住民", "税"):
        scorer.postings("words", word)
    assert cache._size <= 5 or len(cache._postings) == 1


@pytest.mark.parametrize("size", [0, 5, 100, 201, 5000])
def test_best_of_is_nlargest_ties_included(size):
    rng = random.Random(size)
    docs = rng.sample(range(20_000), size)
    scores = {doc: float(rng.choice(range(40))) / 7 for doc in docs}  # many ties, at the cut too
    for limit in (0, 1, 10, 100):
        assert best_of(scores, limit) == heapq.nlargest(limit, scores.items(), key=itemgetter(1))


def test_contributions_are_bm25f_to_the_last_bit(live):
    # The C-level map in _contributions does the very operations of the formula, in the same order.
    scorer = PostingsScorer(live.searcher().reader(), PostingsCache())
    norms = scorer._length_norms("words")
    for text in ("ごみ", "粗大", "garbag"):
        matcher = scorer.reader.postings("words", text)
        ids, weights = block_postings(matcher) if reads_blocks(matcher) else public_postings(matcher)
        factor = (log(scorer.doc_count / (len(ids) + 1)) + 1) * (K1 + 1)
        expected = [factor * weight / (weight + norms[doc]) for doc, weight in zip(ids, weights, strict=True)]
        assert list(scorer.postings("words", text)[1]) == expected

"""Running our queries over Whoosh's postings, term at a time, in plain Python.

Whoosh's own matchers walk a tree of Python objects for every matching document
(is_active, id, score, block-quality checks...): on the 10,000-document benchmark that put
p95 at 30-60 ms, ten times SQLite FTS5. The queries query.py builds only ever have three
shapes: Term, Or (add the scores) and And (every part must match), with boosts. So this
module reads each term's postings once, a block at a time (cached while the build is
live, with each posting's BM25F contribution computed once), and adds them up in one dict.

Whoosh still owns the index on disk: terms, postings, field lengths and stored fields.
A query of another shape is handed to Whoosh's own searcher (see index.LiveIndex).
The scores follow Whoosh's BM25F (idf = ln(N / (df + 1)) + 1; B = 0.75; K1 = 1.2), where
a posting's weight is its term frequency weighted by section (see analysis.SECTION_WEIGHTS).
"""
from __future__ import annotations

import heapq
import threading
import time
from array import array
from collections import OrderedDict
from itertools import accumulate
from math import log
from operator import add, itemgetter, truediv
from typing import Any

from whoosh.query import And, Or, Query, Term
from whoosh.reading import TermNotFound

B = 0.75
K1 = 1.2
# Scored postings kept per live build, counted in postings (12 bytes each).
POSTINGS_CACHE_LIMIT = 2_000_000

Postings = tuple[array, array]  # document numbers, and weights or score contributions
_EMPTY: Postings = (array("i"), array("f"))


# whoosh-ng's block matcher, read a block at a time through these private members: pinned in
# pyproject.toml, and tests/search/test_whoosh_internals.py fails if an upgrade changes them.
BLOCK_MATCHER_MEMBERS = ("_data", "_read_data", "_byteids", "_read_weights", "_next_block", "_weights")


def reads_blocks(matcher: object) -> bool:
    return all(hasattr(matcher, member) for member in BLOCK_MATCHER_MEMBERS)


def block_postings(matcher: Any) -> Postings:
    """A term's document numbers and weights, a whole block at a time (whoosh-ng internals).

    The ids are delta-decoded here with itertools.accumulate, as whoosh-ng's _read_ids does with
    a Python generator (ten times slower: it was most of the cost of reading a term)."""
    ids, weights = array("i"), array("f")
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        stored_ids = matcher._data[0]
        ids.extend(stored_ids if matcher._byteids else accumulate(stored_ids))
        matcher._read_weights()
        weights.extend(matcher._weights)
        matcher._next_block()
    return ids, weights


def public_postings(matcher: Any) -> Postings:
    """The same through Whoosh's public matcher API, one posting at a time (slower)."""
    ids, weights = array("i"), array("f")
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


class UnsupportedQuery(Exception):
    """A query shape this scorer does not run; Whoosh's searcher runs it instead."""


class TimeUp(Exception):
    pass


class PostingsCache:
    """Decoded postings and length norms of one live build, shared by its threads' scorers."""

    def __init__(self, limit: int = POSTINGS_CACHE_LIMIT) -> None:
        self.limit = limit
        self.norms: dict[str, array] = {}
        self._postings: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._size = 0
        self.lock = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self._postings.clear()
            self._size = 0

    def get(self, key: tuple[str, str]) -> Postings | None:
        with self.lock:
            postings = self._postings.get(key)
            if postings is not None:
                self._postings.move_to_end(key)
            return postings

    def put(self, key: tuple[str, str], postings: Postings) -> None:
        with self.lock:
            if key in self._postings:
                return
            self._postings[key] = postings
            self._size += len(postings[0])
            while self._size > self.limit and len(self._postings) > 1:
                _, (ids, _) = self._postings.popitem(last=False)
                self._size -= len(ids)


class PostingsScorer:
    """Scores Term/Or/And queries with one thread's atomic (single-segment) Whoosh reader."""

    def __init__(self, reader, cache: PostingsCache) -> None:
        if not reader.is_atomic():
            raise UnsupportedQuery("a multi-segment index")
        self.reader = reader
        self.cache = cache
        self.doc_count = reader.doc_count_all()

    # --- reading ----------------------------------------------------------------------------

    def _length_norms(self, fieldname: str) -> array:
        """K1 * (1 - B + B * length / average length), per document, for one field."""
        norms = self.cache.norms.get(fieldname)
        if norms is None:
            lengths = [self.reader.doc_field_length(n, fieldname, 0) or 0 for n in range(self.doc_count)]
            average = (self.reader.field_length(fieldname) / self.doc_count if self.doc_count else 0) or 1.0
            norms = array("f", (K1 * (1 - B + B * length / average) for length in lengths))
            self.cache.norms[fieldname] = norms
        return norms

    def postings(self, fieldname: str, text: str) -> Postings:
        """Document numbers and BM25F contributions (before boosts) of one term, cached."""
        key = (fieldname, text)
        postings = self.cache.get(key)
        if postings is None:
            ids, weights = self._read_postings(fieldname, text)
            postings = ids, self._contributions(fieldname, ids, weights)
            self.cache.put(key, postings)
        return postings

    def _contributions(self, fieldname: str, ids: array, weights: array) -> array:
        if not ids or not self.reader.schema[fieldname].scorable:
            return array("d", bytes(8 * len(ids)))  # an ID field (category, type) only filters
        norms = self._length_norms(fieldname)
        factor = (log(self.doc_count / (len(ids) + 1)) + 1) * (K1 + 1)
        # factor * weight / (weight + norm) for each posting, with the loop in C (map), not a generator
        return array("d", map(truediv, map(factor.__mul__, weights), map(add, weights, map(norms.__getitem__, ids))))

    def _read_postings(self, fieldname: str, text: str) -> Postings:
        try:
            matcher = self.reader.postings(fieldname, text)
        except TermNotFound:
            return _EMPTY
        return block_postings(matcher) if reads_blocks(matcher) else public_postings(matcher)

    # --- scoring ----------------------------------------------------------------------------

    def _term(self, query: Term, deadline: float) -> dict[int, float]:
        if time.monotonic() > deadline:
            raise TimeUp
        ids, contributions = self.postings(query.fieldname, query.text)
        if query.boost == 1.0:
            return dict(zip(ids, contributions, strict=True))
        return dict(zip(ids, map(query.boost.__mul__, contributions), strict=True))

    def evaluate(self, query: Query, deadline: float) -> dict[int, float]:
        """{docnum: score} for every matching document."""
        if type(query) is Term:
            return self._term(query, deadline)
        if type(query) is Or:
            total: dict[int, float] = {}
            for sub in query.subqueries:
                scores = self.evaluate(sub, deadline)
                if len(scores) > len(total):
                    total, scores = scores, total
                get = total.get
                for doc, score in scores.items():
                    total[doc] = get(doc, 0.0) + score
            return _boosted(total, query.boost)
        if type(query) is And:
            parts = sorted((self.evaluate(sub, deadline) for sub in query.subqueries), key=len)
            if not parts:
                return {}
            total = dict(parts[0])
            for scores in parts[1:]:
                total = {doc: score + scores[doc] for doc, score in total.items() if doc in scores}
                if not total:
                    break
            return _boosted(total, query.boost)
        raise UnsupportedQuery(type(query).__name__)

    def top(self, query: Query, limit: int, deadline: float) -> tuple[list[tuple[float, int]], bool]:
        """The best `limit` (score, docnum) pairs, and whether the deadline cut scoring short.

        Out of time, the terms scored so far answer (the query's first words come first).
        """
        timed_out = False
        try:
            scores = self.evaluate(query, deadline)
        except TimeUp:
            scores, timed_out = self._partial(query, deadline), True
        return [(score, doc) for doc, score in best_of(scores, limit)], timed_out

    def _partial(self, query: Query, deadline: float) -> dict[int, float]:
        # Score the first part alone, with a little grace, so a late query still answers.
        first = query.subqueries[0] if type(query) in (Or, And) and query.subqueries else query
        try:
            return self.evaluate(first, deadline + 0.05)
        except TimeUp:
            return {}


def best_of(scores: dict[int, float], limit: int) -> list[tuple[int, float]]:
    """The `limit` best (docnum, score) pairs, best first, ties in the dict's order: what
    heapq.nlargest(limit, scores.items(), key=itemgetter(1)) gives, in about half the time on
    thousands of scores (the cut-off score is found among bare floats, compared in C, and
    only the pairs reaching it are sorted)."""
    if limit <= 0:
        return []
    if len(scores) > 2 * limit:
        cut = heapq.nlargest(limit, scores.values())[-1]
        pairs = [(doc, score) for doc, score in scores.items() if score >= cut]
    else:
        pairs = list(scores.items())
    pairs.sort(key=itemgetter(1), reverse=True)  # stable: ties keep the dict's order
    return pairs[:limit]


def _boosted(scores: dict[int, float], boost: float) -> dict[int, float]:
    if boost == 1.0:
        return scores
    return {doc: score * boost for doc, score in scores.items()}

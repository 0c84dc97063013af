"""A plain database search, for while this host has no usable index (missing, damaged, rebuilding).

It reads the same sources the index is built from (sources.SOURCES, so a new kind of content is
found here too), keeps their folded text in memory until the state versions change, and matches
each word of the query as a substring: no Sudachi, no synonyms, no bigrams, so it is cruder than
the index, but it answers at once and never touches the disk the broken index lives on.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .analysis import clean_text, fold_for_match
from .ranking import locale_weight
from .sources import SearchDocument

TITLE_WEIGHT, HEAD_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 1.0


@dataclass(frozen=True)
class PlainDocument:
    doc: SearchDocument
    title: str  # folded
    head: str  # summary and tags, folded
    body: str  # folded


@dataclass(frozen=True)
class PlainHit:
    doc: SearchDocument  # the version to show (the reader's language when the item has one)
    score: float

    @property
    def info(self) -> SearchDocument:  # as RankedItem.info, for facet counts
        return self.doc


def prepare(documents: Iterable[SearchDocument]) -> list[PlainDocument]:
    return [
        PlainDocument(doc, fold_for_match(clean_text(doc.title)),
                      fold_for_match(clean_text(doc.summary + " " + " ".join(doc.tags))),
                      fold_for_match(clean_text(doc.body)))
        for doc in documents
    ]


def query_words(text: str) -> list[str]:
    return [word for word in fold_for_match(clean_text(text)).split() if word]


def match_documents(documents: list[PlainDocument], text: str, lang: str) -> list[PlainHit]:
    """Items whose title, summary, tags or body hold every word of the query, best first, once each."""
    words = query_words(text)
    if not words:
        return []
    best: dict[tuple[str, str], tuple[float, SearchDocument]] = {}
    by_key: dict[tuple[str, str, str], SearchDocument] = {}
    for plain in documents:
        by_key[(plain.doc.type, plain.doc.id, plain.doc.locale)] = plain.doc
        score = 0.0
        for word in words:
            if word in plain.title:
                score += TITLE_WEIGHT
            elif word in plain.head:
                score += HEAD_WEIGHT
            elif word in plain.body:
                score += BODY_WEIGHT
            else:
                score = 0.0
                break
        if score:
            weighted = score * locale_weight(plain.doc.locale, lang)
            current = best.get(plain.doc.item)
            if current is None or weighted > current[0]:
                best[plain.doc.item] = (weighted, plain.doc)
    hits = [PlainHit(by_key.get((*item, lang), doc), score) for item, (score, doc) in best.items()]
    return sorted(hits, key=lambda hit: (-hit.score, hit.doc.type, hit.doc.id))


class PlainSearch:
    """The documents of one app, read once per state versions; shared by the threads of a process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._versions: Mapping[str, int] | None = None
        self._documents: list[PlainDocument] = []

    def documents(self, versions: Mapping[str, int], read: Callable[[], Iterable[SearchDocument]]) -> list[PlainDocument]:
        with self._lock:
            if self._versions is None or dict(self._versions) != dict(versions):
                self._documents = prepare(read())
                self._versions = dict(versions)
            return self._documents

"""What a live index keeps in memory beside Whoosh, built with it and swapped with it.

- `items`: type, id, locale, category, title and URL of every document, by Whoosh document
  number, so ranking across locales, de-duplication and facet counts need no stored-field
  reads (only the few results shown read their text, for snippets);
- `completions`: sorted (key, docnum) pairs answering as-you-type title completions with a
  binary search (keys: folded titles, their readings, and both from each later word);
- `vocabulary`: Latin-script words and their document counts, for "did you mean";
- the curated synonyms and best bets, already analysed, so the index and the rules it was
  built with can never disagree.

It is saved as JSON next to the index files and needs no Sudachi to load.
"""
from __future__ import annotations

import json
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .analysis import clean_text, completion_keys, fold_for_match, latin_term, strip_accents, word_terms
from .curation import BestBet, Curation, SynonymRule, index_synonyms
from .sources import SearchDocument
from .spelling import SpellingCorrector

CATALOG_FILE = "catalog.json"
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class ItemInfo:
    type: str
    id: str
    locale: str
    category: str
    title: str
    url: str

    @property
    def item(self) -> tuple[str, str]:
        return (self.type, self.id)


@dataclass
class Catalog:
    items: list[ItemInfo]
    completions: list[tuple[str, int]]
    vocabulary: dict[str, int]
    synonyms: list[SynonymRule] = field(default_factory=list)
    best_bets: list[BestBet] = field(default_factory=list)
    built_at: str = ""
    # What ranking.py works out once per reader's language over every document (see reader_view).
    per_reader: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def docnum_by_key(self) -> dict[tuple[str, str, str], int]:
        return {(info.type, info.id, info.locale): docnum for docnum, info in enumerate(self.items)}

    @cached_property
    def docnums_by_item(self) -> dict[tuple[str, str], dict[str, int]]:
        """Each item's documents by locale, in index order: which versions an item has, in one lookup."""
        versions: dict[tuple[str, str], dict[str, int]] = {}
        for docnum, info in enumerate(self.items):
            versions.setdefault(info.item, {})[info.locale] = docnum
        return versions

    @cached_property
    def best_bets_by_query(self) -> dict[tuple[str, ...], list[tuple[str, str]]]:
        pinned: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        for bet in self.best_bets:
            items = pinned.setdefault(bet.query, [])
            if (bet.type, bet.id) not in items:
                items.append((bet.type, bet.id))
        return pinned

    @cached_property
    def synonyms_by_first_word(self) -> dict[str, list[SynonymRule]]:
        return index_synonyms(self.synonyms)

    @cached_property
    def corrector(self) -> SpellingCorrector:
        return SpellingCorrector(self.vocabulary)

    @cached_property
    def known_stems(self) -> frozenset[str]:
        """Indexed forms of the vocabulary: a word whose stem is here is spelt well enough."""
        return frozenset(latin_term(word) for word in self.vocabulary)

    @cached_property
    def _completion_keys(self) -> list[str]:
        return [key for key, _ in self.completions]

    def completion_candidates(self, prefix: str, scan_limit: int = 400) -> list[tuple[str, int]]:
        """(key, docnum) pairs whose key starts with prefix; at most scan_limit are looked at."""
        keys = self._completion_keys
        found: list[tuple[str, int]] = []
        index = bisect_left(keys, prefix)
        while index < len(keys) and len(found) < scan_limit and keys[index].startswith(prefix):
            found.append(self.completions[index])
            index += 1
        return found


def latin_vocabulary_words(cleaned_texts: tuple[str, ...]) -> set[str]:
    """Latin-script words as written (lower case, no accents), for "did you mean"."""
    words = set()
    for text in cleaned_texts:
        for term in word_terms(text):
            word = strip_accents(term.surface)
            if word.isascii() and word.isalpha() and 3 <= len(word) <= 30:
                words.add(word)
    return words


class CatalogBuilder:
    """Collects the catalog while documents are indexed, while their analysis is cached."""

    def __init__(self, curation: Curation, built_at: str) -> None:
        self.curation = curation
        self.built_at = built_at
        self.items: list[ItemInfo] = []
        self.completions: list[tuple[str, int]] = []
        self.vocabulary: Counter[str] = Counter()

    def add(self, doc: SearchDocument, cleaned_texts: tuple[str, ...]) -> None:
        docnum = len(self.items)
        self.items.append(ItemInfo(doc.type, doc.id, doc.locale, doc.category, doc.title, doc.url))
        self.completions.extend((key, docnum) for key in completion_keys(doc.title))
        self.vocabulary.update(latin_vocabulary_words(cleaned_texts))

    def finish(self) -> Catalog:
        return Catalog(
            self.items, sorted(self.completions), dict(self.vocabulary),
            list(self.curation.synonyms), list(self.curation.best_bets), self.built_at,
        )


def save_catalog(catalog: Catalog, directory: Path) -> None:
    data = {
        "version": FORMAT_VERSION,
        "built_at": catalog.built_at,
        "items": [[i.type, i.id, i.locale, i.category, i.title, i.url] for i in catalog.items],
        "completions": catalog.completions,
        "vocabulary": catalog.vocabulary,
        "synonyms": [[list(r.when), [list(a) for a in r.add], r.kind] for r in catalog.synonyms],
        "best_bets": [[list(b.query), b.type, b.id, b.line] for b in catalog.best_bets],
    }
    (directory / CATALOG_FILE).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def load_catalog(directory: Path) -> Catalog:
    data = json.loads((directory / CATALOG_FILE).read_text(encoding="utf-8"))
    if data.get("version") != FORMAT_VERSION:
        raise ValueError(f"{directory}: catalog format {data.get('version')!r}, expected {FORMAT_VERSION}")
    return Catalog(
        items=[ItemInfo(*row) for row in data["items"]],
        completions=[(key, docnum) for key, docnum in data["completions"]],
        vocabulary=data["vocabulary"],
        synonyms=[SynonymRule(tuple(when), tuple(tuple(a) for a in add), kind) for when, add, kind in data["synonyms"]],
        best_bets=[BestBet(tuple(query), type_, id_, line) for query, type_, id_, line in data["best_bets"]],
        built_at=data["built_at"],
    )


def completion_prefix(text: str) -> str:
    return fold_for_match(clean_text(text))

"""Ranking across languages, de-duplication, best bets and facets: plain functions.

Every locale is searched at once. A match counts fully in the reader's own locale, a little
less in the locales the reader falls back to (easy Japanese, Japanese) and in English (so
English words typed in the Japanese UI find the English pages), and least in the others.
Each item appears once, scored by the best of its languages but shown as the link opens it:
in the reader's own language when the item has it, else in what the reader's URL serves (easy
Japanese, Japanese); a match in English for an item the reader's language lacks is shown, and
linked, in English. The view says when the language shown is not the reader's.

Items whose score is far below the best one are cut (RELATIVE_CUTOFF), so a tail of pages that
merely mention a word does not drown the answer. Pages (the overview residents want first)
count a little more than single procedures, life events and notices.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from ..core.i18n import LOCALE_CODES, content_fallbacks
from .catalog import Catalog, ItemInfo

READER_LOCALE_WEIGHT = 1.0
NEAR_LOCALE_WEIGHT = 0.75  # the reader's fallbacks (ja-easy, ja) and English
OTHER_LOCALE_WEIGHT = 0.5
# An item's kind, as a prior: the overview page of a subject before a procedure that only
# concerns one case of it (介護保険 → the care insurance page, not "return the card after a death").
TYPE_WEIGHTS = {"page": 1.0, "notice": 1.0, "procedure": 0.7, "life_event": 0.9}
RELATIVE_CUTOFF = 0.2  # items scoring below this share of the best item are not shown


@dataclass(frozen=True)
class RankedItem:
    info: ItemInfo  # the document (item in one locale) that represents the item
    docnum: int
    score: float
    best_bet: bool = False


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


def locale_weight(doc_locale: str, reader_locale: str) -> float:
    if doc_locale == reader_locale:
        return READER_LOCALE_WEIGHT
    if doc_locale in content_fallbacks(reader_locale) or doc_locale == "en":
        return NEAR_LOCALE_WEIGHT
    return OTHER_LOCALE_WEIGHT


def link_locale(doc_locale: str, lang: str) -> str:
    """The locale of the link to a document shown to a reader of `lang`: their own URL when it serves
    that document (their language or its fallbacks), else the document's own (English, say)."""
    return lang if doc_locale in content_fallbacks(lang) else doc_locale


@dataclass(frozen=True)
class ReaderView:
    """Per document number, for one reader's language: its locale's and its kind's weight, its item,
    and the document shown for it (_shown_docnum). Worked out once per build and language, so
    ranking a search's hits is a few list lookups per hit, not function calls."""
    locale_weights: list[float]
    type_weights: list[float]
    items: list[tuple[str, str]]
    shown: list[int]


def reader_view(catalog: Catalog, lang: str) -> ReaderView:
    view = catalog.per_reader.get(lang)
    if not isinstance(view, ReaderView):
        weights = {code: locale_weight(code, lang) for code in LOCALE_CODES}
        infos = catalog.items
        view = ReaderView(
            [weights.get(info.locale, OTHER_LOCALE_WEIGHT) for info in infos],
            [TYPE_WEIGHTS.get(info.type, 1.0) for info in infos],
            [(info.type, info.id) for info in infos],
            [_shown_docnum(catalog, docnum, lang) for docnum in range(len(infos))],
        )
        if lang in LOCALE_CODES:  # kept for the site's languages only: never one per stranger's string
            catalog.per_reader[lang] = view
    return view


def rank_items(hits: list[tuple[float, int]], catalog: Catalog, lang: str) -> list[RankedItem]:
    """One entry per item, scored by its best-scoring language after weighting, best first."""
    view = reader_view(catalog, lang)
    locale_weights, type_weights, item_of = view.locale_weights, view.type_weights, view.items
    best: dict[tuple[str, str], tuple[float, int]] = {}
    for score, docnum in hits:
        weighted = score * locale_weights[docnum] * type_weights[docnum]
        key = item_of[docnum]
        current = best.get(key)
        if current is None or weighted > current[0]:
            best[key] = (weighted, docnum)
    items, shown = catalog.items, view.shown
    ranked = [RankedItem(items[shown[docnum]], shown[docnum], weighted) for weighted, docnum in best.values()]
    return sorted(ranked, key=lambda r: (-r.score, r.info.type, r.info.id))


def cut_tail(ranked: list[RankedItem]) -> list[RankedItem]:
    """Drop the items far below the best one (best bets always stay)."""
    if not ranked:
        return ranked
    floor = max(r.score for r in ranked) * RELATIVE_CUTOFF
    return [r for r in ranked if r.best_bet or r.score >= floor]


def _shown_docnum(catalog: Catalog, docnum: int, lang: str) -> int:
    """The document to show for a hit: the one the reader's link opens (their language, else easy
    Japanese, else Japanese), unless the hit is in English and the item lacks the reader's
    language: then the English one, linked in English (link_locale)."""
    info = catalog.items[docnum]
    own = catalog.docnums_by_item[info.item].get(lang)
    if own is not None:
        return own
    if info.locale == "en":
        return docnum
    served = _docnum_for_reader(catalog, info.item, lang)
    return docnum if served is None else served


def _docnum_for_reader(catalog: Catalog, item: tuple[str, str], lang: str) -> int | None:
    versions = catalog.docnums_by_item.get(item)
    if not versions:
        return None
    for locale in (*content_fallbacks(lang), "en"):
        if locale in versions:
            return versions[locale]
    return next(iter(versions.values()))


def pin_best_bets(ranked: list[RankedItem], catalog: Catalog, words: tuple[str, ...], lang: str) -> list[RankedItem]:
    """Items staff pinned to this exact query go first, in their order."""
    pinned_items = catalog.best_bets_by_query.get(words, [])
    if not pinned_items:
        return ranked
    by_item = {r.info.item: r for r in ranked}
    top_score = ranked[0].score if ranked else 1.0
    pinned = []
    for item in pinned_items:
        current = by_item.get(item)
        docnum = current.docnum if current else _docnum_for_reader(catalog, item, lang)
        if docnum is not None:
            pinned.append(RankedItem(catalog.items[docnum], docnum, max(top_score, current.score if current else 0), True))
    pinned_keys = {r.info.item for r in pinned}
    return pinned + [r for r in ranked if r.info.item not in pinned_keys]


class _Faceted(Protocol):
    @property
    def category(self) -> str: ...
    @property
    def type(self) -> str: ...


class _Entry(Protocol):
    @property
    def info(self) -> _Faceted: ...


def facet_counts(ranked: Iterable[_Entry], attribute: str) -> list[FacetCount]:
    counts: dict[str, int] = {}
    for entry in ranked:
        value = getattr(entry.info, attribute)
        if not value:  # procedures and life events belong to no topic: no facet for them
            continue
        counts[value] = counts.get(value, 0) + 1
    return [FacetCount(value, count) for value, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

"""Search as the views, the API and the CLI use it: search, suggest, count misses, reindex.

Every locale is searched at once and ranked as ranking.py says. The best `CANDIDATES`
documents (more for later result pages) are looked at, which is every match on this
site's scale; totals and facet counts are over them.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, Table, select, update
from sqlalchemy.dialects.postgresql import Insert as PostgresqlInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from ..core.extensions import db
from ..core.i18n import localized
from ..core.page_cache import per_version
from ..core.versions import CONTENT
from ..pages import queries as page_queries
from .analysis import clean_text, fold_for_match
from .catalog import ItemInfo, completion_prefix
from .fallback import match_documents, query_words
from .index import LiveIndex
from .models import MISS_QUERY_LENGTH, SearchMiss
from .query import MAX_QUERY_CHARS, QueryTerms, build_query, restrict, suggestion_text, understand
from .ranking import FacetCount, RankedItem, cut_tail, facet_counts, link_locale, locale_weight, pin_best_bets, rank_items
from .snippets import Segments, has_match, make_snippet
from .sources import url_in
from .upkeep import (  # noqa: F401 (refresh_index and friends are part of this module's interface)
    check_curation,
    current_index,
    ensure_index,
    give_up_on,
    index_is_stale,
    index_root,
    plain_documents,
    refresh_index,
)

log = logging.getLogger(__name__)

# Whoosh gets at most this long per query; what it found by then is answered.
DEFAULT_DEADLINE_SECONDS = 0.25
CANDIDATES = 100  # at least; a later result page looks at more (3 documents per result shown)
GRAMS_BELOW = 3  # words finding fewer items than this: search again with bigrams
SUGGESTION_LIMIT = 8


@dataclass(frozen=True)
class SearchResult:
    type: str
    id: str
    title: str
    url: str
    snippet: Segments
    category: str
    score: float
    lang: str  # the language of the title and snippet shown
    fallback: bool  # shown in another language than the reader's
    best_bet: bool = False


@dataclass(frozen=True)
class SearchOutcome:
    query: str
    lang: str
    total: int = 0
    page: int = 1
    per_page: int = 10
    results: list[SearchResult] = field(default_factory=list)
    categories: list[FacetCount] = field(default_factory=list)
    types: list[FacetCount] = field(default_factory=list)
    suggestion: str | None = None
    other_languages_only: bool = False  # nothing matched in the reader's language
    timed_out: bool = False
    from_database: bool = False  # answered by the plain database search while the index is rebuilt

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Completion:
    type: str
    id: str
    title: str
    url: str
    lang: str



def _deadline() -> float:
    return time.monotonic() + current_app.config.get("SEARCH_DEADLINE_SECONDS", DEFAULT_DEADLINE_SECONDS)


def _result(live: LiveIndex, entry: RankedItem, terms: QueryTerms, lang: str) -> SearchResult:
    stored = live.stored(entry.docnum)
    # The summary says what the page is for: shown when it matches (the body is then not looked
    # at) or when the body does not match either.
    snippet = make_snippet(stored.get("summary", ""), terms.highlights, terms.gram_highlights)
    if not has_match(snippet):
        body_snippet = make_snippet(stored.get("text", ""), terms.highlights, terms.gram_highlights)
        if has_match(body_snippet):
            snippet = body_snippet
    info = entry.info
    return SearchResult(
        type=info.type,
        id=info.id,
        title=info.title,
        url=url_in(info.url, link_locale(info.locale, lang)),
        snippet=snippet,
        category=info.category,
        score=round(entry.score, 4),
        lang=info.locale,
        fallback=info.locale != lang,
        best_bet=entry.best_bet,
    )


@dataclass(frozen=True)
class Matches:
    live: LiveIndex
    ranked: list[RankedItem]
    with_grams: bool
    timed_out: bool


def find_matches(terms: QueryTerms, lang: str, deadline: float, with_grams: bool | None = None,
                 category: str | None = None, item_type: str | None = None, limit: int = CANDIDATES,
                 live: LiveIndex | None = None) -> Matches:
    """Ranked items for analysed terms: the engine part of a search, without display.

    Words and word pairs are tried first; only when they find fewer than GRAMS_BELOW items
    are bigrams added (a second, wider search). Bigrams match almost everything written in
    kanji or kana, so leaving them out when words suffice keeps most searches cheap.
    Pass with_grams to force the choice (a filtered search repeats its unfiltered one's).
    """
    live = live or ensure_index()
    ranked: list[RankedItem] = []
    timed_out = False
    for grams in ((False, True) if with_grams is None else (with_grams,)):
        query = build_query(terms, with_grams=grams)
        if query is None:
            continue
        hits, timed_out = live.top_hits(restrict(query, category, item_type), limit, deadline)
        ranked = [
            r for r in pin_best_bets(rank_items(hits, live.catalog, lang), live.catalog, terms.words, lang)
            if (not category or r.info.category == category) and (not item_type or r.info.type == item_type)
        ]
        if len(ranked) >= GRAMS_BELOW or not terms.grams:
            return Matches(live, cut_tail(ranked), grams, timed_out)
    return Matches(live, cut_tail(ranked), True, timed_out)


def search(query: str, lang: str, category: str | None = None, item_type: str | None = None,
           page: int = 1, per_page: int = 10, count_miss: bool = True) -> SearchOutcome:
    """Search every published item for a resident's words; never raises on any input.

    From the index when this host has a usable one (a build that fails while searching is given
    up and rebuilt in the background, and the search tried again on the last good one); from
    the database otherwise. A query that finds nothing is counted (text and locale only)
    unless count_miss is False.
    """
    text = query[:MAX_QUERY_CHARS]
    outcome: SearchOutcome | None = None
    searched = True  # False when the query held no searchable words (never counted as a miss)
    for _attempt in range(2):
        live = current_index()
        if live is None:
            break
        try:
            outcome, searched = _search_index(live, text, lang, category, item_type, page, per_page)
            break
        except SQLAlchemyError:
            raise
        except Exception as exc:  # a damaged file can make Whoosh raise anything
            log.exception("Search index %s failed for a query", live.directory)
            give_up_on(live, exc)
    if outcome is None:
        outcome = _search_database(text, lang, category, item_type, page, per_page)
    if searched and not outcome.total and count_miss and not (category or item_type) and not outcome.from_database:
        record_miss(text, lang)
    return outcome


def _search_index(live: LiveIndex, text: str, lang: str, category: str | None, item_type: str | None,
                  page: int, per_page: int) -> tuple[SearchOutcome, bool]:
    """The outcome, and whether the query held anything to search for; a search asked before on
    this build is answered from its memory (the outcome depends on nothing else), unless the
    deadline cut it short then."""
    key = (text, lang, category, item_type, page, per_page)
    remembered: tuple[SearchOutcome, bool] | None = live.answers.get(key)
    if remembered is not None:
        return remembered
    answer = _search_built_index(live, text, lang, category, item_type, page, per_page)
    if not answer[0].timed_out:
        live.answers.put(key, answer)
    return answer


def _search_built_index(live: LiveIndex, text: str, lang: str, category: str | None, item_type: str | None,
                        page: int, per_page: int) -> tuple[SearchOutcome, bool]:
    catalog = live.catalog
    terms = understand(text, catalog.synonyms_by_first_word, catalog.corrector, catalog.known_stems)
    suggestion = suggestion_text(text, terms.corrections)
    if terms.empty:
        return SearchOutcome(query=text, lang=lang, page=page, per_page=per_page, suggestion=suggestion), False
    deadline = _deadline()
    limit = max(CANDIDATES, 3 * page * per_page)
    matches = find_matches(terms, lang, deadline, limit=limit, live=live)
    categories = facet_counts(matches.ranked, "category")
    types = facet_counts(matches.ranked, "type")
    timed_out = matches.timed_out
    if category or item_type:
        matches = find_matches(terms, lang, deadline, matches.with_grams, category, item_type, limit, live=live)
        timed_out = timed_out or matches.timed_out
    ranked = matches.ranked
    results = [_result(live, entry, terms, lang) for entry in ranked[(page - 1) * per_page:page * per_page]]
    return SearchOutcome(
        query=text,
        lang=lang,
        total=len(ranked),
        page=page,
        per_page=per_page,
        results=results,
        categories=categories,
        types=types,
        suggestion=suggestion,
        other_languages_only=bool(ranked) and all(r.info.locale != lang for r in ranked),
        timed_out=timed_out,
    ), True


def _search_database(text: str, lang: str, category: str | None, item_type: str | None,
                     page: int, per_page: int) -> SearchOutcome:
    """While there is no usable index: fallback.py's substring search over the sources' documents."""
    hits = match_documents(plain_documents(), text, lang)
    categories = facet_counts(hits, "category")
    types = facet_counts(hits, "type")
    hits = [hit for hit in hits
            if (not category or hit.doc.category == category) and (not item_type or hit.doc.type == item_type)]
    words = query_words(text)
    results = [
        SearchResult(
            type=hit.doc.type, id=hit.doc.id, title=hit.doc.title, url=url_in(hit.doc.url, link_locale(hit.doc.locale, lang)),
            snippet=make_snippet(hit.doc.summary if has_match(make_snippet(hit.doc.summary, words)) else hit.doc.body, words),
            category=hit.doc.category, score=round(hit.score, 4), lang=hit.doc.locale, fallback=hit.doc.locale != lang,
        )
        for hit in hits[(page - 1) * per_page:page * per_page]
    ]
    return SearchOutcome(
        query=text, lang=lang, total=len(hits), page=page, per_page=per_page, results=results,
        categories=categories, types=types,
        other_languages_only=bool(hits) and all(hit.doc.locale != lang for hit in hits), from_database=True,
    )


def suggest(query: str, lang: str, limit: int = SUGGESTION_LIMIT) -> list[Completion]:
    """Up to `limit` titles completing what the reader has typed so far, their language first.

    None while this host has no usable index (the search itself still answers, from the database).
    """
    prefix = completion_prefix(query[:MAX_QUERY_CHARS])
    if not prefix:
        return []
    live = current_index()
    if live is None:
        return []
    catalog = live.catalog
    best: dict[tuple[str, str], tuple[tuple, ItemInfo]] = {}
    for _key, docnum in catalog.completion_candidates(prefix):
        info = catalog.items[docnum]
        starts_title = fold_for_match(clean_text(info.title)).startswith(prefix)
        rank = (-locale_weight(info.locale, lang), not starts_title, len(info.title), info.title)
        if info.item not in best or rank < best[info.item][0]:
            best[info.item] = (rank, info)
    chosen = sorted(best.values(), key=lambda pair: pair[0])[:limit]
    return [Completion(info.type, info.id, info.title, url_in(info.url, link_locale(info.locale, lang)), info.locale)
            for _, info in chosen]


# --- around the results ----------------------------------------------------------------

# Shown when nothing matched: what residents look for most, and people who can help.
POPULAR_SLUGS = ["moving-in", "resident-certificate", "garbage-sorting", "national-health-insurance",
                 "my-number-card", "residence-card"]
CONSULTATION_SLUG = "multilingual-consultation"


def category_names(lang: str) -> dict[str, str]:
    """Topic names in `lang`, read once per content version (see core.page_cache.per_version)."""
    return per_version(CONTENT, ("search-category-names", lang), lambda: {
        category.id: localized(category.names, lang) for category in page_queries.list_categories()
    })


@dataclass(frozen=True)
class NoResultsHelp:
    popular: list
    consultation: object | None
    categories: list


def help_for_no_results(lang: str) -> NoResultsHelp:
    """Popular pages, the consultation service and the topics, for an empty result page."""
    counts = page_queries.count_pages_by_category()
    consultation = page_queries.get_pages_by_slugs([CONSULTATION_SLUG], lang)
    return NoResultsHelp(
        popular=page_queries.get_pages_by_slugs(POPULAR_SLUGS, lang),
        consultation=consultation[0] if consultation else None,
        categories=[c for c in page_queries.list_categories() if counts.get(c.id)],
    )


# --- misses --------------------------------------------------------------------------------

def miss_key(query: str) -> str:
    """How misses are grouped: cleaned, lower case, at most the column's length."""
    return clean_text(query).lower()[:MISS_QUERY_LENGTH]


def record_miss(query: str, lang: str) -> None:
    """Add one to the count of this query in this locale (an upsert: safe from many workers)."""
    key = miss_key(query)
    if not key:
        return
    table = cast(Table, SearchMiss.__table__)  # a declarative model's table
    dialect = db.session.get_bind().dialect.name
    inserts: dict[str, Callable[[Table], PostgresqlInsert | SqliteInsert]] = {
        "postgresql": postgresql_insert, "sqlite": sqlite_insert,
    }
    if dialect in inserts:
        statement = inserts[dialect](table).values(query=key, locale=lang, count=1)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.query, table.c.locale], set_={"count": table.c.count + 1}
        )
        db.session.execute(statement)
    else:
        # An UPDATE gives a CursorResult (with rowcount); Session.execute is annotated as Result.
        updated = cast(CursorResult[Any], db.session.execute(
            update(table).where(table.c.query == key, table.c.locale == lang).values(count=table.c.count + 1)
        ))
        if not updated.rowcount:
            db.session.add(SearchMiss(query=key, locale=lang, count=1))
    db.session.commit()


def top_misses(limit: int = 20, locale: str | None = None) -> list[SearchMiss]:
    query = select(SearchMiss).order_by(SearchMiss.count.desc(), SearchMiss.query).limit(limit)
    if locale:
        query = query.where(SearchMiss.locale == locale)
    return list(db.session.scalars(query))

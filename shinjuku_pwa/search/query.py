"""A resident's words → a Whoosh query, built from analysed terms, never parsed.

Whoosh's QueryParser would give strangers wildcards, fuzzy and range syntax, field names
and boolean operators (and `*` alone takes over 200 ms to run). Here every word is only a
word: the text is analysed like documents are, and the query is put together from Term, And and
Or objects, with hard caps on how many terms one query may hold. Pure functions: no
Flask, no index; tested on their own.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from whoosh.query import And, Or, Query, Term

from .analysis import clean_text, gram_terms, latin_term, strip_accents, word_pairs, word_terms
from .curation import SynonymRule
from .spelling import SpellingCorrector

MAX_QUERY_CHARS = 200
MAX_WORDS = 12
MAX_GRAMS = 24
MAX_ALTERNATIVES = 8
MAX_PHRASE_WORDS = 8

# Title weighs most, then summary and tags, then the body: that is done at indexing time
# (analysis.SECTION_WEIGHTS). Here: how much each kind of match counts.
TITLE_BOOST = 1.0  # a word in the title, on top of its weight in the words field
PAIR_BOOST = 1.5  # two words next to each other, as typed, on top of the words themselves
GRAM_BOOST = 0.3  # bigrams are a quieter fallback
ALTERNATIVE_BOOST = 0.7  # a synonym or spelling correction counts a bit less than the words typed


@dataclass(frozen=True)
class QueryTerms:
    """Everything the search needs from a query, after analysis and expansion."""

    words: tuple[str, ...] = ()  # analysed words in query order (repeats kept, for phrases)
    grams: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, ...], ...] = ()  # synonyms and corrections, each a word sequence
    highlights: tuple[str, ...] = ()  # folded forms to mark in snippets
    gram_highlights: tuple[str, ...] = ()  # used only where no word is found
    corrections: tuple[tuple[str, str], ...] = ()  # (as typed, suggested) for "did you mean"

    @property
    def empty(self) -> bool:
        return not (self.words or self.grams or self.alternatives)


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    size = len(part)
    return any(words[i:i + size] == part for i in range(len(words) - size + 1))


def understand(text: str, synonyms: Mapping[str, list[SynonymRule]] | None = None,
               corrector: SpellingCorrector | None = None,
               known_stems: frozenset[str] | set[str] = frozenset()) -> QueryTerms:
    """Analyse query text and expand it with synonyms and spelling corrections.

    `synonyms` maps a rule's first word to its rules (curation.index_synonyms), so only
    the rules that can apply are looked at.
    """
    cleaned = clean_text(text[:MAX_QUERY_CHARS])
    terms = word_terms(cleaned)[:MAX_WORDS]
    words = tuple(term.text for term in terms)
    grams = tuple(dict.fromkeys(gram_terms(cleaned)))[:MAX_GRAMS]
    alternatives: list[tuple[str, ...]] = []
    for word in dict.fromkeys(words):
        for rule in (synonyms or {}).get(word, ()):
            if _contains(words, rule.when):
                alternatives.extend(alt for alt in rule.add if alt not in alternatives)
    corrections = []
    if corrector is not None:
        for term in terms:
            surface = strip_accents(term.surface)
            if not surface.isascii() or not surface.isalpha():
                continue
            if corrector.knows(surface) or term.text in known_stems:
                continue
            corrected = corrector.correct(surface)
            if corrected:
                corrections.append((term.surface, corrected))
                alternatives.append((latin_term(corrected),))
    alternatives = list(dict.fromkeys(alternatives))[:MAX_ALTERNATIVES]
    highlights = {term.surface for term in terms} | set(words)
    highlights |= {word for alternative in alternatives for word in alternative}
    highlights |= {corrected for _, corrected in corrections}
    return QueryTerms(
        words=words,
        grams=grams,
        alternatives=tuple(alternatives),
        highlights=tuple(sorted((h for h in highlights if h), key=len, reverse=True)),
        gram_highlights=grams,
        corrections=tuple(corrections),
    )


def build_query(terms: QueryTerms, with_grams: bool = True) -> Query | None:
    """The Whoosh query for analysed terms: any word may match; more words, in order, rank higher.

    with_grams=False leaves the bigrams out: a cheaper first try that finds what words find.
    """
    if terms.empty:
        return None
    parts: list[Query] = []
    for word in dict.fromkeys(terms.words):
        parts.extend((Term("words", word), Term("title", word, boost=TITLE_BOOST)))
    parts.extend(
        Term("pairs", pair, boost=PAIR_BOOST) for pair in dict.fromkeys(word_pairs(terms.words[:MAX_PHRASE_WORDS]))
    )
    if with_grams:
        parts.extend(Term("grams", gram, boost=GRAM_BOOST) for gram in terms.grams)
    for alternative in terms.alternatives:
        if len(alternative) == 1:
            parts.append(Term("words", alternative[0], boost=ALTERNATIVE_BOOST))
            parts.append(Term("title", alternative[0], boost=ALTERNATIVE_BOOST * TITLE_BOOST))
        else:
            parts.append(And([Term("words", word) for word in alternative], boost=ALTERNATIVE_BOOST))
    return Or(parts) if parts else None


def restrict(query: Query, category: str | None = None, item_type: str | None = None) -> Query:
    """The same query limited to one category and/or one type of item."""
    filters = [Term(name, value) for name, value in (("category", category), ("type", item_type)) if value]
    return And([query, *filters]) if filters else query


def suggestion_text(text: str, corrections: tuple[tuple[str, str], ...]) -> str | None:
    """The query as typed with each misspelt word replaced, for a "did you mean" link."""
    if not corrections:
        return None
    cleaned = clean_text(text[:MAX_QUERY_CHARS])
    lowered = cleaned.lower()
    result, cursor = [], 0
    for typed, corrected in corrections:
        index = lowered.find(typed, cursor)
        if index < 0:
            continue
        result.append(cleaned[cursor:index])
        result.append(corrected)
        cursor = index + len(typed)
    result.append(cleaned[cursor:])
    suggestion = "".join(result)
    return suggestion if suggestion != cleaned else None

"""Finding an item by what a person types, in any of the nine languages (pure: no Flask, no database).

Every item has search terms with weights: the official Japanese name and its kana reading, the
reader's-locale name and search words, Japanese search words (people type what they read on the
packaging) and English (loanwords). A query and a term are compared after the same folding:
NFKC, lower case, katakana to hiragana, Latin accents dropped (Vietnamese typed without tones),
simple English plurals, spaces and punctuation ignored (ペット ボトル = ペットボトル = PETボトル is a
search word). static/js/garbage.js repeats `fold` and `score_term` for the offline lookup: keep them
the same.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..japanese.tokenizer import fold_kana

MAX_QUERY = 100
_LATIN_WORD = re.compile(r"^[a-z]+$")
_SEPARATORS = re.compile(r"[\s\u3000・･、，,。.．/／()（）\[\]「」『』【】\"'“”‘’:：;；!?！？~〜～\-‐–—_+＋*＊&＆]+")
_IDEOGRAPH = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$")  # one-character words: 伞 in 雨伞
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")


def _drop_latin_accents(text: str) -> str:
    out: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and out and "a" <= out[-1] <= "z":
            continue  # an accent on a Latin letter (Vietnamese tones, é); other scripts keep their marks
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out)).replace("đ", "d")


def _singular(word: str) -> str:
    if not _LATIN_WORD.match(word) or len(word) < 4:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def fold_words(text: str) -> list[str]:
    """The words of a text after folding (see the module docstring)."""
    text = fold_kana(unicodedata.normalize("NFKC", text[:MAX_QUERY * 5]).lower())
    text = _drop_latin_accents(text)
    return [_singular(word) for word in _SEPARATORS.split(text) if word]


def fold(text: str) -> str:
    """One comparable string: folded words run together."""
    return "".join(fold_words(text))


@dataclass(frozen=True)
class Term:
    text: str  # folded
    weight: float


@dataclass(frozen=True)
class Entry:
    """An item as search sees it: its ID, its position in the ward's file (ties) and its terms."""

    official_id: str
    position: int
    terms: tuple[Term, ...]


def terms_for(names: Iterable[tuple[str, float]]) -> tuple[Term, ...]:
    """Terms for texts with weights; a name with a bracketed part also counts without it, and each
    part between separators (・, commas) counts alone, a little lower."""
    best: dict[str, float] = {}

    def add(text: str, weight: float) -> None:
        folded = fold(text)
        if folded and best.get(folded, 0) < weight:
            best[folded] = weight

    for text, weight in names:
        if not text:
            continue
        add(text, weight)
        bare = _BRACKETED.sub(" ", text)
        add(bare, weight * 0.98)
        for part in re.split(r"[（）()・、，,/／]", text):
            add(part, weight * 0.9)
    return tuple(Term(text, weight) for text, weight in best.items())


def score_term(query: str, query_words: Sequence[str], term: str) -> float:
    """How well a folded query matches one folded term: 0 for not at all, 100 for the same text."""
    if not query or not term:
        return 0.0
    if term == query:
        return 100.0
    if term.startswith(query):
        return 70.0 + 20.0 * len(query) / len(term)
    if query in term:
        return 50.0 + 20.0 * len(query) / len(term)
    if (len(term) >= 2 or _IDEOGRAPH.match(term)) and term in query and _whole_words(term, query_words):
        return 40.0 * len(term) / len(query)  # "old batteries" still finds "battery"; 古い電池 finds 電池
    if len(query_words) > 1:
        found = sum(1 for word in query_words if len(word) > 1 and word in term)
        return 35.0 * found / len(query_words)
    return 0.0


def _whole_words(term: str, query_words: Sequence[str]) -> bool:
    """A term inside a longer query counts only as whole words where words are spaced (bat is not in battery)."""
    if not term[0].isascii():
        return True  # Japanese and Chinese have no spaces: any part may be a word
    return any(term == "".join(query_words[start:end])
               for start in range(len(query_words)) for end in range(start + 1, len(query_words) + 1))


def rank(query: str, entries: Iterable[Entry]) -> list[tuple[Entry, float]]:
    """Entries that match, best first; ties go to the earlier item in the ward's file."""
    words = fold_words(query[:MAX_QUERY])
    folded = "".join(words)
    if not folded:
        return []
    scored = []
    for entry in entries:
        score = max((score_term(folded, words, term.text) * term.weight for term in entry.terms), default=0.0)
        if score >= 10.0:
            scored.append((entry, score))
    scored.sort(key=lambda pair: (-pair[1], pair[0].position))
    return scored

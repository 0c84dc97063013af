"""'Did you mean': corrections for Latin-script words, from the words the index contains.

Japanese needs no corrector here: kana folding, the normalised form and bigrams already
catch ゴミ/ごみ, 引越/引っ越し and a wrong kanji. Latin misspellings (garbege, pensoin) do.

A symmetric-delete index (SymSpell's idea) finds candidates with a few dictionary lookups
instead of comparing a word with the whole vocabulary, so it stays fast on any input.
"""
from __future__ import annotations

from collections import defaultdict

MIN_WORD_LENGTH = 4  # shorter words have too many neighbours to guess from


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap counts as one edit), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def allowed_distance(word: str) -> int:
    return 1 if len(word) <= 5 else 2


class SpellingCorrector:
    """Knows the vocabulary ({word: number of documents}) and suggests the likeliest neighbour."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        self.vocabulary = vocabulary
        self._by_delete: dict[str, list[str]] = defaultdict(list)
        for word in vocabulary:
            if len(word) >= MIN_WORD_LENGTH - 1:
                for variant in _deletes(word) | {word}:
                    self._by_delete[variant].append(word)

    def knows(self, word: str) -> bool:
        return word in self.vocabulary

    def correct(self, word: str) -> str | None:
        """The closest known word (fewest edits, then most documents), or None."""
        if len(word) < MIN_WORD_LENGTH or word in self.vocabulary or len(word) > 40:
            return None
        limit = allowed_distance(word)
        variants = {word} | _deletes(word)
        if limit > 1:
            variants |= {second for first in _deletes(word) for second in _deletes(first)}
        candidates = {c for variant in variants for c in self._by_delete.get(variant, ())}
        best: tuple[int, int, str] | None = None
        for candidate in candidates:
            distance = edit_distance(word, candidate, limit)
            if distance <= limit:
                key = (distance, -self.vocabulary[candidate], candidate)
                if best is None or key < best:
                    best = key
        return best[2] if best else None

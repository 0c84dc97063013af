"""'Did you mean': corrections from the index's own words."""
from __future__ import annotations

from shinjuku_pwa.search.spelling import SpellingCorrector, edit_distance

VOCABULARY = {"garbage": 12, "pension": 8, "passport": 1, "insurance": 9, "recycling": 4, "card": 20}


def test_a_single_typo_is_corrected():
    corrector = SpellingCorrector(VOCABULARY)
    assert corrector.correct("garbege") == "garbage"
    assert corrector.correct("pensoin") == "pension"


def test_two_typos_in_a_long_word_are_corrected():
    assert SpellingCorrector(VOCABULARY).correct("insurrence") == "insurance"


def test_known_short_and_hopeless_words_are_left_alone():
    corrector = SpellingCorrector(VOCABULARY)
    assert corrector.correct("garbage") is None
    assert corrector.correct("car") is None
    assert corrector.correct("xylophone") is None


def test_a_swap_of_two_letters_counts_as_one_edit():
    assert edit_distance("recyclign", "recycling", 2) == 1

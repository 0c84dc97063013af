"""Synonyms and best bets: validated like content, reported as path:line: message."""
from __future__ import annotations

import pytest

from shinjuku_pwa.core.config import PROJECT_ROOT
from shinjuku_pwa.search.curation import CurationInvalid, load_curation


def write(root, name, text):
    path = root / "search" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def errors_of(root, known=None) -> list[str]:
    with pytest.raises(CurationInvalid) as caught:
        load_curation(root, known)
    return caught.value.errors


def test_the_bundled_synonyms_and_best_bets_are_valid():
    curation = load_curation(PROJECT_ROOT / "content")
    assert curation.synonyms and curation.best_bets


def test_a_two_way_group_lets_every_word_find_the_others(tmp_path):
    write(tmp_path, "synonyms.yaml", "- kind: resident-words\n  words: [粗大ごみ, 大型ごみ]\n")
    rules = {rule.when: rule.add for rule in load_curation(tmp_path).synonyms}
    assert rules == {("粗大", "ごみ"): (("大型", "ごみ"),), ("大型", "ごみ"): (("粗大", "ごみ"),)}


def test_a_one_way_rule_only_goes_one_way(tmp_path):
    write(tmp_path, "synonyms.yaml", "- kind: misspellings\n  from: [garbege]\n  to: [garbage]\n")
    rules = load_curation(tmp_path).synonyms
    assert [(r.when, r.add) for r in rules] == [(("garbeg",), (("garbag",),))]


def test_bad_entries_are_reported_with_their_line(tmp_path):
    write(tmp_path, "synonyms.yaml", (
        "- kind: resident-words\n  words: [ごみ, ゴミ]\n"
        "- kind: feelings\n  words: [a, b]\n"
        "- kind: misspellings\n  words: [x, y]\n  to: [z]\n"
    ))
    errors = errors_of(tmp_path)
    assert errors[0].startswith("content/search/synonyms.yaml:3: kind:")
    assert errors[1].startswith("content/search/synonyms.yaml:5: ")


def test_a_best_bet_must_name_a_published_item(tmp_path):
    write(tmp_path, "best-bets.yaml", "- queries: [ごみ]\n  page: garbage-sorting\n- queries: [税]\n  page: no-such-page\n")
    assert errors_of(tmp_path, known={("page", "garbage-sorting")}) == [
        "content/search/best-bets.yaml:3: page 'no-such-page' is not published"
    ]


def test_a_phrase_with_no_searchable_words_is_an_error(tmp_path):
    write(tmp_path, "best-bets.yaml", "- queries: ['***']\n  page: garbage-sorting\n")
    assert errors_of(tmp_path) == ["content/search/best-bets.yaml:1: '***' has no searchable words"]


def test_broken_yaml_is_reported_with_its_line(tmp_path):
    write(tmp_path, "synonyms.yaml", "- kind: resident-words\n  words: [ごみ\n")
    assert errors_of(tmp_path)[0].startswith("content/search/synonyms.yaml:")


def test_missing_files_mean_no_curation(tmp_path):
    curation = load_curation(tmp_path)
    assert curation.synonyms == [] and curation.best_bets == []

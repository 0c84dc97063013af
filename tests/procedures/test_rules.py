"""The rule evaluator: three-valued (Kleene) logic over plain-data conditions."""
from __future__ import annotations

import pytest

from shinjuku_pwa.procedures.rules import NOT_SURE, evaluate, leaves, questions_in

YES = {"question": "a", "equals": True}
NO_B = {"question": "b", "equals": False}


@pytest.mark.parametrize(
    ("condition", "answers", "value", "deciding"),
    [
        (None, {}, True, set()),
        (YES, {"a": True}, True, set()),
        (YES, {"a": False}, False, set()),
        (YES, {}, None, {"a"}),
        (YES, {"a": NOT_SURE}, None, {"a"}),
        ({"question": "c", "in": ["x", "y"]}, {"c": "y"}, True, set()),
        ({"question": "c", "in": ["x", "y"]}, {"c": "z"}, False, set()),
        ({"question": "c", "in": ["x"]}, {"c": NOT_SURE}, None, {"c"}),
        ({"all": [YES, NO_B]}, {"a": True, "b": False}, True, set()),
        ({"all": [YES, NO_B]}, {"a": False}, False, set()),  # one false decides, whatever b is
        ({"all": [YES, NO_B]}, {"a": True}, None, {"b"}),
        ({"all": [YES, NO_B]}, {}, None, {"a", "b"}),
        ({"any": [YES, NO_B]}, {"a": True}, True, set()),  # one true decides
        ({"any": [YES, NO_B]}, {"a": False, "b": True}, False, set()),
        ({"any": [YES, NO_B]}, {"a": False}, None, {"b"}),
        ({"not": YES}, {"a": True}, False, set()),
        ({"not": YES}, {"a": False}, True, set()),
        ({"not": YES}, {}, None, {"a"}),
        ({"not": {"any": [YES, NO_B]}}, {"a": False, "b": NOT_SURE}, None, {"b"}),
    ],
)
def test_conditions_evaluate_to_true_false_or_unknown_with_the_deciding_questions(condition, answers, value, deciding):
    verdict = evaluate(condition, answers)
    assert verdict.value is value
    assert set(verdict.deciding) == deciding


def test_a_comparison_on_a_question_hidden_by_show_if_is_false_not_unknown():
    guards = {"needs_nursery": {"question": "has_children", "equals": True}}
    needs = {"question": "needs_nursery", "equals": True}
    assert evaluate(needs, {"has_children": False}, guards).value is False
    assert evaluate(needs, {"has_children": True, "needs_nursery": True}, guards).value is True


def test_an_undecided_show_if_keeps_the_comparison_unknown_and_names_both_questions():
    guards = {"needs_nursery": {"question": "has_children", "equals": True}}
    verdict = evaluate({"question": "needs_nursery", "equals": True}, {}, guards)
    assert verdict.value is None and set(verdict.deciding) == {"has_children", "needs_nursery"}


def test_questions_and_comparisons_are_listed_in_the_order_written():
    condition = {"all": [YES, {"not": {"any": [NO_B, {"question": "c", "in": ["x"]}]}}]}
    assert questions_in(condition) == ["a", "b", "c"]
    assert [leaf["question"] for leaf in leaves(condition)] == ["a", "b", "c"]

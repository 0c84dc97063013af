"""A tiny three-valued evaluator for the conditions written in content/life-events/*.yaml.

Conditions are plain data, never code: `{all: [...]}`, `{any: [...]}`, `{not: ...}`,
`{question: id, equals: value}` and `{question: id, in: [values]}`. An answer that is
missing or "not sure" is unknown, and unknown propagates (Kleene logic), so a procedure
whose rule depends on it is never silently hidden: it becomes "may apply", together with
the questions that would decide it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

NOT_SURE = "not_sure"
COMBINATORS = ("all", "any", "not")
LEAF_OPERATORS = ("equals", "in")


@dataclass(frozen=True)
class Verdict:
    """True, False, or None for unknown; `deciding` names the unknown answers behind a None."""

    value: bool | None
    deciding: frozenset[str] = frozenset()

    @property
    def unknown(self) -> bool:
        return self.value is None


TRUE = Verdict(True)
FALSE = Verdict(False)


def all_of(verdicts: list[Verdict]) -> Verdict:
    if any(v.value is False for v in verdicts):
        return FALSE
    unknown = [v for v in verdicts if v.unknown]
    if unknown:
        return Verdict(None, frozenset().union(*(v.deciding for v in unknown)))
    return TRUE


def any_of(verdicts: list[Verdict]) -> Verdict:
    if any(v.value is True for v in verdicts):
        return TRUE
    unknown = [v for v in verdicts if v.unknown]
    if unknown:
        return Verdict(None, frozenset().union(*(v.deciding for v in unknown)))
    return FALSE


def negation(verdict: Verdict) -> Verdict:
    if verdict.unknown:
        return verdict
    return FALSE if verdict.value else TRUE


def evaluate(
    condition: Mapping[str, Any] | None,
    answers: Mapping[str, Any],
    guards: Mapping[str, Mapping[str, Any]] | None = None,
) -> Verdict:
    """Evaluate a condition against parsed answers; no condition means "always".

    `guards` maps a question to its `show_if`: a condition on a question that is not asked
    (its show_if is false) is false, so "needs a nursery" is false for a household the
    questionnaire never asked about nurseries.
    """
    if condition is None:
        return TRUE
    if "all" in condition:
        return all_of([evaluate(part, answers, guards) for part in condition["all"]])
    if "any" in condition:
        return any_of([evaluate(part, answers, guards) for part in condition["any"]])
    if "not" in condition:
        return negation(evaluate(condition["not"], answers, guards))
    question = condition["question"]
    verdict = _compare(question, condition, answers)
    guard = (guards or {}).get(question)
    if guard is not None:
        return all_of([evaluate(guard, answers, guards), verdict])
    return verdict


def _compare(question: str, condition: Mapping[str, Any], answers: Mapping[str, Any]) -> Verdict:
    answer = answers.get(question, NOT_SURE)
    if answer is None or answer == NOT_SURE:
        return Verdict(None, frozenset({question}))
    # The shared verdicts: a frozen dataclass sets each field through object.__setattr__, and a
    # checklist compares a few hundred answers.
    if "equals" in condition:
        return TRUE if answer == condition["equals"] else FALSE
    return TRUE if answer in condition["in"] else FALSE


def questions_in(condition: Mapping[str, Any] | None) -> list[str]:
    """Every question a condition refers to, in the order written (for validation)."""
    if condition is None:
        return []
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        return [q for part in condition[key] for q in questions_in(part)]
    if "not" in condition:
        return questions_in(condition["not"])
    return [condition["question"]]


def leaves(condition: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """Every `{question: ...}` comparison in a condition (for checking values against choices)."""
    if condition is None:
        return []
    for key in ("all", "any"):
        if key in condition:
            return [leaf for part in condition[key] for leaf in leaves(part)]
    if "not" in condition:
        return leaves(condition["not"])
    return [condition]

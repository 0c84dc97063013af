"""Life events, procedures and counters as plain frozen data for the pure functions.

They are built from the dictionaries the content schemas validated (and the database
stores as JSON), so the checklist can be computed and tested without Flask or a database.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .deadlines import DeadlineRule

DATE, YES_NO, CHOICE = "date", "yes_no", "choice"
QUESTION_TYPES = (DATE, YES_NO, CHOICE)

# Counter kinds, in the order a visit plan prefers them when two plans are equally short.
# ward_facility: another building of the ward (an annex, the health centre); external: another authority.
MAIN_OFFICE, WARD_FACILITY, BRANCH_OFFICE, EXTERNAL = "main_office", "ward_facility", "branch_office", "external"
COUNTER_KINDS = (MAIN_OFFICE, WARD_FACILITY, BRANCH_OFFICE, EXTERNAL)


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: Mapping[str, str]
    hint: Mapping[str, str] = field(default_factory=dict)
    choices: tuple[str, ...] = ()
    choice_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    allows_not_sure: bool = True
    optional: bool = False
    show_if: Mapping[str, Any] | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Question:
        choices = tuple(choice["value"] for choice in data.get("choices") or ())
        return cls(
            id=data["id"],
            type=data["type"],
            label=dict(data["label"]),
            hint=dict(data.get("hint") or {}),
            choices=choices,
            choice_labels={c["value"]: dict(c["label"]) for c in data.get("choices") or ()},
            allows_not_sure=data.get("not_sure", data["type"] != DATE),
            optional=data.get("optional", False),
            show_if=data.get("show_if"),
        )


@dataclass(frozen=True)
class Restriction:
    """Where a procedure can be done narrows to `counters` while `when` is true or unknown."""

    counters: tuple[str, ...]
    when: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ConditionalDeadline:
    rule: DeadlineRule
    when: Mapping[str, Any] | None = None


INHERIT, NO_DEADLINE, OVERRIDE = "inherit", "none", "override"


@dataclass(frozen=True)
class Rule:
    """One procedure of a life event and the answers that make it apply."""

    procedure: str
    when: Mapping[str, Any] | None = None
    deadline_mode: str = INHERIT
    deadlines: tuple[ConditionalDeadline, ...] = ()
    counters: tuple[str, ...] | None = None  # None: every counter that handles the procedure
    restrictions: tuple[Restriction, ...] = ()
    note: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        deadlines: tuple[ConditionalDeadline, ...]
        if "deadline" not in data:
            mode, deadlines = INHERIT, ()
        elif data["deadline"] is None:
            mode, deadlines = NO_DEADLINE, ()
        else:
            raw = data["deadline"] if isinstance(data["deadline"], list) else [data["deadline"]]
            mode = OVERRIDE
            deadlines = tuple(
                ConditionalDeadline(DeadlineRule.from_dict(item), item.get("when")) for item in raw
            )
        counters = data.get("counters")
        return cls(
            procedure=data["procedure"],
            when=data.get("when"),
            deadline_mode=mode,
            deadlines=deadlines,
            counters=tuple(counters) if counters is not None else None,
            restrictions=tuple(
                Restriction(tuple(r["counters"]), r.get("when")) for r in data.get("restrict") or ()
            ),
            note=dict(data.get("note") or {}),
        )


@dataclass(frozen=True)
class LifeEvent:
    id: str
    title: Mapping[str, str]
    summary: Mapping[str, str]
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    position: int = 0

    @classmethod
    def from_dict(cls, event_id: str, data: Mapping[str, Any]) -> LifeEvent:
        return cls(
            id=event_id,
            title=dict(data["title"]),
            summary=dict(data["summary"]),
            questions=tuple(Question.from_dict(q) for q in data["questions"]),
            rules=tuple(Rule.from_dict(r) for r in data["rules"]),
            position=data.get("position", 0),
        )

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @cached_property
    def guards(self) -> dict[str, Mapping[str, Any]]:
        """show_if of each question that has one: a comparison on a hidden question is false.

        Read several times a checklist, so made once per event (cached_property writes the
        instance's __dict__, past the frozen dataclass's __setattr__); read-only by convention."""
        return {q.id: q.show_if for q in self.questions if q.show_if is not None}

    @property
    def procedure_ids(self) -> list[str]:
        return list(dict.fromkeys(rule.procedure for rule in self.rules))


@dataclass(frozen=True)
class LeadTime:
    """A document (by its position in the documents list) that takes days to obtain."""

    document: int
    days: int


@dataclass(frozen=True)
class ProcedureFacts:
    """What the checklist needs to know about a procedure, whatever the language."""

    id: str
    deadline: DeadlineRule | None = None
    opens: DeadlineRule | None = None
    online_opens: DeadlineRule | None = None
    lead_times: tuple[LeadTime, ...] = ()

    @classmethod
    def from_dict(cls, procedure_id: str, data: Mapping[str, Any]) -> ProcedureFacts:
        def rule(key: str, kind: str | None = None) -> DeadlineRule | None:
            raw = data.get(key)
            if not raw:
                return None
            return DeadlineRule.from_dict({**raw, "kind": kind} if kind else raw)

        return cls(
            id=procedure_id,
            deadline=rule("deadline"),
            opens=rule("opens", "window_opens"),
            online_opens=rule("online_opens", "window_opens"),
            lead_times=tuple(LeadTime(item["document"], item["days"]) for item in data.get("lead_times") or ()),
        )


@dataclass(frozen=True)
class Counter:
    """A place a person travels to: the main office, another ward building, a branch office, another authority."""

    id: str
    kind: str
    position: int
    handles: frozenset[str]

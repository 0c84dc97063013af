"""Answers to a life event's questions → the procedures to do, where, and by when.

Pure: no Flask, no database, no clock. `today` (in Asia/Tokyo) is passed in by the caller
and only decides warnings; everything else depends on the answers alone, so a shared or
bookmarked checklist reads the same tomorrow.
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from . import deadlines as dl
from .definitions import INHERIT, NO_DEADLINE, Counter, LifeEvent, ProcedureFacts, Rule
from .rules import Verdict, evaluate

APPLIES = "applies"
MAY_APPLY = "may_apply"

# Warning codes, loudest first.
DEADLINE_PASSED = "deadline_passed"  # a legal deadline is behind us: do it now
CLAIM_LATE = "claim_late"  # a claim deadline passed: part of the benefit may be lost
DUE_TODAY = "due_today"  # the last day is today
LEAD_TIME = "lead_time"  # a document takes longer to get than the time left
NOT_OPEN_YET = "not_open_yet"  # cannot be done before a date
WARNING_ORDER = (DEADLINE_PASSED, CLAIM_LATE, DUE_TODAY, LEAD_TIME, NOT_OPEN_YET)
URGENT_WARNINGS = (DEADLINE_PASSED, CLAIM_LATE, DUE_TODAY)  # announced at once to screen readers

_FAR_FUTURE = dt.date.max
_FAR_PAST = dt.date.min


@dataclass(frozen=True)
class LeadTimeTrap:
    document: int
    takes_days: int
    days_left: int


@dataclass(frozen=True)
class Item:
    procedure_id: str
    status: str
    decided_by: tuple[str, ...]
    deadline: dt.date | None  # the due date, or for window_opens alone the first possible day
    deadline_kind: str | None
    deadline_rule: dl.DeadlineRule | None
    due: dt.date | None  # legal or claim deadline only
    opens: dt.date | None
    online_opens: dt.date | None
    counter_id: str | None = None
    also_at: tuple[str, ...] = ()
    note: Mapping[str, str] | None = None
    lead_time_traps: tuple[LeadTimeTrap, ...] = ()
    position: int = 0


@dataclass(frozen=True)
class Visit:
    """One trip to one counter; `alternatives` could take every item of the trip instead."""

    counter_id: str
    procedure_ids: tuple[str, ...]
    earliest_deadline: dt.date | None
    not_before: dt.date | None
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class Warning:
    code: str
    procedure_id: str
    date: dt.date | None = None
    deadline_kind: str | None = None
    document: int | None = None
    takes_days: int | None = None


@dataclass(frozen=True)
class Checklist:
    event_id: str
    items: tuple[Item, ...]
    visits: tuple[Visit, ...]
    elsewhere: tuple[str, ...]  # procedures done online, by mail or outside our counters
    warnings: tuple[Warning, ...]


def build_checklist(
    event: LifeEvent,
    answers: Mapping[str, Any],
    procedures: Mapping[str, ProcedureFacts],
    counters: Sequence[Counter],
    today: dt.date,
) -> Checklist:
    """Evaluate every rule of `event` against parsed answers (hidden questions already dropped)."""
    guards = event.guards
    question_order = {q.id: index for index, q in enumerate(event.questions)}
    items: dict[str, Item] = {}
    places: dict[str, list[Counter]] = {}
    for position, rule in enumerate(event.rules):
        verdict = evaluate(rule.when, answers, guards)
        if verdict.value is False:
            continue
        item = _item(rule, verdict, procedures[rule.procedure], answers, guards, question_order, today, position)
        allowed = _allowed_counters(rule, counters, answers, guards)
        if rule.procedure in items:
            item, allowed = _merge(items[rule.procedure], item, places[rule.procedure], allowed)
        items[rule.procedure] = item
        places[rule.procedure] = allowed
    visits, assigned, elsewhere = plan_visits(list(items.values()), places)
    placed = [
        _placed(item, assigned.get(item.procedure_id), tuple(
            c.id for c in places[item.procedure_id] if c.id != assigned.get(item.procedure_id)))
        for item in items.values()
    ]
    placed.sort(key=_item_order)
    return Checklist(
        event_id=event.id,
        items=tuple(placed),
        visits=tuple(visits),
        elsewhere=tuple(elsewhere),
        warnings=tuple(warnings_for(placed, today)),
    )


def _placed(item: Item, counter_id: str | None, also_at: tuple[str, ...]) -> Item:
    """The item at its counter, as dataclasses.replace would make it: a copy of its fields with two
    changed. Item has no __post_init__ to run, so the copy skips the frozen __init__, which sets its
    fourteen fields one by one through object.__setattr__ (every item of every checklist passes here)."""
    placed = object.__new__(Item)
    fields = placed.__dict__
    fields.update(item.__dict__)
    fields["counter_id"] = counter_id
    fields["also_at"] = also_at
    return placed


def _item(rule: Rule, verdict: Verdict, facts: ProcedureFacts, answers, guards, question_order, today, position) -> Item:
    deadline_rule = _deadline_rule(rule, facts, answers, guards)
    dated = rule.deadline_mode != NO_DEADLINE  # `deadline: null`: no dates from the procedure in this event
    due = dl.resolve(deadline_rule, answers)
    opens = dl.resolve(facts.opens, answers) if dated else None
    if deadline_rule is not None:
        deadline, kind = due, deadline_rule.kind
    elif dated and facts.opens is not None:
        deadline, kind = opens, dl.WINDOW_OPENS
    else:
        deadline, kind = None, None
    anchor_day = answers.get(deadline_rule.anchor) if deadline_rule else None
    return Item(
        procedure_id=rule.procedure,
        status=APPLIES if verdict.value else MAY_APPLY,
        decided_by=tuple(sorted(verdict.deciding, key=lambda q: question_order.get(q, len(question_order)))),
        deadline=deadline,
        deadline_kind=kind,
        deadline_rule=deadline_rule,
        due=due,
        opens=opens,
        online_opens=dl.resolve(facts.online_opens, answers) if dated else None,
        note=rule.note or None,
        lead_time_traps=_lead_time_traps(facts, due, anchor_day, today),
        position=position,
    )


def _deadline_rule(rule: Rule, facts: ProcedureFacts, answers, guards) -> dl.DeadlineRule | None:
    """The rule's own deadline (first true condition), else the procedure's default.

    When the conditions cannot be decided yet, the earliest candidate wins: warning a
    person too early is better than too late.
    """
    if rule.deadline_mode == INHERIT:
        return facts.deadline
    if rule.deadline_mode == NO_DEADLINE:
        return None
    undecided = []
    for option in rule.deadlines:
        verdict = evaluate(option.when, answers, guards)
        if verdict.value is True:
            return option.rule
        if verdict.unknown:
            undecided.append(option.rule)
    if not undecided:
        return facts.deadline
    return min(undecided, key=lambda r: dl.resolve(r, answers) or _FAR_FUTURE)


def _lead_time_traps(facts: ProcedureFacts, due: dt.date | None, anchor_day: Any, today: dt.date) -> tuple[LeadTimeTrap, ...]:
    if due is None or not facts.lead_times:
        return ()
    # A document can rarely be asked for before the event itself, so count from whichever is later.
    start = max(today, anchor_day) if isinstance(anchor_day, dt.date) else today
    days_left = (due - start).days
    return tuple(
        LeadTimeTrap(lead.document, lead.days, days_left) for lead in facts.lead_times if lead.days > days_left
    )


def _allowed_counters(rule: Rule, counters: Sequence[Counter], answers, guards) -> list[Counter]:
    allowed = [c for c in counters if rule.procedure in c.handles]
    if rule.counters is not None:
        allowed = [c for c in allowed if c.id in rule.counters]
    for restriction in rule.restrictions:
        # Unknown counts as true: never send someone to a counter that may turn them away.
        if evaluate(restriction.when, answers, guards).value is not False:
            allowed = [c for c in allowed if c.id in restriction.counters]
    return sorted(allowed, key=lambda c: c.position)


def _merge(first: Item, second: Item, first_places: Sequence[Counter],
           second_places: Sequence[Counter]) -> tuple[Item, list[Counter]]:
    """Two rules name the same procedure: keep the surer status and the earlier deadline."""
    decided_by: tuple[str, ...]
    if first.status == APPLIES or second.status == APPLIES:
        status, decided_by = APPLIES, ()
    else:
        status, decided_by = MAY_APPLY, tuple(dict.fromkeys(first.decided_by + second.decided_by))
    earlier = min((first, second), key=lambda i: i.due or _FAR_FUTURE)
    merged = replace(earlier, status=status, decided_by=decided_by, position=min(first.position, second.position))
    second_ids = {c.id for c in second_places}
    return merged, [c for c in first_places if c.id in second_ids]


def plan_visits(items: Sequence[Item], places: Mapping[str, Sequence[Counter]]) -> tuple[list[Visit], dict[str, str], list[str]]:
    """Group items into the fewest trips: the smallest set of counters that can do them all.

    Ties go to the plan whose counters come first (main office before branches). A counter
    is visited twice only when one item cannot be done before another one's deadline.
    Returns (visits ordered by earliest deadline, {procedure: counter}, procedures with no counter).
    """
    needing = [item for item in items if places.get(item.procedure_id)]
    elsewhere = [item.procedure_id for item in sorted(items, key=_item_order) if not places.get(item.procedure_id)]
    pool = sorted({c.id: c for item in needing for c in places[item.procedure_id]}.values(), key=lambda c: c.position)
    # Counters compared by id: a frozen dataclass compares every field, in the innermost loop.
    place_ids = {item.procedure_id: frozenset(c.id for c in places[item.procedure_id]) for item in needing}
    chosen = _smallest_cover(needing, place_ids, pool)
    assigned: dict[str, str] = {}
    by_counter: dict[str, list[Item]] = {}
    for item in needing:
        counter = next(c for c in chosen if c.id in place_ids[item.procedure_id])
        assigned[item.procedure_id] = counter.id
        by_counter.setdefault(counter.id, []).append(item)
    positions = {c.id: c.position for c in pool}
    visits = []
    for counter_id, counter_items in by_counter.items():
        for trip in _split_by_windows(counter_items):
            visits.append(
                Visit(
                    counter_id=counter_id,
                    procedure_ids=tuple(i.procedure_id for i in sorted(trip, key=_item_order)),
                    earliest_deadline=min((i.due for i in trip if i.due), default=None),
                    not_before=max((i.opens for i in trip if i.opens), default=None),
                    alternatives=_alternatives(trip, places, counter_id),
                )
            )
    visits.sort(key=lambda v: (v.earliest_deadline or _FAR_FUTURE, v.not_before or _FAR_PAST, positions[v.counter_id]))
    return visits, assigned, elsewhere


def _smallest_cover(items: Sequence[Item], place_ids: Mapping[str, frozenset[str]],
                    pool: Sequence[Counter]) -> tuple[Counter, ...]:
    # A handful of items and at most a dozen or so counters: trying every combination is instant
    # and, unlike a greedy choice, really finds the fewest trips. Each counter's items as the bits
    # of a number, so a combination covers them all when its numbers OR to every bit.
    everything = (1 << len(items)) - 1
    serves = [sum(1 << bit for bit, item in enumerate(items) if counter.id in place_ids[item.procedure_id])
              for counter in pool]
    for size in range(1, len(pool) + 1):
        for combination in itertools.combinations(range(len(pool)), size):
            covered = 0
            for index in combination:
                covered |= serves[index]
            if covered == everything:
                return tuple(pool[index] for index in combination)
    return ()


def _split_by_windows(items: Sequence[Item]) -> list[list[Item]]:
    """Trips to one counter: each on the earliest remaining deadline, taking all that is open by then."""
    remaining = sorted(items, key=lambda i: (i.due or _FAR_FUTURE, i.opens or _FAR_PAST))
    trips = []
    while remaining:
        day = remaining[0].due or _FAR_FUTURE
        trip = [i for i in remaining if (i.opens or _FAR_PAST) <= day]
        if not trip:  # opens after its own deadline: content error, still list it
            trip = [remaining[0]]
        trips.append(trip)
        # By procedure (one item each), not by `in`: that compares every field of frozen dataclasses.
        taken = {i.procedure_id for i in trip}
        remaining = [i for i in remaining if i.procedure_id not in taken]
    return trips


def _alternatives(trip: Sequence[Item], places, chosen_id: str) -> tuple[str, ...]:
    common = None
    for item in trip:
        ids = [c.id for c in places[item.procedure_id] if c.id != chosen_id]
        common = ids if common is None else [c for c in common if c in ids]
    return tuple(common or ())


def _item_order(item: Item) -> tuple[dt.date, bool, int]:
    return (item.due or item.opens or _FAR_FUTURE, item.status != APPLIES, item.position)


def warnings_for(items: Sequence[Item], today: dt.date) -> list[Warning]:
    """Dates relative to today: a deadline already past is a warning, never an error."""
    found = []
    for item in items:
        if item.due is not None and item.due < today:
            code = DEADLINE_PASSED if item.deadline_kind == dl.LEGAL else CLAIM_LATE
            found.append(Warning(code, item.procedure_id, item.due, item.deadline_kind))
        elif item.due is not None and item.due == today:
            found.append(Warning(DUE_TODAY, item.procedure_id, item.due, item.deadline_kind))
        if item.opens is not None and item.opens > today:
            found.append(Warning(NOT_OPEN_YET, item.procedure_id, item.opens, dl.WINDOW_OPENS))
        overdue = item.due is not None and item.due < today
        for trap in () if overdue else item.lead_time_traps:  # once overdue, "do it now" says it all
            found.append(
                Warning(LEAD_TIME, item.procedure_id, item.due, item.deadline_kind, trap.document, trap.takes_days)
            )
    found.sort(key=lambda w: (WARNING_ORDER.index(w.code), w.date or _FAR_FUTURE, w.procedure_id))
    return found

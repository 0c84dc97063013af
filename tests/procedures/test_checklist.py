"""The pure checklist: statuses, deadlines, visits and warnings from answers (no Flask, no database)."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from shinjuku_pwa.procedures.checklist import (
    APPLIES,
    CLAIM_LATE,
    DEADLINE_PASSED,
    DUE_TODAY,
    LEAD_TIME,
    MAY_APPLY,
    NOT_OPEN_YET,
    Item,
    _placed,
    build_checklist,
    plan_visits,
)
from shinjuku_pwa.procedures.rules import NOT_SURE
from tests.procedures.factory import counter, event, facts, question

D = dt.date
TODAY = D(2026, 4, 1)
YES = lambda qid: {"question": qid, "equals": True}  # noqa: E731


def test_an_unknown_answer_never_hides_a_procedure_it_makes_it_may_apply_with_the_deciding_question():
    ev = event([question("has_children")], [{"procedure": "child-allowance", "when": YES("has_children")}])
    checklist = build_checklist(ev, {"has_children": NOT_SURE}, {"child-allowance": facts("child-allowance")}, [], TODAY)
    [item] = checklist.items
    assert (item.status, item.decided_by) == (MAY_APPLY, ("has_children",))


def test_a_false_condition_leaves_the_procedure_out_and_a_true_one_makes_it_apply():
    ev = event([question("has_dog")], [{"procedure": "dog", "when": YES("has_dog")}])
    procedures = {"dog": facts("dog")}
    assert build_checklist(ev, {"has_dog": False}, procedures, [], TODAY).items == ()
    [item] = build_checklist(ev, {"has_dog": True}, procedures, [], TODAY).items
    assert (item.status, item.decided_by) == (APPLIES, ())


def test_decided_by_lists_the_unknown_questions_in_questionnaire_order():
    ev = event([question("a"), question("b"), question("c")],
               [{"procedure": "p", "when": {"all": [YES("c"), YES("a"), YES("b")]}}])
    [item] = build_checklist(ev, {"b": True}, {"p": facts("p")}, [], TODAY).items
    assert item.decided_by == ("a", "c")


def test_deadlines_are_computed_from_the_answered_date_with_their_kind():
    ev = event([question("move_date", "date")], [{"procedure": "p"}])
    procedures = {"p": facts("p", deadline={"kind": "legal", "days": 14, "after": "move_date"},
                             opens={"days": 0, "after": "move_date"})}
    [item] = build_checklist(ev, {"move_date": D(2026, 3, 25)}, procedures, [], TODAY).items
    assert (item.deadline, item.deadline_kind, item.opens) == (D(2026, 4, 8), "legal", D(2026, 3, 25))


def test_a_procedure_with_only_an_opening_date_reports_it_as_window_opens():
    ev = event([question("move_date", "date")], [{"procedure": "p"}])
    procedures = {"p": facts("p", opens={"days": 30, "before": "move_date"})}
    [item] = build_checklist(ev, {"move_date": D(2026, 5, 31)}, procedures, [], TODAY).items
    assert (item.deadline, item.deadline_kind, item.due) == (D(2026, 5, 1), "window_opens", None)


def test_a_rule_can_override_the_procedure_deadline_or_drop_it():
    ev = event([question("birth_date", "date"), question("move_date", "date")], [
        {"procedure": "allowance", "deadline": {"kind": "claim", "days": 15, "after": "birth_date"}},
        {"procedure": "insurance", "deadline": None},
    ])
    procedures = {"allowance": facts("allowance", deadline={"kind": "claim", "days": 15, "after": "move_date"}),
                  "insurance": facts("insurance", deadline={"kind": "legal", "days": 14, "after": "move_date"},
                                     opens={"days": 0, "after": "move_date"})}
    answers = {"birth_date": D(2026, 3, 31), "move_date": D(2026, 1, 1)}
    items = {i.procedure_id: i for i in build_checklist(ev, answers, procedures, [], TODAY).items}
    assert items["allowance"].deadline == D(2026, 4, 15)
    assert (items["insurance"].deadline, items["insurance"].opens, items["insurance"].deadline_kind) == (None, None, None)


def test_conditional_deadlines_take_the_true_one_and_the_earliest_while_undecided():
    ev = event([question("death_date", "date"), question("died_abroad")], [{"procedure": "death", "deadline": [
        {"when": {"question": "died_abroad", "equals": False}, "kind": "legal", "days": 7, "after": "death_date", "counting": "same_day"},
        {"when": YES("died_abroad"), "kind": "legal", "months": 3, "after": "death_date", "counting": "same_day"},
    ]}])
    procedures = {"death": facts("death")}
    deadline = lambda abroad: build_checklist(  # noqa: E731
        ev, {"death_date": D(2026, 1, 31), "died_abroad": abroad}, procedures, [], TODAY).items[0].deadline
    assert deadline(False) == D(2026, 2, 6)
    assert deadline(True) == D(2026, 4, 30)
    assert deadline(NOT_SURE) == D(2026, 2, 6)


def test_visits_use_the_fewest_counters_and_prefer_the_main_office_on_a_tie():
    ev = event([], [{"procedure": p} for p in ("a", "b", "c")])
    procedures = {p: facts(p) for p in "abc"}
    counters = [counter("main", 0, "a", "b", kind="main_office"), counter("annex", 1, "c", kind="ward_facility"),
                counter("branch", 10, "a", "b", "c")]
    checklist = build_checklist(ev, {}, procedures, counters, TODAY)
    assert [(v.counter_id, v.procedure_ids) for v in checklist.visits] == [("branch", ("a", "b", "c"))]
    counters[1] = counter("annex", 1, "a", "b", "c", kind="ward_facility")
    checklist = build_checklist(ev, {}, procedures, counters, TODAY)
    assert [(v.counter_id, v.alternatives) for v in checklist.visits] == [("annex", ("branch",))]


def test_the_visit_plan_finds_the_true_minimum_where_a_greedy_choice_would_not():
    # Greedy takes "wide" (3 items) and then needs two more; "left" + "right" cover all six.
    items_of = {"left": "abc", "right": "def", "wide": "bce"}
    counters = [counter(cid, pos, *items_of[cid]) for pos, cid in enumerate(("wide", "left", "right"))]
    ev = event([], [{"procedure": p} for p in "abcdef"])
    checklist = build_checklist(ev, {}, {p: facts(p) for p in "abcdef"}, counters, TODAY)
    assert sorted(v.counter_id for v in checklist.visits) == ["left", "right"]


def test_visits_are_ordered_by_their_earliest_deadline():
    ev = event([question("move_date", "date")], [{"procedure": "late"}, {"procedure": "soon"}, {"procedure": "none"}])
    procedures = {"late": facts("late", deadline={"kind": "legal", "days": 30, "after": "move_date"}),
                  "soon": facts("soon", deadline={"kind": "legal", "days": 7, "after": "move_date"}),
                  "none": facts("none")}
    counters = [counter("x", 0, "late"), counter("y", 1, "soon"), counter("z", 2, "none")]
    checklist = build_checklist(ev, {"move_date": D(2026, 4, 1)}, procedures, counters, TODAY)
    assert [v.counter_id for v in checklist.visits] == ["y", "x", "z"]
    assert [v.earliest_deadline for v in checklist.visits] == [D(2026, 4, 8), D(2026, 5, 1), None]


def test_a_counter_is_visited_twice_only_when_one_item_opens_after_another_is_due():
    ev = event([question("d", "date")], [{"procedure": "early"}, {"procedure": "later"}])
    procedures = {"early": facts("early", deadline={"kind": "legal", "days": 3, "after": "d"}),
                  "later": facts("later", opens={"days": 10, "after": "d"})}
    checklist = build_checklist(ev, {"d": D(2026, 4, 1)}, procedures, [counter("main", 0, "early", "later")], TODAY)
    assert [(v.procedure_ids, v.not_before) for v in checklist.visits] == [(("early",), None), (("later",), D(2026, 4, 11))]


def test_an_undecided_restriction_never_sends_someone_to_a_counter_that_may_refuse_them():
    ev = event([question("from_abroad")], [
        {"procedure": "p", "restrict": [{"when": YES("from_abroad"), "counters": ["main"]}]}])
    counters = [counter("main", 0, "p", kind="main_office"), counter("branch", 10, "p")]
    for answer, expected in ((False, ("main", ("branch",))), (True, ("main", ())), (NOT_SURE, ("main", ()))):
        [item] = build_checklist(ev, {"from_abroad": answer}, {"p": facts("p")}, counters, TODAY).items
        assert (item.counter_id, item.also_at) == expected


def test_a_rule_without_counters_puts_the_item_outside_the_visits():
    ev = event([], [{"procedure": "p", "counters": [], "note": {"en": "At your new city"}}])
    checklist = build_checklist(ev, {}, {"p": facts("p")}, [counter("main", 0, "p")], TODAY)
    assert checklist.visits == () and checklist.elsewhere == ("p",)
    assert checklist.items[0].note == {"en": "At your new city"}


def test_two_rules_for_one_procedure_merge_into_the_surer_item():
    ev = event([question("a"), question("b")], [{"procedure": "p", "when": YES("a")}, {"procedure": "p", "when": YES("b")}])
    [item] = build_checklist(ev, {"a": NOT_SURE, "b": True}, {"p": facts("p")}, [], TODAY).items
    assert (item.status, item.decided_by) == (APPLIES, ())
    [item] = build_checklist(ev, {"a": NOT_SURE, "b": NOT_SURE}, {"p": facts("p")}, [], TODAY).items
    assert (item.status, item.decided_by) == (MAY_APPLY, ("a", "b"))


def test_a_past_deadline_is_a_warning_loud_for_legal_duties_and_for_lost_claims():
    ev = event([question("move_date", "date")], [{"procedure": "duty"}, {"procedure": "benefit"}, {"procedure": "fine"}])
    procedures = {"duty": facts("duty", deadline={"kind": "legal", "days": 14, "after": "move_date"}),
                  "benefit": facts("benefit", deadline={"kind": "claim", "days": 15, "after": "move_date"}),
                  "fine": facts("fine", deadline={"kind": "legal", "days": 90, "after": "move_date"})}
    warnings = build_checklist(ev, {"move_date": D(2026, 3, 1)}, procedures, [], TODAY).warnings
    assert [(w.code, w.procedure_id, w.date) for w in warnings] == [
        (DEADLINE_PASSED, "duty", D(2026, 3, 15)), (CLAIM_LATE, "benefit", D(2026, 3, 16))]


def test_a_deadline_on_today_is_not_yet_past_but_said_to_be_the_last_day():
    ev = event([question("move_date", "date")], [{"procedure": "p"}])
    procedures = {"p": facts("p", deadline={"kind": "legal", "days": 14, "after": "move_date"},
                             opens={"days": 0, "after": "move_date"})}
    [warning] = build_checklist(ev, {"move_date": D(2026, 3, 18)}, procedures, [], TODAY).warnings
    assert (warning.code, warning.date) == (DUE_TODAY, TODAY)
    assert build_checklist(ev, {"move_date": D(2026, 3, 19)}, procedures, [], TODAY).warnings == ()


def test_a_future_opening_is_announced():
    ev = event([question("move_date", "date")], [{"procedure": "p"}])
    procedures = {"p": facts("p", deadline={"kind": "legal", "days": 14, "after": "move_date"},
                             opens={"days": 0, "after": "move_date"})}
    [warning] = build_checklist(ev, {"move_date": D(2026, 4, 10)}, procedures, [], TODAY).warnings
    assert (warning.code, warning.date) == (NOT_OPEN_YET, D(2026, 4, 10))


def test_a_document_that_takes_longer_than_the_time_left_is_a_lead_time_trap():
    ev = event([question("d", "date")], [{"procedure": "p"}])
    procedures = {"p": facts("p", deadline={"kind": "legal", "days": 14, "after": "d"},
                             lead_times=[{"document": 1, "days": 20}, {"document": 0, "days": 3}])}
    checklist = build_checklist(ev, {"d": D(2026, 4, 1)}, procedures, [], TODAY)
    [trap] = checklist.items[0].lead_time_traps
    assert (trap.document, trap.takes_days, trap.days_left) == (1, 20, 14)
    assert [(w.code, w.document, w.takes_days) for w in checklist.warnings] == [(LEAD_TIME, 1, 20)]


def test_a_lead_time_trap_counts_from_the_event_when_it_is_still_ahead_and_is_quiet_once_overdue():
    ev = event([question("d", "date")], [{"procedure": "p"}])
    procedures = {"p": facts("p", deadline={"kind": "legal", "days": 14, "after": "d"}, lead_times=[{"document": 0, "days": 10}])}
    planning_ahead = build_checklist(ev, {"d": D(2026, 6, 1)}, procedures, [], TODAY)
    assert planning_ahead.items[0].lead_time_traps == ()  # 14 days from the event are enough
    overdue = build_checklist(ev, {"d": D(2026, 1, 1)}, procedures, [], TODAY)
    assert [w.code for w in overdue.warnings] == [DEADLINE_PASSED]


def test_items_are_listed_by_date_with_undated_ones_last():
    ev = event([question("d", "date")], [{"procedure": "undated"}, {"procedure": "late"}, {"procedure": "soon"}])
    procedures = {"undated": facts("undated"), "late": facts("late", deadline={"kind": "claim", "days": 20, "after": "d"}),
                  "soon": facts("soon", deadline={"kind": "legal", "days": 5, "after": "d"})}
    items = build_checklist(ev, {"d": D(2026, 4, 1)}, procedures, [], TODAY).items
    assert [i.procedure_id for i in items] == ["soon", "late", "undated"]


def test_planning_visits_for_nothing_is_no_visits():
    assert plan_visits([], {}) == ([], {}, [])


def test_an_item_placed_at_its_counter_is_the_frozen_copy_replace_would_make():
    item = Item("dog", MAY_APPLY, ("has_dog",), D(2026, 4, 15), "legal", None, D(2026, 4, 15), None, None,
                note={"en": "note"}, position=3)
    placed = _placed(item, "main", ("branch-a",))
    assert placed == dataclasses.replace(item, counter_id="main", also_at=("branch-a",))
    assert (item.counter_id, item.also_at) == (None, ())  # the original is untouched
    with pytest.raises(dataclasses.FrozenInstanceError):
        placed.status = APPLIES  # type: ignore[misc]


def test_an_events_guards_are_worked_out_once_and_name_only_questions_with_a_condition():
    ev = event([question("has_dog"), question("dog_registered", show_if=YES("has_dog"))],
               [{"procedure": "dog", "when": YES("has_dog")}])
    assert ev.guards == {"dog_registered": YES("has_dog")}
    assert ev.guards is ev.guards

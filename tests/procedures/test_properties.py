"""Property: any answer set the schema accepts yields a checklist, for every life event we ship."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from shinjuku_pwa.procedures.checklist import APPLIES, MAY_APPLY, build_checklist
from shinjuku_pwa.procedures.definitions import CHOICE, DATE, YES_NO
from shinjuku_pwa.procedures.schemas import JSON, answers_schema
from tests.procedures.bundled import bundle, counters, life_event, procedure_facts

JUNK = st.sampled_from([None, 0, 1, "", "yes", "true", "2026-02-30", [], {}, "not_sure"])
DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)).map(dt.date.isoformat)


def answer_values(question):
    if question.type == YES_NO:
        valid = st.sampled_from([True, False, "not_sure"])
    elif question.type == CHOICE:
        valid = st.sampled_from([*question.choices, "not_sure"])
    else:
        assert question.type == DATE
        valid = DATES
    return st.one_of(valid, valid, valid, JUNK)  # mostly answers a person could give, sometimes junk


@st.composite
def answer_sets(draw, event):
    answers = {}
    for question in event.questions:
        if draw(st.integers(0, 9)) > 0:  # usually answered, sometimes left out
            answers[question.id] = draw(answer_values(question))
    if draw(st.integers(0, 19)) == 0:
        answers[draw(st.sampled_from(["unknown_question", "q", "move_date_2"]))] = True
    return answers


@pytest.mark.parametrize("event_id", sorted(bundle().life_events))
def test_any_accepted_answer_set_yields_a_checklist(event_id):
    event = life_event(event_id)
    procedures, places = procedure_facts(), counters()

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(answers=answer_sets(event), today=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)))
    def check(answers, today):
        try:
            parsed = answers_schema(event, JSON).load(answers)
        except ValidationError:
            return  # refused answers are the 422 tests' business
        checklist = build_checklist(event, parsed, procedures, places, today)
        ids = [item.procedure_id for item in checklist.items]
        assert len(ids) == len(set(ids)) and set(ids) <= set(event.procedure_ids)
        assert all(item.status in (APPLIES, MAY_APPLY) for item in checklist.items)
        assert all(item.status == APPLIES or item.decided_by for item in checklist.items)
        visited = [pid for visit in checklist.visits for pid in visit.procedure_ids]
        assert sorted(visited + list(checklist.elsewhere)) == sorted(ids)
        deadlines = [v.earliest_deadline for v in checklist.visits if v.earliest_deadline]
        assert deadlines == sorted(deadlines)
        assert {w.procedure_id for w in checklist.warnings} <= set(ids)

    check()

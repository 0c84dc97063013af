"""Reading answers: JSON and query-string encodings, not sure, show_if, and every refusal named by question."""
from __future__ import annotations

import datetime as dt

import pytest
from marshmallow import ValidationError

from shinjuku_pwa.procedures.rules import NOT_SURE
from shinjuku_pwa.procedures.schemas import JSON, QUERY, answers_schema, encode_answer, question_to_ask, visible_questions
from tests.procedures.factory import choices, event, question

EVENT = event(
    [question("move_date", "date"), question("has_children"), question("needs_nursery", show_if={"question": "has_children", "equals": True}),
     question("plan", "choice", choices=choices("stay", "leave")), question("note_later", optional=True),
     question("sure_only", not_sure=False)],
    [{"procedure": "p"}],
)
VALID_JSON = {"move_date": "2026-04-01", "has_children": False, "plan": "stay", "sure_only": True}


def load(data, encoding=JSON, complete=True):
    return answers_schema(EVENT, encoding, complete).load(data)


def refusal(data, encoding=JSON) -> dict:
    with pytest.raises(ValidationError) as caught:
        load(data, encoding)
    return {key: [str(m) for m in value] for key, value in caught.value.messages.items()}


def test_json_answers_are_typed_by_their_question():
    assert load({**VALID_JSON, "has_children": True, "needs_nursery": NOT_SURE}) == {
        "move_date": dt.date(2026, 4, 1), "has_children": True, "needs_nursery": NOT_SURE, "plan": "stay", "sure_only": True}


def test_query_string_answers_use_yes_and_no():
    data = {"move_date": "2026-04-01", "has_children": "yes", "needs_nursery": "no", "plan": "leave", "sure_only": "no"}
    assert load(data, QUERY) == {"move_date": dt.date(2026, 4, 1), "has_children": True, "needs_nursery": False,
                                 "plan": "leave", "sure_only": False}


def test_an_answer_to_a_hidden_question_is_ignored_even_if_ill_typed():
    assert "needs_nursery" not in load({**VALID_JSON, "needs_nursery": "banana"})


def test_an_optional_question_may_be_left_unanswered():
    assert "note_later" not in load(VALID_JSON)


@pytest.mark.parametrize(("data", "question", "message"), [
    ({k: v for k, v in VALID_JSON.items() if k != "move_date"}, "move_date", "Please answer this question."),
    ({**VALID_JSON, "has_children": True}, "needs_nursery", "Please answer this question."),  # shown by show_if
    ({**VALID_JSON, "surprise": True}, "surprise", "There is no such question."),
    ({**VALID_JSON, "has_children": "yes"}, "has_children", 'Answer true, false or "not_sure".'),
    ({**VALID_JSON, "has_children": 1}, "has_children", 'Answer true, false or "not_sure".'),
    ({**VALID_JSON, "move_date": "01/04/2026"}, "move_date", "Give a date as YYYY-MM-DD."),
    ({**VALID_JSON, "move_date": "2026-02-30"}, "move_date", "This date does not exist. Check the day and the month."),
    ({**VALID_JSON, "move_date": "1800-01-01"}, "move_date", "This date is out of range."),
    ({**VALID_JSON, "move_date": NOT_SURE}, "move_date", "This question needs an answer; not sure is not possible."),
    ({**VALID_JSON, "move_date": 20260401}, "move_date", "Give a date as YYYY-MM-DD."),
    ({**VALID_JSON, "plan": "elsewhere"}, "plan", "Choose one of the listed answers."),
    ({**VALID_JSON, "plan": ["stay"]}, "plan", "Choose one of the listed answers."),
    ({**VALID_JSON, "sure_only": NOT_SURE}, "sure_only", "This question needs an answer; not sure is not possible."),
])
def test_each_refusal_names_the_question(data, question, message):
    assert refusal(data) == {question: [message]}


def test_in_the_query_string_true_is_not_an_answer_and_blank_means_unanswered():
    data = {"move_date": "", "has_children": "true", "plan": "stay", "sure_only": "yes"}
    assert refusal(data, QUERY) == {"move_date": ["Please answer this question."], "has_children": ["Answer yes, no or not_sure."]}


def test_a_partial_load_accepts_missing_answers():
    assert load({"has_children": True}, complete=False) == {"has_children": True}


def test_answers_that_are_not_an_object_are_refused():
    with pytest.raises(ValidationError):
        load(["not", "a", "mapping"])


def test_visible_questions_follow_show_if_and_not_sure_keeps_a_question_visible():
    ids = lambda answers: [q.id for q in visible_questions(EVENT, answers)]  # noqa: E731
    assert "needs_nursery" not in ids({"has_children": False})
    assert "needs_nursery" in ids({"has_children": NOT_SURE})
    assert "needs_nursery" in ids({})


@pytest.mark.parametrize(("qid", "value", "encoding", "wire"), [
    ("has_children", True, QUERY, "yes"), ("has_children", False, JSON, False), ("move_date", dt.date(2026, 4, 1), QUERY, "2026-04-01"),
    ("plan", "leave", QUERY, "leave"), ("has_children", NOT_SURE, QUERY, NOT_SURE),
])
def test_answers_encode_back_to_their_wire_form(qid, value, encoding, wire):
    assert encode_answer(EVENT.question(qid), value, encoding) == wire


def test_the_next_question_is_the_first_unanswered_one_or_the_one_being_changed():
    answers = {"move_date": dt.date(2026, 4, 1), "has_children": False}
    assert question_to_ask(EVENT, answers, set(), set(answers)).id == "plan"
    assert question_to_ask(EVENT, answers, set(), set(answers), editing="move_date").id == "move_date"
    assert question_to_ask(EVENT, answers, set(), set(answers), editing="needs_nursery").id == "plan"  # hidden: not shown
    assert question_to_ask(EVENT, answers, {"move_date"}, set(answers)).id == "move_date"
    complete = {**answers, "plan": "stay", "sure_only": True}
    assert question_to_ask(EVENT, complete, set(), set(complete)).id == "note_later"
    assert question_to_ask(EVENT, complete, set(), set(complete) | {"note_later"}) is None

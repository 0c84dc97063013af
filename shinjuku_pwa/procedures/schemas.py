"""marshmallow schemas: what authors write (life events, procedures, counters) and what readers send.

Content schemas answer in English for authors (`path:line: message`); the answers schema
and the API arguments answer in the reader's language.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

from flask_babel import lazy_gettext
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from ..content.schemas import SLUG, TRANSLATION_KINDS
from ..core.api_fields import ApiSchema, ReaderLangField
from ..core.clock import tokyo_today
from ..core.i18n import LOCALE_CODES
from . import deadlines as dl
from .definitions import CHOICE, COUNTER_KINDS, DATE, QUESTION_TYPES, YES_NO, LifeEvent, Question
from .rules import COMBINATORS, NOT_SURE, evaluate, leaves, questions_in

QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# Query-string names the questionnaire itself uses; no question may take them.
RESERVED_QUESTION_IDS = frozenset({"q", "lang", "step", NOT_SURE})
MAX_CONDITION_DEPTH = 8
# Answers outside these years are typing mistakes, and keep the date arithmetic finite.
EARLIEST_ANSWER_DATE = dt.date(1900, 1, 1)
LATEST_ANSWER_DATE = dt.date(2199, 12, 31)

JSON, QUERY = "json", "query"  # the two encodings of answers


# ---------------------------------------------------------------- content: shared pieces

def _localized(locales: tuple[str, ...] = LOCALE_CODES, **kwargs) -> fields.Dict:
    """{locale: text}; every one of `locales` must be given (all nine unless said otherwise)."""

    def check(names: Mapping[str, str]) -> None:
        missing = [code for code in locales if not names.get(code)]
        if missing:
            raise ValidationError(f"missing locales: {', '.join(missing)}")

    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(LOCALE_CODES)),
        values=fields.String(validate=validate.Length(min=1, max=2000)),
        validate=check,
        **kwargs,
    )


class ConditionField(fields.Field[Any]):
    """A rule condition: {all|any: [conditions]}, {not: condition}, {question, equals|in}."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        check_condition(value)
        return value


def check_condition(value: Any, depth: int = 0) -> None:
    if depth > MAX_CONDITION_DEPTH:
        raise ValidationError(f"conditions nest deeper than {MAX_CONDITION_DEPTH} levels")
    if not isinstance(value, dict) or not value:
        raise ValidationError("a condition is a mapping: all, any, not, or question with equals or in")
    keys = set(value)
    if keys in ({"all"}, {"any"}):
        parts = next(iter(value.values()))
        if not isinstance(parts, list) or not parts:
            raise ValidationError(f"'{next(iter(keys))}' needs a non-empty list of conditions")
        for part in parts:
            check_condition(part, depth + 1)
    elif keys == {"not"}:
        check_condition(value["not"], depth + 1)
    elif keys in ({"question", "equals"}, {"question", "in"}):
        if not isinstance(value["question"], str) or not QUESTION_ID.match(value["question"]):
            raise ValidationError("'question' must be a question id")
        if "in" in value and (not isinstance(value["in"], list) or not value["in"]):
            raise ValidationError("'in' needs a non-empty list of values")
        compared = value["in"] if "in" in value else [value["equals"]]
        if any(not isinstance(item, (bool, str)) for item in compared):
            raise ValidationError("compare with yes/no (true/false) or a choice value")
    else:
        raise ValidationError(
            f"unknown condition keys {sorted(keys)}: use one of {', '.join(COMBINATORS)}, or question with equals or in"
        )


class _StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class PeriodSchema(_StrictSchema):
    """days or calendar months after (or before) the date answered to a question."""

    after = fields.String(validate=validate.Regexp(QUESTION_ID))
    before = fields.String(validate=validate.Regexp(QUESTION_ID))
    days = fields.Integer(validate=validate.Range(min=0, max=3660))
    months = fields.Integer(validate=validate.Range(min=1, max=120))
    counting = fields.String(validate=validate.OneOf(dl.COUNTINGS))

    @validates_schema
    def one_anchor_and_one_length(self, data, **kwargs) -> None:
        if ("after" in data) == ("before" in data):
            raise ValidationError("give exactly one of 'after' or 'before' (a date question)")
        if ("days" in data) == ("months" in data):
            raise ValidationError("give exactly one of 'days' or 'months'")


class DeadlineSchema(PeriodSchema):
    kind = fields.String(required=True, validate=validate.OneOf((dl.LEGAL, dl.CLAIM)))


class ConditionalDeadlineSchema(DeadlineSchema):
    when = ConditionField()


class RuleDeadlineField(fields.Field[Any]):
    """A rule's deadline: absent (the procedure's), null (none here), one rule, or conditional rules."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, list):
            if not value:
                raise ValidationError("an empty list: write null for no deadline")
            return ConditionalDeadlineSchema(many=True).load(value)
        return DeadlineSchema().load(value)


# ---------------------------------------------------------------- content: life events

class ChoiceSchema(_StrictSchema):
    value = fields.String(required=True, validate=validate.Regexp(QUESTION_ID))
    label = _localized(required=True)


class QuestionSchema(_StrictSchema):
    id = fields.String(required=True, validate=[
        validate.Regexp(QUESTION_ID, error="question ids are lower_case_with_underscores"),
        validate.NoneOf(RESERVED_QUESTION_IDS, error="this id is reserved by the questionnaire"),
    ])
    type = fields.String(required=True, validate=validate.OneOf(QUESTION_TYPES))
    label = _localized(required=True)
    hint = _localized()
    choices = fields.List(fields.Nested(ChoiceSchema), validate=validate.Length(min=2))
    not_sure = fields.Boolean()
    optional = fields.Boolean()
    show_if = ConditionField()

    @validates_schema
    def choices_belong_to_choice_questions(self, data, **kwargs) -> None:
        if data.get("type") == CHOICE and not data.get("choices"):
            raise ValidationError("a choice question needs choices")
        if data.get("type") != CHOICE and "choices" in data:
            raise ValidationError("only choice questions have choices")
        values = [c["value"] for c in data.get("choices") or ()]
        if len(set(values)) != len(values):
            raise ValidationError("a choice value is listed twice")
        if data.get("type") == DATE and data.get("not_sure"):
            raise ValidationError("date questions cannot be answered 'not sure': make the date required")


class RestrictionSchema(_StrictSchema):
    when = ConditionField()
    counters = fields.List(fields.String(validate=validate.Regexp(SLUG)), required=True)


class RuleSchema(_StrictSchema):
    procedure = fields.String(required=True, validate=validate.Regexp(SLUG))
    when = ConditionField()
    deadline = RuleDeadlineField(allow_none=True)
    counters = fields.List(fields.String(validate=validate.Regexp(SLUG)))
    restrict = fields.List(fields.Nested(RestrictionSchema))
    note = _localized()


class LifeEventSchema(_StrictSchema):
    position = fields.Integer(load_default=0)
    title = _localized(required=True)
    summary = _localized(required=True)
    questions = fields.List(fields.Nested(QuestionSchema), required=True, validate=validate.Length(min=1))
    rules = fields.List(fields.Nested(RuleSchema), required=True, validate=validate.Length(min=1))

    @validates_schema
    def references_are_consistent(self, data, **kwargs) -> None:
        problems = life_event_problems(data)
        if problems:
            raise ValidationError(problems)


def life_event_problems(data: Mapping[str, Any]) -> list[str]:
    """Everything about an event that refers to its own questions, checked at once."""
    problems: list[str] = []
    seen: dict[str, Mapping[str, Any]] = {}
    for question in data.get("questions", []):
        if question["id"] in seen:
            problems.append(f"question '{question['id']}' is defined twice")
        for name in questions_in(question.get("show_if")):
            if name not in seen:
                problems.append(f"show_if of '{question['id']}' refers to '{name}', which is not an earlier question")
        problems += _comparison_problems(question.get("show_if"), seen, f"show_if of '{question['id']}'")
        seen[question["id"]] = question
    for index, rule in enumerate(data.get("rules", [])):
        where = f"rule {index + 1} ({rule['procedure']})"
        conditions = [rule.get("when")] + [r.get("when") for r in rule.get("restrict") or ()]
        deadline = rule.get("deadline")
        for option in deadline if isinstance(deadline, list) else [deadline] if deadline else []:
            conditions.append(option.get("when"))
            problems += _anchor_problems(option, seen, where)
        for condition in conditions:
            problems += _comparison_problems(condition, seen, where)
    return problems


def _comparison_problems(condition, questions: Mapping[str, Mapping[str, Any]], where: str) -> list[str]:
    problems = []
    for leaf in leaves(condition):
        question = questions.get(leaf["question"])
        if question is None:
            problems.append(f"{where}: unknown question '{leaf['question']}'")
            continue
        values = leaf["in"] if "in" in leaf else [leaf["equals"]]
        if question["type"] == YES_NO and any(not isinstance(v, bool) for v in values):
            problems.append(f"{where}: '{question['id']}' is yes/no: compare with true or false")
        elif question["type"] == CHOICE:
            allowed = {c["value"] for c in question["choices"]}
            for value in values:
                if value not in allowed:
                    problems.append(f"{where}: '{value}' is not a choice of '{question['id']}'")
        elif question["type"] == DATE:
            problems.append(f"{where}: '{question['id']}' is a date and cannot be compared")
    return problems


def _anchor_problems(rule: Mapping[str, Any], questions: Mapping[str, Mapping[str, Any]], where: str) -> list[str]:
    anchor = rule.get("after") or rule.get("before")
    question = questions.get(anchor) if anchor is not None else None
    if question is None or question["type"] != DATE:
        return [f"{where}: deadline counts from '{anchor}', which is not a date question of this event"]
    return []


# ---------------------------------------------------------------- content: counters and procedures

TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS = "weekdays"  # Monday to Friday (平日)
PUBLIC_HOLIDAYS, YEAR_END = "public_holidays", "year_end"  # 祝休日; 年末年始 (the dates change every year)
CLOSURES = (PUBLIC_HOLIDAYS, YEAR_END)


class TimeField(fields.Field[str]):
    """"HH:MM" in quotes: unquoted, YAML reads 08:30 as the number 510 (base 60)."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError(f"write the time in quotes as \"HH:MM\" (got {value!r})")
        if not TIME.match(value):
            raise ValidationError(f"'{value}' is not a time of day as \"HH:MM\" (00:00 to 23:59)")
        return value


class DaysField(fields.Field[Any]):
    """`weekdays` (Monday to Friday) or a list of days: [tue], [sat, sun]."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if value == WEEKDAYS:
            return value
        if not isinstance(value, list) or not value or any(day not in DAYS for day in value) or len(set(value)) != len(value):
            raise ValidationError(f"'weekdays' or a list of different days from {', '.join(DAYS)} (got {value!r})")
        return sorted(value, key=DAYS.index)


class OpeningTimesSchema(_StrictSchema):
    """One line of opening hours: on these days, from `opens` to `closes`."""

    days = DaysField(required=True)
    week = fields.Integer(validate=validate.Range(min=1, max=5))  # the n-th such day of the month only
    opens = TimeField(required=True)
    closes = TimeField(required=True)
    # Days this line does not apply on, where the official page says so ("休日を除く毎週火曜日").
    not_on = fields.List(fields.String(validate=validate.OneOf(CLOSURES)), load_default=list)

    @validates_schema
    def closes_after_it_opens(self, data: Mapping[str, Any], **kwargs: Any) -> None:
        if data.get("opens") and data.get("closes") and data["closes"] <= data["opens"]:
            raise ValidationError(f"closes at {data['closes']}, not after it opens at {data['opens']}", "closes")
        if data.get("week") and (data.get("days") == WEEKDAYS or len(data.get("days") or ()) != 1):
            raise ValidationError("'week' (the n-th day of the month) goes with exactly one day, as [sun]", "week")


class HoursSchema(_StrictSchema):
    """When a counter takes procedures: as data, worded per language when shown (issue 16)."""

    # The procedures these hours are for (each handled by this counter); omitted: all it handles.
    procedures = fields.List(fields.String(validate=validate.Regexp(SLUG)), validate=validate.Length(min=1))
    times = fields.List(fields.Nested(OpeningTimesSchema), required=True, validate=validate.Length(min=1))
    closed = fields.List(fields.String(validate=validate.OneOf(CLOSURES)), load_default=list)  # closed all day
    source = fields.Url(required=True, schemes={"https", "http"})  # the official page these hours are from


class WindowSchema(_StrictSchema):
    """Where at a counter a procedure is done: floor and window as data; the section's name as its sign
    reads, in Japanese (shown with lang="ja"), with a gloss in the languages it has been translated into."""

    floor = fields.Integer(validate=validate.Range(min=-3, max=30))  # omitted: not confirmed; -1 is B1
    window = fields.Integer(validate=validate.Range(min=1, max=99))  # 窓口 number
    section = _localized(("ja",), required=True)
    who = _localized()  # whom this window is for, when a procedure has two ({locale: text}, all nine)
    book_by_phone = fields.Boolean(load_default=False)  # an appointment by phone first


class WindowsField(fields.Field[Any]):
    """A procedure's window(s) at a counter: null (nothing more precise known), one window, or a list."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if value is None:
            return None
        return WindowSchema(many=True).load(value if isinstance(value, list) else [value])


class CounterSchema(_StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(COUNTER_KINDS))
    position = fields.Integer(required=True, validate=validate.Range(min=0, max=1000))
    name = _localized(required=True)
    address = _localized(("ja", "en"))
    # procedure id -> its window(s) at this counter, or null when nothing more precise is known
    handles = fields.Dict(keys=fields.String(validate=validate.Regexp(SLUG)), values=WindowsField(allow_none=True),
                          required=True)
    hours = fields.List(fields.Nested(HoursSchema), load_default=list)  # omitted: not confirmed, nothing is shown
    note = _localized(("ja", "en"))
    source = fields.Url(required=True, schemes={"https", "http"})
    reviewed = fields.Date(required=True)

    @validates_schema
    def hours_are_for_what_it_handles(self, data: Mapping[str, Any], **kwargs: Any) -> None:
        handled = data.get("handles") or {}
        for block in data.get("hours") or ():
            unknown = [p for p in block.get("procedures") or () if p not in handled]
            if unknown:
                raise ValidationError(f"hours for {', '.join(unknown)}, which this counter does not handle", "hours")


class LeadTimeSchema(_StrictSchema):
    document = fields.Integer(required=True, validate=validate.Range(min=0))
    days = fields.Integer(required=True, validate=validate.Range(min=1, max=366))


class ProcedureTextSchema(_StrictSchema):
    """Front matter every locale file of a procedure has."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    summary = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    who = fields.String(load_default="", validate=validate.Length(max=1000))
    deadline_text = fields.String(load_default="", validate=validate.Length(max=300))
    documents = fields.List(fields.String(validate=validate.Length(min=1, max=300)), load_default=list)
    fee_note = fields.String(load_default="", validate=validate.Length(max=300))
    online_service = fields.String(load_default="", validate=validate.Length(max=200))
    where = fields.String(load_default="", validate=validate.Length(max=500))
    reviewed = fields.Date(required=True)
    source = fields.Url(required=True, schemes={"https", "http"})
    translation = fields.String(required=True, validate=validate.OneOf(TRANSLATION_KINDS))
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=60)), load_default=list)


PROCEDURE_LEVEL_KEYS = ("department", "deadline", "opens", "online_url", "online_opens", "fee", "lead_times", "guides")


class ProcedureFrontMatterSchema(ProcedureTextSchema):
    """ja.md also holds what is the same in every language: written once, never translated."""

    department = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(SLUG))
    deadline = fields.Nested(DeadlineSchema, load_default=None, allow_none=True)
    opens = fields.Nested(PeriodSchema, load_default=None, allow_none=True)
    online_url = fields.Url(load_default=None, allow_none=True, schemes={"https"})
    online_opens = fields.Nested(PeriodSchema, load_default=None, allow_none=True)
    fee = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))  # yen; omitted: unconfirmed
    lead_times = fields.List(fields.Nested(LeadTimeSchema), load_default=list)
    # Digital-skills guide pages (content/pages slugs) that help with this procedure.
    guides = fields.List(fields.String(validate=validate.Regexp(SLUG)), load_default=list)

    @validates_schema
    def online_parts_go_together(self, data, **kwargs) -> None:
        if data.get("online_opens") and not data.get("online_url"):
            raise ValidationError("online_opens needs online_url")


# ---------------------------------------------------------------- readers' answers

_MESSAGES = {
    "missing": lazy_gettext("Please answer this question."),
    "unknown": lazy_gettext("There is no such question."),
    "yes_no_json": lazy_gettext('Answer true, false or "not_sure".'),
    "yes_no_query": lazy_gettext("Answer yes, no or not_sure."),
    "date": lazy_gettext("Give a date as YYYY-MM-DD."),
    "date_range": lazy_gettext("This date is out of range."),
    "date_impossible": lazy_gettext("This date does not exist. Check the day and the month."),
    "date_too_far": lazy_gettext("This date is more than a year from today. Check the year."),
    "choice": lazy_gettext("Choose one of the listed answers."),
    "not_sure": lazy_gettext("This question needs an answer; not sure is not possible."),
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class AnswerField(fields.Field[bool | dt.date | str]):
    """One answer, typed by its question: yes/no, an ISO date, a choice, or "not_sure"."""

    def __init__(self, question: Question, encoding: str, today: dt.date | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.question = question
        self.encoding = encoding
        self.today = today  # None: Japan's today when the answer is read

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> bool | dt.date | str:
        question = self.question
        if value == NOT_SURE:
            if question.allows_not_sure:
                return NOT_SURE
            raise ValidationError([_MESSAGES["not_sure"]])
        if question.type == YES_NO:
            return self._yes_no(value)
        if question.type == DATE:
            return _date(value, self.today or tokyo_today())
        if isinstance(value, str) and value in question.choices:
            return value
        raise ValidationError([_MESSAGES["choice"]])

    def _yes_no(self, value) -> bool:
        if self.encoding == JSON:
            if isinstance(value, bool):
                return value
            raise ValidationError([_MESSAGES["yes_no_json"]])
        if value in ("yes", "no"):
            return value == "yes"
        raise ValidationError([_MESSAGES["yes_no_query"]])


def _date(value, today: dt.date) -> dt.date:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValidationError([_MESSAGES["date"]])
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:  # well formed but not in the calendar: 31 February, month 13
        raise ValidationError([_MESSAGES["date_impossible"]]) from exc
    if not EARLIEST_ANSWER_DATE <= day <= LATEST_ANSWER_DATE:
        raise ValidationError([_MESSAGES["date_range"]])
    if day > latest_sensible_date(today):
        raise ValidationError([_MESSAGES["date_too_far"]])
    return day


def latest_sensible_date(today: dt.date) -> dt.date:
    """A year from today: every date the questions ask for (a move, a birth, a marriage) is before it."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


# The question ids a load of answers was given (after hidden ones are dropped), for its own validation.
_GIVEN: ContextVar[set[str]] = ContextVar("answers_given")


@contextmanager
def _own_given() -> Iterator[None]:
    token = _GIVEN.set(set())
    try:
        yield
    finally:
        _GIVEN.reset(token)


class _AnswersBase(Schema):
    """Answers to one event's questions; built per event by `answers_schema`.

    Answers to questions that show_if hides are dropped before validation, so stale answers
    in a shared URL are ignored rather than refused. With `complete=True` every shown
    question that is not optional must be answered.
    """

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": _MESSAGES["unknown"], "type": lazy_gettext("Invalid input type.")}

    def __init__(self, *, event: LifeEvent, encoding: str, complete: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.event = event
        self.encoding = encoding
        self.complete = complete

    # What a load learns about the answers lives in the call's context, never on the instance: one
    # instance serves every thread and request (services.answers_schema_for).
    def load(self, data: Any, **kwargs: Any) -> Any:
        with _own_given():
            return super().load(data, **kwargs)

    def validate(self, data: Any, **kwargs: Any) -> Any:
        with _own_given():
            return super().validate(data, **kwargs)

    @pre_load
    def drop_hidden_answers(self, data: object, **kwargs: Any) -> object:
        if not isinstance(data, Mapping):
            return data  # marshmallow refuses it as an invalid input type
        if self.encoding == QUERY:
            data = {key: value for key, value in data.items() if value != ""}  # an empty field is no answer
        guards = self.event.guards
        known: dict[str, Any] = {}
        kept: dict[str, Any] = {}
        for question in self.event.questions:
            if evaluate(question.show_if, known, guards).value is False:
                continue
            if question.id in data:
                kept[question.id] = data[question.id]
                try:
                    known[question.id] = self.fields[question.id].deserialize(data[question.id])
                except ValidationError:
                    pass
        ids = {q.id for q in self.event.questions}
        kept.update({key: value for key, value in data.items() if key not in ids})
        _GIVEN.get().update(kept)
        return kept

    @validates_schema(skip_on_field_errors=False)
    def shown_questions_are_answered(self, data, **kwargs) -> None:
        if not self.complete:
            return
        given = _GIVEN.get()
        invalid = given - set(data)
        missing = {
            question.id: [_MESSAGES["missing"]]
            for question in visible_questions(self.event, data)
            if not question.optional and question.id not in given
            # A question shown only because an earlier answer was refused waits until that one is fixed.
            and not set(questions_in(question.show_if)) & invalid
        }
        if missing:
            raise ValidationError(missing)


def answers_schema(event: LifeEvent, encoding: str, complete: bool = True, today: dt.date | None = None) -> Schema:
    """`today` (default: Japan's today) bounds how far ahead a date may be."""
    return answers_schema_class(event, encoding, today)(event=event, encoding=encoding, complete=complete)


def answers_schema_class(event: LifeEvent, encoding: str, today: dt.date | None = None) -> type[_AnswersBase]:
    """The schema class of one event's answers: making it costs several times a load, and it holds no
    state of its own, so it can be kept (so can an instance: a load keeps its state in its context)."""
    fields_by_question: dict[str, fields.Field[Any]] = {q.id: AnswerField(q, encoding, today) for q in event.questions}
    # from_dict makes a subclass of _AnswersBase; marshmallow annotates it as type[Schema].
    return cast(type[_AnswersBase],
                _AnswersBase.from_dict(fields_by_question, name=f"{event.id.title().replace('-', '')}Answers"))


def visible_questions(event: LifeEvent, answers: Mapping[str, Any]) -> list[Question]:
    """The questions shown for these answers: show_if not (yet) false."""
    return [q for q in event.questions if evaluate(q.show_if, answers, event.guards).value is not False]


def question_to_ask(event: LifeEvent, answers: Mapping[str, Any], refused: set[str], asked: set[str],
                    editing: str | None = None) -> Question | None:
    """The question a one-question-per-screen form shows next, or None when the checklist is ready.

    The one being changed (`editing`) if it is shown, else the first shown question that has no valid
    answer yet. An optional question counts as answered once it was asked, even if left blank.
    """
    shown = visible_questions(event, answers)
    chosen = next((q for q in shown if q.id == editing), None)
    if chosen is not None:
        return chosen
    return next(
        (q for q in shown if q.id in refused or (q.id not in answers and not (q.optional and q.id in asked))), None
    )


def encode_answer(question: Question, value: Any, encoding: str) -> Any:
    """A parsed answer back to its wire form (for links, hidden form fields and JSON)."""
    if value == NOT_SURE:
        return NOT_SURE
    if question.type == YES_NO:
        return value if encoding == JSON else ("yes" if value else "no")
    if question.type == DATE:
        return value.isoformat()
    return value


# ---------------------------------------------------------------- API arguments and answers

class LangArgs(ApiSchema):
    lang = ReaderLangField()


class ChecklistArgs(ApiSchema):
    answers = fields.Dict(required=True, metadata={
        "description": 'Question id → answer: true/false for yes_no, "YYYY-MM-DD" for date, a choice value; '
                       'or "not_sure" where the question allows it.'
    })
    lang = ReaderLangField()


class DeadlineRuleSchema(Schema):
    kind = fields.String()
    after = fields.String()
    before = fields.String()
    days = fields.Integer()
    months = fields.Integer()
    counting = fields.String()


class WindowOutSchema(Schema):
    where = fields.String(allow_none=True, metadata={"description": "Floor (and window number) in the reader's language; "
                                                                   "null when the floor is not confirmed"})
    floor = fields.Integer(allow_none=True, metadata={"description": "1 is the ground floor, -1 the first basement"})
    window_number = fields.Integer(allow_none=True)
    section = fields.String(metadata={"description": "The section's name in Japanese, as its sign reads"})
    section_lang = fields.String(metadata={"description": "Always ja"})
    gloss = fields.String(allow_none=True, metadata={"description": "The section's name in the reader's language, "
                                                                    "only where the content translates it"})
    who = fields.String(allow_none=True, metadata={"description": "Whom this window is for, when a procedure has two"})
    book_by_phone = fields.String(allow_none=True, metadata={"description": "Set when an appointment by phone comes first"})


class OpeningTimesOutSchema(Schema):
    days = fields.Raw(metadata={"description": "\"weekdays\" (Monday to Friday) or a list of mon … sun"})
    week = fields.Integer(metadata={"description": "Only the n-th such day of the month"})
    opens = fields.String(metadata={"description": "HH:MM, Japan time"})
    closes = fields.String(metadata={"description": "HH:MM, Japan time"})
    not_on = fields.List(fields.String(), metadata={"description": "public_holidays, year_end"})


class HoursOutSchema(Schema):
    procedures = fields.List(fields.String(), metadata={"description": "The procedures asked about that these hours are for"})
    lines = fields.List(fields.String(), metadata={"description": "The hours worded in the reader's language, one line each"})
    times = fields.List(fields.Nested(OpeningTimesOutSchema))
    closed = fields.List(fields.String(), metadata={"description": "Closed all day on: public_holidays, year_end"})
    source = fields.String(metadata={"description": "The official page the hours are from"})


class CounterRefSchema(Schema):
    id = fields.String()
    kind = fields.String(metadata={"description": "main_office, ward_facility, branch_office or external"})
    name = fields.String()
    address = fields.String(allow_none=True, metadata={"description": "Null when not confirmed on an official page"})
    window = fields.String(allow_none=True, metadata={
        "description": "Floor and section for this procedure as one line (floor in the reader's language, section in "
                       "Japanese); `windows` has the parts. Since issue 16 no longer written wholly in English"})
    windows = fields.List(fields.Nested(WindowOutSchema), metadata={"description": "Where at this counter (added in issue 16)"})
    hours = fields.List(fields.Nested(HoursOutSchema), metadata={
        "description": "Opening hours from official pages, as data and worded; empty when none is confirmed (issue 16)"})
    note = fields.String(allow_none=True)


class ProcedureSummarySchema(Schema):
    id = fields.String()
    lang = fields.String(metadata={"description": "The language actually served"})
    fallback = fields.Boolean()
    translation = fields.String()
    title = fields.String()
    summary = fields.String()
    deadline = fields.Nested(DeadlineRuleSchema, allow_none=True)
    url = fields.String()


class OnlineSchema(Schema):
    service = fields.String()
    url = fields.String()


class DepartmentRefSchema(Schema):
    id = fields.String()
    name = fields.String()
    phone = fields.String(allow_none=True)


class ProcedureSchema(ProcedureSummarySchema):
    requested_lang = fields.String()
    who = fields.String()
    deadline_text = fields.String()
    opens = fields.Nested(DeadlineRuleSchema, allow_none=True)
    documents = fields.List(fields.Dict())
    fee = fields.Integer(allow_none=True, metadata={"description": "Yen; null when not confirmed (see source)"})
    fee_note = fields.String()
    online = fields.Nested(OnlineSchema, allow_none=True)
    where = fields.String()
    counters = fields.List(fields.Nested(CounterRefSchema))
    department = fields.Nested(DepartmentRefSchema, allow_none=True)
    body_html = fields.String()
    source = fields.String()
    reviewed = fields.Date()


class LifeEventSummarySchema(Schema):
    id = fields.String()
    title = fields.String()
    summary = fields.String()
    question_count = fields.Integer()
    url = fields.String()


class ChoiceOutSchema(Schema):
    value = fields.String()
    label = fields.String()


class QuestionOutSchema(Schema):
    id = fields.String()
    type = fields.String(metadata={"description": "date, yes_no or choice"})
    label = fields.String()
    hint = fields.String()
    allowed_values = fields.List(fields.Raw(), metadata={"description": "JSON values accepted"})
    choices = fields.List(fields.Nested(ChoiceOutSchema))
    not_sure = fields.Boolean()
    optional = fields.Boolean()
    show_if = fields.Dict(allow_none=True)
    format = fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD for date questions"})


class LifeEventOutSchema(LifeEventSummarySchema):
    lang = fields.String()
    questions = fields.List(fields.Nested(QuestionOutSchema))
    procedures = fields.List(fields.String())


class DocumentSchema(Schema):
    name = fields.String()
    lead_time_trap = fields.Boolean()
    takes_days = fields.Integer(allow_none=True)


class ChecklistItemSchema(Schema):
    procedure_id = fields.String()
    title = fields.String()
    summary = fields.String()
    lang = fields.String(metadata={"description": "The language of title and documents"})
    translation = fields.String(metadata={"description": "original, human or machine"})
    status = fields.String(metadata={"description": "applies or may_apply"})
    decided_by = fields.List(fields.String(), metadata={"description": "Questions still unknown that decide it"})
    deadline = fields.Date(allow_none=True)
    deadline_kind = fields.String(allow_none=True, metadata={"description": "legal, claim or window_opens"})
    deadline_rule = fields.Nested(DeadlineRuleSchema, allow_none=True)
    deadline_text = fields.String()
    opens = fields.Date(allow_none=True)
    online_opens = fields.Date(allow_none=True)
    counter = fields.Nested(CounterRefSchema, allow_none=True)
    also_at = fields.List(fields.String())
    documents = fields.List(fields.Nested(DocumentSchema))
    fee = fields.Integer(allow_none=True)
    fee_note = fields.String()
    online_url = fields.String(allow_none=True)
    online_service = fields.String()
    where = fields.String(metadata={"description": "Where it is done when no counter of ours does it"})
    note = fields.String(allow_none=True)
    url = fields.String()


class VisitSchema(Schema):
    counter = fields.Nested(CounterRefSchema)
    items = fields.List(fields.String(), metadata={"description": "procedure ids, in order"})
    earliest_deadline = fields.Date(allow_none=True)
    not_before = fields.Date(allow_none=True)
    alternatives = fields.List(fields.Nested(CounterRefSchema))


class WarningSchema(Schema):
    code = fields.String(metadata={"description": "deadline_passed, claim_late, due_today, lead_time or not_open_yet"})
    procedure_id = fields.String()
    date = fields.Date(allow_none=True)
    deadline_kind = fields.String(allow_none=True)
    document = fields.Integer(allow_none=True)
    takes_days = fields.Integer(allow_none=True)
    message = fields.String()


class ChecklistSchema(Schema):
    event = fields.String()
    lang = fields.String()
    today = fields.Date(metadata={"description": "Today in Asia/Tokyo, which the warnings are relative to"})
    items = fields.List(fields.Nested(ChecklistItemSchema))
    visits = fields.List(fields.Nested(VisitSchema))
    elsewhere = fields.List(fields.String(), metadata={"description": "Procedures with no counter visit"})
    warnings = fields.List(fields.Nested(WarningSchema))

"""Resident-facing HTML: procedure pages, life-event questionnaires, checklists and their .ics.

The questionnaire asks one question per screen with plain GET forms, so it works without
JavaScript; every answer so far rides in the query string and nowhere else. A checklist
URL can be bookmarked, shared or printed, and nothing about the person is stored here.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, make_response, render_template, request, url_for
from icalendar import Alarm, Calendar, Event
from marshmallow import ValidationError

from ..core.i18n import localized, request_gettext
from ..core.page_cache import not_page_cached_with_query
from ..core.templating import encode_query
from ..pages.queries import get_pages_by_slugs
from . import queries, services, wording
from .checklist import APPLIES, URGENT_WARNINGS
from .definitions import LifeEvent, Question
from .schemas import QUERY, encode_answer, question_to_ask, visible_questions

bp = Blueprint("procedures", __name__)

# All URL rules of the domain, at a glance.
URL_RULES = (
    ("/<locale:lang>/procedures", "procedure_list"),
    ("/<locale:lang>/procedures/<procedure_id>", "procedure"),
    ("/<locale:lang>/life-events", "life_events"),
    ("/<locale:lang>/life-events/<event_id>", "life_event"),
    ("/<locale:lang>/life-events/<event_id>/checklist.ics", "checklist_ics"),
)
EDIT_PARAM = "q"  # ?q=<question id>: show that question again to change the answer
STEP_PARAM = "step"  # the question the submitted form showed, to tell "not answered" from "not asked yet"


def procedure_list(lang: str) -> str:
    """Every procedure in the guide, A to Z in the reader's language."""
    return render_template("procedures/procedure_list.html", items=queries.list_procedures(lang))


def procedure(lang: str, procedure_id: str) -> Response:
    """One procedure: who, by when, where, what to bring, fee, online option and the official source."""
    item = queries.get_procedure(procedure_id, lang)
    response = make_response(render_template(
        "procedures/procedure.html", item=item, facts=item.procedure.facts,
        counters=services.counters_for(procedure_id, lang), documents=services.documents(item, {}),
        guides=get_pages_by_slugs(item.procedure.facts.get("guides", []), lang),
    ))
    response.last_modified = item.procedure.updated_at
    return response


def life_events(lang: str) -> str:
    """The life events: choose one to get a checklist."""
    return render_template("procedures/life_events.html", events=queries.list_life_events())


@not_page_cached_with_query  # answers ride in the query string (a question page with none is kept)
def life_event(lang: str, event_id: str) -> Response:
    """One question per screen until all are answered, then the checklist."""
    event = queries.get_life_event(event_id)
    raw = _answer_params(event)
    answers, errors = _load_partial(event, raw)
    shown = visible_questions(event, answers)
    current = question_to_ask(event, answers, set(errors), set(raw), request.args.get(EDIT_PARAM))
    kept = {q.id: encode_answer(q, answers[q.id], QUERY) for q in shown if q.id in answers}
    # An optional question left blank stays in the address as blank, so it is not asked again.
    kept.update({q.id: "" for q in shown if q.optional and q.id in raw and q.id not in answers and q.id not in errors})
    if current is not None:
        return _question_page(event, current, shown, kept, errors, raw)
    result = services.checklist_for(event, answers, lang, services.today_in_tokyo())
    return _checklist_page(event, shown, answers, kept, result)


def checklist_ics(lang: str, event_id: str) -> Response:
    """Each deadline of a complete checklist as an all-day calendar event."""
    event = queries.get_life_event(event_id)
    try:
        answers = services.answers_schema_for(event, QUERY).load(_answer_params(event))
    except ValidationError:
        abort(422)
    result = services.checklist_for(event, answers, lang, services.today_in_tokyo())
    payload = services.checklist_payload(result)
    body = _calendar(event, payload, lang)
    response = make_response(body)
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = f'attachment; filename="{event.id}-checklist.ics"'
    return _personal(response)


for _rule, _endpoint in URL_RULES:
    bp.add_url_rule(_rule, _endpoint, globals()[_endpoint])


@bp.app_template_global()
def life_events_menu() -> list[LifeEvent]:
    """Life events for other pages' menus (the home page lists them)."""
    return queries.list_life_events()


# ---------------------------------------------------------------- helpers

def _answer_params(event: LifeEvent) -> dict[str, str]:
    # Only question ids count as answers: tracking or other parameters are ignored.
    ids = {q.id for q in event.questions}
    return {key: value for key, value in request.args.items() if key in ids}


def _load_partial(event: LifeEvent, raw: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        return services.answers_schema_for(event, QUERY, complete=False).load(raw), {}
    except ValidationError as exc:
        errors = exc.messages if isinstance(exc.messages, dict) else {}
        return dict(exc.valid_data or {}), errors


def _question_page(event: LifeEvent, question: Question, shown: list[Question], kept: dict[str, Any],
                   errors: dict[str, Any], raw: dict[str, str]) -> Response:
    index = shown.index(question)
    previous = shown[index - 1] if index > 0 else None
    others = {key: value for key, value in kept.items() if key != question.id}
    error = errors.get(question.id)
    if error is None and request.args.get(STEP_PARAM) == question.id and not raw.get(question.id) and not question.optional:
        error = [wording.missing_answer_message(question)]  # submitted with nothing chosen or an empty date
    current_value = kept.get(question.id, raw.get(question.id, ""))
    back_url = (url_for(".life_event", event_id=event.id, **{**kept, EDIT_PARAM: previous.id})
                if previous else url_for(".life_events"))
    response = make_response(render_template(
        "procedures/question.html", event=event, question=question, number=index + 1, total=len(shown),
        others=others, error=error, current_value=current_value, back_url=back_url, step_param=STEP_PARAM,
        has_answers=bool(kept),
    ), 422 if errors.get(question.id) else 200)
    # The first screen, before any answer, is the same for everyone: shared caches may keep it.
    return _personal(response) if raw else response


@dataclass(frozen=True)
class AnswerLinks:
    """Addresses that carry every answer, from one encoding of them: a checklist links back to a
    question once per answer and once per question an item depends on."""

    path: str  # the questionnaire without answers (also "start again")
    answers: str  # the answers as a query string, encoded once

    def change(self, question_id: str) -> str:
        """The questionnaire showing this question again, every answer kept (as url_for would write it)."""
        edit = encode_query([(EDIT_PARAM, question_id)])
        return f"{self.path}?{self.answers}&{edit}" if self.answers else f"{self.path}?{edit}"

    def with_answers(self, path: str) -> str:
        return f"{path}?{self.answers}" if self.answers else path


def _checklist_page(event: LifeEvent, shown: list[Question], answers: dict[str, Any], kept: dict[str, Any],
                    result: services.ChecklistResult) -> Response:
    lang = result.locale
    payload = wording.with_warning_messages(services.checklist_payload(result))
    items = {item["procedure_id"]: item for item in payload["items"]}
    links = AnswerLinks(url_for(".life_event", event_id=event.id), encode_query(kept.items()))
    gettext = request_gettext()
    summary = [
        {"question_id": q.id, "answer": wording.answer_text(q, answers[q.id], lang, gettext), "change_url": links.change(q.id)}
        for q in shown if q.id in answers
    ]
    labels = {q.id: localized(q.label, lang) for q in event.questions}
    # Which documents take longer to get than the time left: the one part of a procedure's
    # documents that the answers decide, so the key of its kept fragment.
    document_traps = {pid: tuple(i for i, doc in enumerate(item["documents"]) if doc["lead_time_trap"])
                      for pid, item in items.items()}
    response = make_response(render_template(
        "procedures/checklist.html", event=event, payload=payload, items=items, summary=summary, labels=labels,
        links=links, document_traps=document_traps, applies=APPLIES, urgent_warning_codes=URGENT_WARNINGS,
        deadline_labels=wording.deadline_kind_labels(gettext),
        checklist_key=_checklist_key(event, answers),
        ics_url=links.with_answers(url_for(".checklist_ics", event_id=event.id)),
        restart_url=links.path,
    ))
    return _personal(response)


def _personal(response: Response) -> Response:
    """Answers ride in the address: such pages are never indexed nor kept by shared caches."""
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _checklist_key(event: LifeEvent, answers) -> str:
    # Ticks are kept per event and its dates: a new move starts a fresh list, a changed
    # yes/no answer keeps what was already done.
    dates = [answers[q.id].isoformat() for q in event.questions if q.type == "date" and q.id in answers]
    return ":".join([event.id, *dates])


def _calendar(event: LifeEvent, payload: dict, lang: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Shinjuku City Living Guide//life events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", localized(event.title, lang))
    stamp = dt.datetime.combine(payload["today"], dt.time(0, 0), tzinfo=dt.UTC)
    for item in payload["items"]:
        day = item["deadline"]
        if day is None:
            continue
        entry = Event()
        kind = wording.deadline_kind_label(item["deadline_kind"])
        entry.add("summary", f"{kind}: {item['title']}")
        entry.add("dtstart", day)
        entry.add("dtend", day + dt.timedelta(days=1))
        entry.add("dtstamp", stamp)
        entry.add("uid", _uid(event.id, item, day))
        link = url_for(".procedure", procedure_id=item["procedure_id"], _external=True)
        where = item["counter"]["name"] if item["counter"] else item["where"]
        entry.add("description", "\n".join(filter(None, [item["summary"], item["deadline_text"], where, link])))
        entry.add("url", link)
        if item["deadline_kind"] in ("legal", "claim"):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", entry["summary"])
            alarm.add("trigger", dt.timedelta(days=-3))
            entry.add_component(alarm)
        calendar.add_component(entry)
    return calendar.to_ical()


def _uid(event_id: str, item: dict, day: dt.date) -> str:
    # Stable across downloads, so importing the file twice updates rather than duplicates.
    digest = hashlib.sha256(f"{event_id}|{item['procedure_id']}|{item['deadline_kind']}|{day}".encode()).hexdigest()
    return f"{digest[:24]}@shinjuku-living-guide"

"""JSON API for procedures and life events: catalogue, questionnaires, checklists."""
from __future__ import annotations

from typing import Any

from flask import g, url_for
from flask_smorest import Blueprint, abort
from marshmallow import ValidationError

from ..core.i18n import localized
from . import queries, services, wording
from .definitions import CHOICE, DATE, YES_NO, LifeEvent
from .rules import NOT_SURE
from .schemas import (
    JSON,
    ChecklistArgs,
    ChecklistSchema,
    LangArgs,
    LifeEventOutSchema,
    LifeEventSummarySchema,
    ProcedureSchema,
    ProcedureSummarySchema,
)

blp = Blueprint("procedures-api", __name__, url_prefix="/api/v1", description="Procedures and life-event checklists")


@blp.route("/procedures")
@blp.arguments(LangArgs, location="query", as_kwargs=True)
@blp.response(200, ProcedureSummarySchema(many=True))
def list_procedures(lang: str) -> list[dict[str, Any]]:
    """Every procedure, in the reader's language where it exists (else easy Japanese, else Japanese)."""
    return [_procedure_summary(item) for item in queries.list_procedures(lang)]


@blp.route("/procedures/<procedure_id>")
@blp.arguments(LangArgs, location="query", as_kwargs=True)
@blp.response(200, ProcedureSchema)
@blp.alt_response(404, description="No published procedure with this id")
def get_procedure(procedure_id: str, lang: str) -> dict[str, Any]:
    """One procedure: who, deadline, where, documents, fee, online option, source."""
    item = queries.get_procedure(procedure_id, lang)
    facts = item.procedure.facts
    department = item.procedure.department
    return {
        **_procedure_summary(item),
        "requested_lang": lang,
        "who": item.text.who,
        "deadline_text": item.text.deadline_text,
        "opens": facts.get("opens"),
        "documents": services.documents(item, {}),
        "fee": facts.get("fee"),
        "fee_note": item.text.fee_note,
        "online": {"service": item.text.online_service, "url": facts["online_url"]} if facts.get("online_url") else None,
        "where": item.text.where_text,
        "counters": services.counters_for(procedure_id, lang),
        "department": {"id": department.id, "name": localized(department.names, lang), "phone": department.phone}
        if department else None,
        "body_html": item.text.body_html,
        "source": item.text.source,
        "reviewed": item.text.reviewed,
    }


@blp.route("/life-events")
@blp.arguments(LangArgs, location="query", as_kwargs=True)
@blp.response(200, LifeEventSummarySchema(many=True))
def list_life_events(lang: str) -> list[dict[str, Any]]:
    """The life events a checklist can be made for."""
    return [_event_summary(event, lang) for event in queries.list_life_events()]


@blp.route("/life-events/<event_id>")
@blp.arguments(LangArgs, location="query", as_kwargs=True)
@blp.response(200, LifeEventOutSchema)
@blp.alt_response(404, description="No such life event")
def get_life_event(event_id: str, lang: str) -> dict[str, Any]:
    """An event's questions (type, label, allowed JSON values, show_if), enough to build the questionnaire."""
    event = queries.get_life_event(event_id)
    return {
        **_event_summary(event, lang),
        "lang": lang,
        "questions": [_question(q, lang) for q in event.questions],
        "procedures": event.procedure_ids,
    }


@blp.route("/life-events/<event_id>/checklist", methods=["POST"])
@blp.arguments(ChecklistArgs)
@blp.response(200, ChecklistSchema)
@blp.alt_response(404, description="No such life event")
@blp.alt_response(422, description="A missing, unknown or ill-typed answer, named under errors.json.answers")
def post_checklist(args: dict[str, Any], event_id: str) -> dict[str, Any]:
    """The checklist for these answers: items, visits (fewest trips, earliest deadline first), warnings.

    Nothing about the person is stored: the answers are read, used and forgotten.
    """
    event = queries.get_life_event(event_id)
    try:
        answers = services.answers_schema_for(event, JSON).load(args["answers"])
    except ValidationError as exc:
        abort(422, messages={"json": {"answers": exc.messages}})
    lang = g.lang = args["lang"]  # dates and warnings in the language asked for in the body
    payload = services.checklist_payload(services.checklist_for(event, answers, lang, services.today_in_tokyo()))
    for item in payload["items"]:
        item["url"] = url_for("procedures.procedure", lang=lang, procedure_id=item["procedure_id"])
    return wording.with_warning_messages(payload)


def _procedure_summary(item: queries.LocalizedProcedure) -> dict:
    return {
        "id": item.id,
        "lang": item.lang,
        "fallback": item.fallback,
        "translation": item.text.translation,
        "title": item.text.title,
        "summary": item.text.summary,
        "deadline": item.procedure.facts.get("deadline"),
        "url": url_for("procedures.procedure", lang=item.requested_lang, procedure_id=item.id),
    }


def _event_summary(event: LifeEvent, lang: str) -> dict:
    return {
        "id": event.id,
        "title": localized(event.title, lang),
        "summary": localized(event.summary, lang),
        "question_count": len(event.questions),
        "url": url_for("procedures.life_event", lang=lang, event_id=event.id),
    }


def _question(question, lang: str) -> dict:
    if question.type == YES_NO:
        allowed: list = [True, False]
    elif question.type == CHOICE:
        allowed = list(question.choices)
    else:
        allowed = []  # any YYYY-MM-DD date
    if question.allows_not_sure:
        allowed.append(NOT_SURE)
    return {
        "id": question.id,
        "type": question.type,
        "label": localized(question.label, lang),
        "hint": localized(question.hint, lang),
        "allowed_values": allowed,
        "choices": [{"value": v, "label": localized(question.choice_labels[v], lang)} for v in question.choices],
        "not_sure": question.allows_not_sure,
        "optional": question.optional,
        "show_if": question.show_if,
        "format": "YYYY-MM-DD" if question.type == DATE else None,
    }

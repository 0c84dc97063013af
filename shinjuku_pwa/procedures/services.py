"""From a life event and parsed answers to a checklist with every name in the reader's language.

Glue between stored content and the pure checklist. It attaches titles, documents and
counter names; it writes no prose of its own (wording.py does, at the edges).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema

from ..core.clock import TOKYO
from ..core.i18n import localized, localized_place
from ..core.page_cache import per_version
from ..core.versions import CONTENT
from . import queries
from .checklist import Checklist, build_checklist
from .counter_wording import hours_for, hours_lines, window_line, window_parts
from .definitions import LifeEvent
from .models import StoredCounter
from .schemas import answers_schema


def today_in_tokyo() -> dt.date:
    """The ward's today: deadlines are Japanese dates, whatever the server's or reader's time zone."""
    return dt.datetime.now(TOKYO).date()


@dataclass(frozen=True)
class ChecklistResult:
    """The pure checklist and the stored rows its ids refer to, for one locale."""

    event: LifeEvent
    checklist: Checklist
    procedures: Mapping[str, queries.LocalizedProcedure]
    counters: Mapping[str, StoredCounter]
    locale: str
    today: dt.date


def answers_schema_for(event: LifeEvent, encoding: str, complete: bool = True) -> Schema:
    """schemas.answers_schema, made once per content version and process: making one costs several
    times a load (a class per event, every field copied and bound), and an instance keeps no state of
    a load (see answers_schema_class)."""
    return per_version(CONTENT, ("answers_schema", event.id, encoding, complete),
                       lambda: answers_schema(event, encoding, complete))


def checklist_for(event: LifeEvent, answers: Mapping[str, Any], locale: str, today: dt.date) -> ChecklistResult:
    procedure_ids = event.procedure_ids
    procedures = queries.get_procedures_by_ids(procedure_ids, locale)
    rows = queries.list_counters()
    facts = {pid: item.facts for pid, item in procedures.items()}
    usable = per_version(CONTENT, ("usable_event", event.id, locale), lambda: _with_published_rules(event, facts))
    checklist = build_checklist(usable, answers, facts, queries.planning_counters(), today)
    return ChecklistResult(event, checklist, procedures, {row.id: row for row in rows}, locale, today)


def _with_published_rules(event: LifeEvent, facts: Mapping[str, Any]) -> LifeEvent:
    # A rule whose procedure is unpublished drops out rather than breaking the whole checklist.
    # Kept per content version and locale (which procedures are published decides it), so its
    # guards are worked out once, not per checklist.
    return LifeEvent(event.id, event.title, event.summary, event.questions,
                     tuple(r for r in event.rules if r.procedure in facts), event.position)


def counter_ref(row: StoredCounter, locale: str, procedure_id: str | None = None,
                procedure_ids: Sequence[str] | None = None) -> dict:
    """A counter in the reader's language: its window(s) for `procedure_id` and its opening hours
    for `procedure_ids` (default: that one procedure), worded from the stored data (a copy of one
    made once per content version)."""
    wanted = tuple(procedure_ids) if procedure_ids is not None else None
    return dict(per_version(CONTENT, ("counter_ref", row.id, locale, procedure_id, wanted),
                            lambda: _counter_ref(row, locale, procedure_id, wanted)))


def _counter_ref(row: StoredCounter, locale: str, procedure_id: str | None,
                 procedure_ids: Sequence[str] | None) -> dict:
    windows = [window_parts(w, locale) for w in ((row.handles or {}).get(procedure_id) or ())] if procedure_id else []
    wanted = procedure_ids if procedure_ids is not None else ([procedure_id] if procedure_id else [])
    # Addresses and notes not written in the reader's language are shown in Japanese (lang="ja").
    address, address_lang = localized_place(row.address, locale)
    note, note_lang = localized_place(row.note, locale)
    return {
        "id": row.id,
        "kind": row.kind,
        "name": localized(row.names, locale),
        # The Japanese name too, as the sign at the counter reads (shown beside it with lang="ja").
        "name_ja": (row.names or {}).get("ja") if locale not in ("ja", "ja-easy") else None,
        "address": address or None, "address_lang": address_lang,
        "windows": windows,
        "window": " / ".join(window_line(w) for w in windows) or None,
        "hours": [{"procedures": covered, "lines": hours_lines(block, locale), "times": block["times"],
                   "closed": block.get("closed") or [], "source": block["source"]}
                  for covered, block in hours_for(row.hours, wanted)],
        "note": note or None, "note_lang": note_lang,
    }


def counters_for(procedure_id: str, locale: str) -> list[dict]:
    """Every counter that handles a procedure, main office first, with its window for it."""
    return [counter_ref(row, locale, procedure_id) for row in queries.list_counters() if procedure_id in (row.handles or {})]


def documents(item: queries.LocalizedProcedure, traps: Mapping[int, int]) -> list[dict]:
    return [
        {"name": name, "takes_days": takes_days, "lead_time_trap": index in traps}
        for index, (name, takes_days) in enumerate(item.served.documents)
    ]


def checklist_payload(result: ChecklistResult) -> dict:
    """The checklist as plain data in the reader's language (the API's body, the template's input)."""
    locale = result.locale
    items = []
    for item in result.checklist.items:
        procedure = result.procedures[item.procedure_id]
        served = procedure.served
        counter = result.counters.get(item.counter_id) if item.counter_id is not None else None
        items.append({
            "procedure_id": item.procedure_id,
            "title": served.title,
            "summary": served.summary,
            "lang": served.lang,
            "translation": served.translation,
            "status": item.status,
            "decided_by": list(item.decided_by),
            "deadline": item.deadline,
            "deadline_kind": item.deadline_kind,
            "deadline_rule": item.deadline_rule.to_dict() if item.deadline_rule else None,
            "deadline_text": served.deadline_text,
            "opens": item.opens,
            "online_opens": item.online_opens,
            "counter": counter_ref(counter, locale, item.procedure_id) if counter is not None else None,
            "also_at": list(item.also_at),
            "documents": documents(procedure, {trap.document: trap.takes_days for trap in item.lead_time_traps}),
            "fee": served.fee,
            "fee_note": served.fee_note,
            "online_url": served.online_url,
            "online_service": served.online_service,
            "where": served.where,
            "note": localized(item.note, locale) or None if item.note else None,
        })
    visits = [
        {
            "counter": counter_ref(result.counters[visit.counter_id], locale, procedure_ids=list(visit.procedure_ids)),
            "items": list(visit.procedure_ids),
            "earliest_deadline": visit.earliest_deadline,
            "not_before": visit.not_before,
            "alternatives": [counter_ref(result.counters[cid], locale) for cid in visit.alternatives],
        }
        for visit in result.checklist.visits
    ]
    warnings = [
        {"code": w.code, "procedure_id": w.procedure_id, "date": w.date, "deadline_kind": w.deadline_kind,
         "document": w.document, "takes_days": w.takes_days}
        for w in result.checklist.warnings
    ]
    return {
        "event": result.event.id,
        "lang": locale,
        "today": result.today,
        "items": items,
        "visits": visits,
        "elsewhere": list(result.checklist.elsewhere),
        "warnings": warnings,
    }

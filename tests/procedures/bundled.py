"""The life events, procedures and counters we ship, read as pure definitions (no database)."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from shinjuku_pwa.procedures.checklist import build_checklist
from shinjuku_pwa.procedures.definitions import Counter, LifeEvent, ProcedureFacts
from shinjuku_pwa.procedures.loader import ProceduresBundle, load_procedures
from shinjuku_pwa.procedures.schemas import JSON, answers_schema
from tests.conftest import BUNDLED_CONTENT


@lru_cache(maxsize=1)
def bundle() -> ProceduresBundle:
    return load_procedures(BUNDLED_CONTENT, {"pages": None})


def life_event(event_id: str) -> LifeEvent:
    return LifeEvent.from_dict(event_id, bundle().life_events[event_id]["data"])


def procedure_facts() -> dict[str, ProcedureFacts]:
    return {pid: ProcedureFacts.from_dict(pid, files["ja"].meta) for pid, files in bundle().procedures.items()}


def counters() -> list[Counter]:
    return [Counter(cid, c["kind"], c["position"], frozenset(c["handles"])) for cid, c in bundle().counters.items()]


def checklist_for(event_id: str, answers: dict, today: dt.date = dt.date(2026, 1, 1)):
    """Answers in their JSON form, validated by the schema as the API would, then the pure checklist."""
    event = life_event(event_id)
    # Deadline arithmetic is checked for dates in any year; the one-year bound on answers has its own
    # tests (test_question_errors.py), so the schema is told a today that lets every date through.
    parsed = answers_schema(event, JSON, today=dt.date(2198, 12, 31)).load(answers)
    return build_checklist(event, parsed, procedure_facts(), counters(), today)

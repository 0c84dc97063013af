"""The procedures catalogue, counters and life-event rules as open data: plain records for JSON and CSV.

What is exported is what residents see (published and listed rows), in every language we have;
nothing about any person is in it.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select

from ..core.extensions import db
from .models import Procedure, StoredCounter, StoredLifeEvent

_TEXT_COLUMNS = ("title", "summary", "who", "deadline_text", "documents", "fee_note", "online_service", "where_text",
                 "source", "reviewed", "translation")


def procedure_records() -> list[dict[str, Any]]:
    rows = db.session.scalars(select(Procedure).where(Procedure.published).order_by(Procedure.id))
    return [
        {
            "id": procedure.id,
            "department": procedure.department_id,
            "facts": procedure.facts,
            "translations": {
                t.locale: {column: (getattr(t, column).isoformat() if column == "reviewed" else getattr(t, column))
                           for column in _TEXT_COLUMNS}
                for t in sorted(procedure.translations, key=lambda t: t.locale) if t.published
            },
        }
        for procedure in rows
    ]


def counter_records() -> list[dict[str, Any]]:
    rows = db.session.scalars(select(StoredCounter).where(StoredCounter.listed).order_by(StoredCounter.position))
    return [
        {"id": c.id, "kind": c.kind, "names": c.names, "address": c.address, "handles": sorted(c.handles),
         "windows": {pid: windows for pid, windows in sorted(c.handles.items()) if windows}, "hours": c.hours or [],
         "note": c.note, "source": c.source, "reviewed": c.reviewed.isoformat() if c.reviewed else None}
        for c in rows
    ]


def life_event_records() -> list[dict[str, Any]]:
    rows = db.session.scalars(select(StoredLifeEvent).where(StoredLifeEvent.published).order_by(StoredLifeEvent.position))
    return [{"id": event.id, **event.definition} for event in rows]


def _procedure_rows(records: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for record in records:
        for locale, text in record["translations"].items():
            yield {"id": record["id"], "locale": locale, "department": record["department"],
                   **{k: (" / ".join(v) if isinstance(v, list) else v) for k, v in text.items()},
                   "facts_json": json.dumps(record["facts"], ensure_ascii=False, sort_keys=True)}


def _counter_rows(records: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for record in records:
        yield {"id": record["id"], "kind": record["kind"], "name_ja": record["names"].get("ja", ""),
               "name_en": record["names"].get("en", ""), "address_ja": record["address"].get("ja", ""),
               "address_en": record["address"].get("en", ""), "handles": ";".join(record["handles"]),
               "hours_json": json.dumps(record["hours"], ensure_ascii=False, sort_keys=True),
               "source": record["source"], "reviewed": record["reviewed"] or ""}


def _life_event_rows(records: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for record in records:
        titles = record.get("title", {})
        yield {"id": record["id"], "title_ja": titles.get("ja", ""), "title_en": titles.get("en", ""),
               "questions": len(record.get("questions", [])), "rules": len(record.get("rules", [])),
               "definition_json": json.dumps({k: v for k, v in record.items() if k != "id"}, ensure_ascii=False, sort_keys=True)}


# name -> (records, CSV rows)
DATASETS: dict[str, tuple[Callable[[], list[dict[str, Any]]], Callable[[list[dict[str, Any]]], Iterable[dict[str, Any]]]]] = {
    "procedures": (procedure_records, _procedure_rows),
    "counters": (counter_records, _counter_rows),
    "life-events": (life_event_records, _life_event_rows),
}


def as_json(name: str) -> str:
    records, _ = DATASETS[name]
    return json.dumps(records(), ensure_ascii=False, indent=1, sort_keys=False)


def as_csv(name: str) -> str:
    """UTF-8 CSV (the caller adds a BOM for spreadsheet programs), one header row."""
    records, to_rows = DATASETS[name]
    rows = list(to_rows(records()))
    buffer = io.StringIO(newline="")
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()

"""Reading procedures, counters and life events, in one locale with the content fallbacks."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..core.errors import NotFound
from ..core.extensions import db
from ..core.i18n import ServedTranslation, served_locale
from .definitions import Counter, LifeEvent, ProcedureFacts
from .models import Procedure, ProcedureTranslation, StoredCounter, StoredLifeEvent


class ProcedureNotFound(NotFound):
    pass


class LifeEventNotFound(NotFound):
    pass


@dataclass(frozen=True)
class LocalizedProcedure(ServedTranslation):
    procedure: Procedure
    text: ProcedureTranslation  # the translation actually served
    requested_lang: str
    available: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.procedure.id

    @property
    def facts(self) -> ProcedureFacts:
        return ProcedureFacts.from_dict(self.procedure.id, self.procedure.facts)


def localize(procedure: Procedure, locale: str) -> LocalizedProcedure | None:
    translations = {t.locale: t for t in procedure.translations if t.published}
    code = served_locale(translations, locale)
    return None if code is None else LocalizedProcedure(procedure, translations[code], locale, tuple(translations))


def get_procedure(procedure_id: str, locale: str) -> LocalizedProcedure:
    procedure = db.session.get(Procedure, procedure_id)
    found = localize(procedure, locale) if procedure is not None and procedure.published else None
    if found is None:
        raise ProcedureNotFound(procedure_id)
    return found


def get_procedures_by_ids(procedure_ids: list[str], locale: str) -> dict[str, LocalizedProcedure]:
    """Published procedures by id; missing ones are simply absent."""
    if not procedure_ids:
        return {}
    rows = db.session.scalars(select(Procedure).where(Procedure.id.in_(procedure_ids), Procedure.published))
    return {row.id: found for row in rows if (found := localize(row, locale))}


def list_procedures(locale: str) -> list[LocalizedProcedure]:
    rows = db.session.scalars(select(Procedure).where(Procedure.published))
    found = [item for row in rows if (item := localize(row, locale))]
    return sorted(found, key=lambda item: item.text.title)


def list_counters() -> list[StoredCounter]:
    return list(db.session.scalars(select(StoredCounter).where(StoredCounter.listed).order_by(StoredCounter.position)))


def counters_for_planning(rows: list[StoredCounter]) -> list[Counter]:
    return [Counter(row.id, row.kind, row.position, frozenset(row.handles)) for row in rows]


def get_life_event(event_id: str) -> LifeEvent:
    row = db.session.get(StoredLifeEvent, event_id)
    if row is None or not row.published:
        raise LifeEventNotFound(event_id)
    return LifeEvent.from_dict(row.id, row.definition)


def list_life_events() -> list[LifeEvent]:
    rows = db.session.scalars(
        select(StoredLifeEvent).where(StoredLifeEvent.published).order_by(StoredLifeEvent.position, StoredLifeEvent.id)
    )
    return [LifeEvent.from_dict(row.id, row.definition) for row in rows]

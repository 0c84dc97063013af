"""Reading procedures, counters and life events, in one locale with the content fallbacks."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import NotFound
from ..core.extensions import db
from ..core.i18n import ServedTranslation, served_locale
from ..core.page_cache import per_version, versions_memoized
from ..core.versions import CONTENT
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

    @cached_property
    def facts(self) -> ProcedureFacts:  # parsed once per object (kept ones live for a content version)
        return ProcedureFacts.from_dict(self.procedure.id, self.procedure.facts)

    @cached_property
    def served(self) -> ServedProcedure:
        """What a checklist shows of it, read off the rows once per object: a checklist reads a
        dozen of these per procedure per request, and each read of a row's column goes through
        SQLAlchemy's instrumentation."""
        text, facts = self.text, self.procedure.facts or {}
        lead_times = {lead.document: lead.days for lead in self.facts.lead_times}
        return ServedProcedure(
            title=text.title, summary=text.summary, lang=text.locale, translation=text.translation,
            deadline_text=text.deadline_text, fee=facts.get("fee"), fee_note=text.fee_note,
            online_url=facts.get("online_url"), online_service=text.online_service, where=text.where_text,
            documents=tuple((name, lead_times.get(index)) for index, name in enumerate(text.documents or ())),
        )


@dataclass(frozen=True)
class ServedProcedure:
    """A procedure's texts in the served language and the facts a checklist shows, as plain values."""

    title: str
    summary: str
    lang: str
    translation: str | None
    deadline_text: str | None
    fee: object
    fee_note: str | None
    online_url: str | None
    online_service: str | None
    where: str | None
    documents: tuple[tuple[str, int | None], ...]  # (name, days it takes to get)


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


T = TypeVar("T")


def _per_content_version(key: tuple, load: Callable[[Session], T]) -> T:
    """`load(session)` once per content version and process when the page cache is on (rows read in
    a session of their own and detached: read-only, shared by every thread); else on each call."""
    if not versions_memoized():
        return load(db.session())  # the request's own session, as before

    def build() -> T:
        with Session(db.engine) as session:
            return load(session)
    return per_version(CONTENT, key, build)


def get_procedures_by_ids(procedure_ids: list[str], locale: str) -> dict[str, LocalizedProcedure]:
    """Published procedures by id; missing ones are simply absent."""
    if not procedure_ids:
        return {}
    if versions_memoized():
        published = _per_content_version(("procedures", locale), lambda session: _published_procedures(session, locale))
        return {pid: published[pid] for pid in procedure_ids if pid in published}
    rows = db.session.scalars(select(Procedure).where(Procedure.id.in_(procedure_ids), Procedure.published))
    return {row.id: found for row in rows if (found := localize(row, locale))}


def _published_procedures(session: Session, locale: str) -> dict[str, LocalizedProcedure]:
    found = {row.id: item for row in session.scalars(select(Procedure).where(Procedure.published))
             if (item := localize(row, locale))}
    for item in found.values():
        item.facts  # noqa: B018 (parsed now, in one thread, rather than by the first readers at once)
    return found


def list_procedures(locale: str) -> list[LocalizedProcedure]:
    rows = db.session.scalars(select(Procedure).where(Procedure.published))
    found = [item for row in rows if (item := localize(row, locale))]
    return sorted(found, key=lambda item: item.text.title)


def list_counters() -> list[StoredCounter]:
    return _per_content_version(("counters",), _listed_counters)


def _listed_counters(session: Session) -> list[StoredCounter]:
    return list(session.scalars(select(StoredCounter).where(StoredCounter.listed).order_by(StoredCounter.position)))


def counters_for_planning(rows: list[StoredCounter]) -> list[Counter]:
    return [Counter(row.id, row.kind, row.position, frozenset(row.handles)) for row in rows]


def planning_counters() -> list[Counter]:
    """counters_for_planning(list_counters()), made once per content version when the page cache is on."""
    return per_version(CONTENT, ("planning_counters",), lambda: counters_for_planning(list_counters()))


def get_life_event(event_id: str) -> LifeEvent:
    event = _published_life_events().get(event_id)
    if event is None:
        raise LifeEventNotFound(event_id)
    return event


def list_life_events() -> list[LifeEvent]:
    return list(_published_life_events().values())


def _published_life_events() -> dict[str, LifeEvent]:
    # All of them at once: a key per id asked for would let made-up ids fill the memory.
    return _per_content_version(("life_events",), _load_life_events)


def _load_life_events(session: Session) -> dict[str, LifeEvent]:
    rows = session.scalars(
        select(StoredLifeEvent).where(StoredLifeEvent.published).order_by(StoredLifeEvent.position, StoredLifeEvent.id)
    )
    return {row.id: LifeEvent.from_dict(row.id, row.definition) for row in rows}

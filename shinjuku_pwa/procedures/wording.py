"""The sentences a checklist's data becomes, in the reader's language (used by the API and templates)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask_babel import gettext as _

from ..core.i18n import localized, reader_date
from .checklist import CLAIM_LATE, DEADLINE_PASSED, DUE_TODAY, LEAD_TIME, NOT_OPEN_YET
from .deadlines import CLAIM, LEGAL, WINDOW_OPENS
from .definitions import DATE, YES_NO, Question
from .rules import NOT_SURE


def long_date(day: dt.date | None) -> str:
    return reader_date(day)


def deadline_kind_labels(_: Callable[[str], str] = _) -> dict[str | None, str]:
    """Every kind of deadline's label, translated once for a whole checklist (with request_gettext())."""
    return {
        LEGAL: _("Legal deadline"),
        CLAIM: _("Apply by (late means less benefit)"),
        WINDOW_OPENS: _("Not before"),
    }


def deadline_kind_label(kind: str | None) -> str:
    return deadline_kind_labels().get(kind, "")


def warning_message(warning: dict, title: str, document: str | None = None) -> str:
    day = long_date(warning.get("date"))
    if warning["code"] == DEADLINE_PASSED:
        return _("The legal deadline for %(title)s was %(date)s. Do it as soon as you can.",
                 title=title, date=day)
    if warning["code"] == CLAIM_LATE:
        return _("The deadline for %(title)s was %(date)s. Apply now: some of the benefit may already be lost.",
                 title=title, date=day)
    if warning["code"] == DUE_TODAY:
        return _("Today (%(date)s) is the last day for %(title)s.", title=title, date=day)
    if warning["code"] == LEAD_TIME:
        return _(
            "%(document)s usually takes about %(days)s days to get, longer than the time left before "
            "%(date)s (%(title)s). Ask for it now.",
            document=document or "", days=warning.get("takes_days"), date=day, title=title,
        )
    if warning["code"] == NOT_OPEN_YET:
        return _("%(title)s cannot be done before %(date)s.", title=title, date=day)
    return title


def with_warning_messages(payload: dict) -> dict:
    """Add each warning's sentence to a checklist payload (services.checklist_payload)."""
    items = {item["procedure_id"]: item for item in payload["items"]}
    for warning in payload["warnings"]:
        item = items[warning["procedure_id"]]
        document = item["documents"][warning["document"]]["name"] if warning["document"] is not None else None
        warning["message"] = warning_message(warning, item["title"], document)
    return payload


def answer_text(question: Question, value, locale: str, _: Callable[[str], str] = _) -> str:
    """An answer in words (a checklist of a dozen answers passes request_gettext())."""
    if value == NOT_SURE:
        return _("Not sure")
    if question.type == YES_NO:
        return _("Yes") if value else _("No")
    if question.type == DATE:
        return long_date(value)
    return localized(question.choice_labels.get(value), locale) or str(value)


def missing_answer_message(question: Question | None = None) -> str:
    if question is not None and question.type == DATE:
        return _("Enter a date: year, month and day.")
    return _("Please answer this question.")

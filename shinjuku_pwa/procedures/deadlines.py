"""Deadline arithmetic for procedures: days or calendar months from a date someone gave us.

Japanese periods are counted the civil-law way (民法 140-143): the day of the event is not
counted unless a law says so (戸籍法 43 counts it for births and deaths), a period of months
follows the calendar (three months is not 90 days), and it ends the day before the
corresponding day of the last month, or on that month's last day when there is no such day
(a month from 31 January ends on 28 or 29 February).

Deadlines here are never moved for weekends or holidays: the date shown is the strict one,
which is the safe side for the reader.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LEGAL = "legal"  # a duty with a legal deadline
CLAIM = "claim"  # a benefit that is lost or reduced when claimed late
WINDOW_OPENS = "window_opens"  # cannot be done before this date
KINDS = (LEGAL, CLAIM, WINDOW_OPENS)

NEXT_DAY = "next_day"  # the civil-law default: the event day is not counted
SAME_DAY = "same_day"  # the event day is day one (戸籍法 43)
COUNTINGS = (NEXT_DAY, SAME_DAY)


@dataclass(frozen=True)
class DeadlineRule:
    """`days` or `months` after (or before) the date answered to question `anchor`."""

    kind: str
    anchor: str
    days: int | None = None
    months: int | None = None
    before: bool = False
    counting: str = NEXT_DAY

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeadlineRule:
        return cls(
            kind=data.get("kind", LEGAL),
            anchor=data.get("after") or data["before"],
            days=data.get("days"),
            months=data.get("months"),
            before="before" in data,
            counting=data.get("counting", NEXT_DAY),
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, ("before" if self.before else "after"): self.anchor}
        data["days" if self.days is not None else "months"] = self.days if self.days is not None else self.months
        if self.counting != NEXT_DAY:
            data["counting"] = self.counting
        return data


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier); a day the month lacks becomes its last day."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_day_of_period(
    event_day: dt.date, *, days: int | None = None, months: int | None = None, counts_event_day: bool = False
) -> dt.date:
    """The last day of a period of `days` or calendar `months` that follows `event_day`."""
    first = event_day if counts_event_day else event_day + dt.timedelta(days=1)
    if days is not None:
        return first + dt.timedelta(days=days - 1)
    if months is None:
        raise ValueError("a period needs days or months")
    years, month_index = divmod(first.month - 1 + months, 12)
    year, month = first.year + years, month_index + 1
    month_length = calendar.monthrange(year, month)[1]
    if first.day > month_length:
        # 民法 143(2): no corresponding day in the last month, so the period ends on its last day.
        return dt.date(year, month, month_length)
    return dt.date(year, month, first.day) - dt.timedelta(days=1)


def date_for(rule: DeadlineRule, event_day: dt.date) -> dt.date:
    """The date a rule gives for one event day: a last day, or (window_opens) a first day."""
    if rule.before:
        if rule.days is not None:
            return event_day - dt.timedelta(days=rule.days)
        return add_months(event_day, -(rule.months or 0))
    if rule.kind == WINDOW_OPENS:
        if rule.days is not None:
            return event_day + dt.timedelta(days=rule.days)
        return add_months(event_day, rule.months or 0)
    return last_day_of_period(
        event_day, days=rule.days, months=rule.months, counts_event_day=rule.counting == SAME_DAY
    )


def resolve(rule: DeadlineRule | None, answers: Mapping[str, Any]) -> dt.date | None:
    """The rule's date for these answers, or None when the anchoring date is not known."""
    if rule is None:
        return None
    event_day = answers.get(rule.anchor)
    if not isinstance(event_day, dt.date):
        return None
    return date_for(rule, event_day)

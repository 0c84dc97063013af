"""Dates for tests, computed from today so that the suite gives the same answer on any day.

A test that needs "a day that has not come yet" or "a day already past" takes it from here; a
literal date that is still in the future today would turn into a past date one day and change the
test's meaning (tests/test_dates_in_tests.py refuses them outside fixed-clock tests).
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


def tokyo_today() -> dt.date:
    """The day the app thinks it is: deadlines and warnings are counted in Japan time."""
    return dt.datetime.now(TOKYO).date()


def days_from_today(days: int) -> dt.date:
    return tokyo_today() + dt.timedelta(days=days)


def next_year() -> int:
    """A year that is always ahead: any date in it is between 1 day and 2 years away."""
    return tokyo_today().year + 1


def tokyo_time_next_year(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(next_year(), month, day, hour, minute, tzinfo=TOKYO)

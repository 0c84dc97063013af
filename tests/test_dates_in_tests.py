"""No test may depend on the day it runs: a literal date still ahead of today turns into a past
date one day and silently changes what the test checks. Such dates are computed (tests/clock.py),
or the test passes its own fixed `today`/`now` to the code under test and is listed below."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from shinjuku_pwa.core.config import PROJECT_ROOT
from tests.clock import tokyo_today

SCANNED = ("tests", "bench")
# Files whose dates only meet code that is handed a fixed clock (a `today` or `now` argument).
FIXED_CLOCK = {
    "tests/procedures/test_deadlines.py": "deadline arithmetic on given days",
    "tests/procedures/test_checklist.py": "build_checklist(..., TODAY)",
    "tests/procedures/test_life_events.py": "checklist_for(..., today=2026-01-01) in tests/procedures/bundled.py",
    "tests/procedures/test_properties.py": "hypothesis draws `today` with the answers",
    "tests/procedures/bundled.py": "answers_schema(..., today=...) and checklist_for(..., today=...)",
    "tests/admin/test_dashboard.py": "review dates counted from a given today",
    "tests/push/test_payload_and_schedule.py": "quiet hours and retries at a given now",
    "tests/push/test_dispatch.py": "one_pass(..., now=...)",
}
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_ISO_MONTH = re.compile(r"(?<![\d-])(\d{4})-(\d{2})(?![\d-])")
_CALL = re.compile(r"\b(?:date|datetime|D)\(\s*(\d{4}),\s*(\d{1,2}),\s*(\d{1,2})")
_HTTP = re.compile(r"\b(\d{1,2}) (" + "|".join(MONTHS) + r") (\d{4})\b")


def _day(year: str, month: str | int, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:  # impossible dates (30 February) are test data, not clocks
        return None


def dates_in(text: str) -> list[tuple[int, dt.date]]:
    """(line number, date) for every literal date or month in `text`; a month counts as its last day."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        days = [_day(*m.groups()) for m in _ISO.finditer(line)]
        days += [_day(*m.groups()) for m in _CALL.finditer(line)]
        days += [_day(m[3], MONTHS.index(m[2]) + 1, m[1]) for m in _HTTP.finditer(line)]
        for m in _ISO_MONTH.finditer(line):
            first = _day(m[1], m[2], "1")
            if first:
                days.append((first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1))
        found += [(number, day) for day in days if day and 1990 <= day.year <= 2200]
    return found


def future_dates(text: str, today: dt.date) -> list[tuple[int, dt.date]]:
    return [(number, day) for number, day in dates_in(text) if day >= today]


def test_literal_dates_ahead_of_today_are_found_in_every_form():
    today = dt.date(2026, 12, 6)
    text = '\n'.join([
        'x = "2026-12-06"', 'y = dt.date(2027, 1, 31)', 'z = D(2026, 12, 5)',
        'h = "Mon, 07 Dec 2026 00:00:00 GMT"', 'm = "2026-12"', 'n = "2026-11"', 'bad = "2026-02-30"',
    ])
    assert future_dates(text, today) == [
        (1, dt.date(2026, 12, 6)), (2, dt.date(2027, 1, 31)), (4, dt.date(2026, 12, 7)), (5, dt.date(2026, 12, 31))]


def _scanned_files() -> list[Path]:
    files = []
    for folder in SCANNED:
        for path in sorted((PROJECT_ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".yaml", ".yml", ".json") and path.is_file():
                files.append(path)
    return files


@pytest.mark.parametrize("path", _scanned_files(), ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_tests_hold_no_literal_date_that_is_still_ahead(path):
    relative = str(path.relative_to(PROJECT_ROOT))
    if relative in FIXED_CLOCK or path.name == "test_dates_in_tests.py":
        return
    ahead = future_dates(path.read_text(encoding="utf-8"), tokyo_today())
    assert ahead == [], f"{relative}: dates ahead of today (compute them with tests/clock.py): {ahead}"

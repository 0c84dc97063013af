"""Deadline arithmetic: days and calendar months, month ends and leap days (民法 140-143, 戸籍法 43)."""
from __future__ import annotations

import datetime as dt

import pytest

from shinjuku_pwa.procedures.deadlines import DeadlineRule, add_months, date_for, last_day_of_period, resolve

D = dt.date


@pytest.mark.parametrize(
    ("event_day", "period", "counts_event_day", "expected"),
    [
        # days, the event day not counted: a move on 1 April may be reported until 15 April
        (D(2026, 4, 1), {"days": 14}, False, D(2026, 4, 15)),
        (D(2026, 12, 25), {"days": 14}, False, D(2027, 1, 8)),
        (D(2028, 2, 20), {"days": 14}, False, D(2028, 3, 5)),  # leap February has 29 days
        (D(2027, 2, 20), {"days": 14}, False, D(2027, 3, 6)),
        # days, the event day counted (births, deaths: 戸籍法 43)
        (D(2026, 4, 1), {"days": 14}, True, D(2026, 4, 14)),
        (D(2026, 4, 1), {"days": 7}, True, D(2026, 4, 7)),
        (D(2028, 2, 25), {"days": 7}, True, D(2028, 3, 2)),
        # calendar months are not 30 days
        (D(2026, 1, 15), {"months": 3}, False, D(2026, 4, 15)),
        (D(2026, 1, 30), {"months": 1}, False, D(2026, 2, 28)),  # no 31 February: the month's last day
        (D(2028, 1, 30), {"months": 1}, False, D(2028, 2, 29)),  # ... which is the 29th in a leap year
        (D(2026, 2, 28), {"months": 3}, False, D(2026, 5, 31)),  # counting starts on 1 March: ends with May
        (D(2028, 2, 29), {"months": 3}, False, D(2028, 5, 31)),
        (D(2027, 11, 29), {"months": 3}, False, D(2028, 2, 29)),  # from 30 Nov: no 30 Feb, so 29 Feb 2028
        (D(2026, 11, 29), {"months": 3}, False, D(2027, 2, 28)),
        (D(2026, 3, 1), {"months": 24}, False, D(2028, 3, 1)),
        # months, the event day counted
        (D(2026, 1, 1), {"months": 3}, True, D(2026, 3, 31)),
        (D(2026, 1, 31), {"months": 3}, True, D(2026, 4, 30)),
        (D(2027, 11, 30), {"months": 3}, True, D(2028, 2, 29)),
        (D(2028, 2, 29), {"months": 24}, True, D(2030, 2, 28)),
    ],
)
def test_a_period_ends_on_the_civil_law_last_day(event_day, period, counts_event_day, expected):
    assert last_day_of_period(event_day, counts_event_day=counts_event_day, **period) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 1, 15), -2, D(2025, 11, 15)),
        (D(2026, 12, 31), 2, D(2027, 2, 28)),
    ],
)
def test_adding_months_keeps_the_day_or_falls_back_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"kind": "legal", "days": 14, "after": "move_date"}, D(2026, 4, 15)),
        ({"kind": "legal", "days": 0, "before": "move_date"}, D(2026, 4, 1)),
        ({"kind": "window_opens", "days": 30, "before": "move_date"}, D(2026, 3, 2)),
        ({"kind": "window_opens", "days": 0, "after": "move_date"}, D(2026, 4, 1)),
        ({"kind": "window_opens", "months": 1, "after": "move_date"}, D(2026, 5, 1)),
        ({"kind": "claim", "months": 2, "before": "move_date"}, D(2026, 2, 1)),
    ],
)
def test_rules_give_last_days_or_first_days_relative_to_an_answered_date(rule, expected):
    assert date_for(DeadlineRule.from_dict(rule), D(2026, 4, 1)) == expected


def test_a_rule_has_no_date_until_its_anchoring_answer_is_a_date():
    rule = DeadlineRule.from_dict({"kind": "legal", "days": 14, "after": "move_date"})
    assert resolve(rule, {}) is None
    assert resolve(rule, {"move_date": "not_sure"}) is None
    assert resolve(None, {"move_date": D(2026, 4, 1)}) is None


def test_a_rule_round_trips_through_its_dictionary_form():
    data = {"kind": "claim", "before": "x", "months": 3, "counting": "same_day"}
    assert DeadlineRule.from_dict(data).to_dict() == data

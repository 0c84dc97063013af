"""What each push-service answer means for a delivery: the classifier alone, no app or database."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from shinjuku_pwa.push.outcomes import Answer, Lifetime, Outcome, classify

NOW = dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)  # 10:00 in Tokyo
NIGHT = dt.datetime(2026, 11, 26, 14, 0, tzinfo=dt.UTC)  # 23:00 in Tokyo
A_DAY = Lifetime(published_at=NOW, ttl_seconds=86400, urgency="normal")


@pytest.mark.parametrize(("status", "error", "expected"), [
    (200, None, Outcome.SENT),
    (201, None, Outcome.SENT),
    (202, None, Outcome.SENT),
    (204, None, Outcome.SENT),
    (404, None, Outcome.GONE),
    (410, None, Outcome.GONE),
    (410, "subscription removed", Outcome.GONE),
    (400, None, Outcome.FAILED),
    (400, "encrypt", Outcome.FAILED),
    (401, None, Outcome.FAILED),
    (403, None, Outcome.FAILED),
    (413, None, Outcome.FAILED),
    (302, None, Outcome.FAILED),
    (None, "expired", Outcome.FAILED),
    (429, None, Outcome.RETRY),
    (500, None, Outcome.RETRY),
    (502, None, Outcome.RETRY),
    (503, None, Outcome.RETRY),
    (None, "ClientConnectorError", Outcome.RETRY),
    (None, "TimeoutError", Outcome.RETRY),
])
def test_each_answer_leads_to_its_outcome(status, error, expected):
    decision = classify(Answer(7, status, error=error), attempts=1, lifetime=A_DAY, now=NOW)
    assert decision.outcome is expected and decision.delivery_id == 7 and decision.status == status
    assert (decision.retry_at is not None) == (expected is Outcome.RETRY)


@pytest.mark.parametrize(("retry_after", "at_least_seconds"), [
    ("600", 600),
    (" 120 ", 120),
    ("Thu, 26 Nov 2026 02:00:00 GMT", 3600),
    ("soon", 5),  # unreadable: the backoff alone (first retry after 5-10 s)
    (None, 5),
])
def test_a_retry_never_comes_before_retry_after(retry_after, at_least_seconds):
    decision = classify(Answer(1, 429, retry_after=retry_after), attempts=1, lifetime=A_DAY, now=NOW,
                        rng=random.Random(1))
    assert decision.outcome is Outcome.RETRY
    assert decision.retry_at >= NOW + dt.timedelta(seconds=at_least_seconds)


@pytest.mark.parametrize(("attempts", "most_seconds"), [(1, 10), (2, 20), (3, 40), (5, 160), (20, 3600)])
def test_retries_back_off_exponentially_with_a_ceiling(attempts, most_seconds):
    decision = classify(Answer(1, 503), attempts=attempts, lifetime=A_DAY, now=NOW, rng=random.Random(2))
    assert NOW + dt.timedelta(seconds=most_seconds / 2) <= decision.retry_at <= NOW + dt.timedelta(seconds=most_seconds)


@pytest.mark.parametrize(("ttl_seconds", "retry_after", "expected"), [
    (60, "30", Outcome.RETRY),
    (60, "61", Outcome.FAILED),
    (5, None, Outcome.FAILED),  # the first retry (5-10 s) would come after the TTL
    (3600, "3599", Outcome.RETRY),
])
def test_no_retry_is_planned_after_the_notice_expires(ttl_seconds, retry_after, expected):
    lifetime = Lifetime(published_at=NOW, ttl_seconds=ttl_seconds, urgency="high")
    decision = classify(Answer(1, 429, retry_after=retry_after), attempts=1, lifetime=lifetime, now=NOW)
    assert decision.outcome is expected


@pytest.mark.parametrize(("urgency", "held_until_morning"), [("normal", True), ("low", True), ("high", False)])
def test_a_retry_at_night_waits_for_morning_unless_urgent(urgency, held_until_morning):
    lifetime = Lifetime(published_at=NIGHT, ttl_seconds=86400, urgency=urgency)
    decision = classify(Answer(1, 503), attempts=1, lifetime=lifetime, now=NIGHT, rng=random.Random(3))
    morning = dt.datetime(2026, 11, 26, 22, 0, tzinfo=dt.UTC)  # 07:00 in Tokyo
    assert (decision.retry_at == morning) is held_until_morning


def test_an_answer_for_a_notice_that_no_longer_exists_fails_rather_than_retries():
    assert classify(Answer(1, 503), attempts=1, lifetime=None, now=NOW).outcome is Outcome.FAILED
    assert classify(Answer(1, 201), attempts=1, lifetime=None, now=NOW).outcome is Outcome.SENT

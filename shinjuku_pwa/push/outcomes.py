"""What a push service's answer means for a delivery. Pure: no app, no database, no network.

RFC 8030 and the browsers' push services: 2xx sent; 404/410 the subscription is gone (delete
it); 429, 5xx and network errors are worth another try, never before Retry-After and only
while the notice's TTL lasts; any other refusal (400 bad request, 413 too large, 401/403 a
VAPID problem) fails, because sending the same request again cannot help.
"""
from __future__ import annotations

import datetime as dt
import enum
import random
from dataclasses import dataclass

from . import schedule

SENT_STATUSES = frozenset({200, 201, 202, 204})
GONE_STATUSES = frozenset({404, 410})


class Outcome(enum.Enum):
    SENT = "sent"
    GONE = "gone"  # delete the subscription
    FAILED = "failed"
    RETRY = "retrying"


@dataclass(frozen=True)
class Answer:
    """What came back for one delivery: a status, or None when the network failed."""

    delivery_id: int
    status: int | None
    retry_after: str | None = None  # the Retry-After header, as sent
    error: str | None = None  # "expired", "encrypt", or the network error's name


@dataclass(frozen=True)
class Lifetime:
    """What the retry rule needs to know about the notice."""

    published_at: dt.datetime
    ttl_seconds: int
    urgency: str


@dataclass(frozen=True)
class Decision:
    delivery_id: int
    outcome: Outcome
    status: int | None
    retry_at: dt.datetime | None = None  # set only for Outcome.RETRY


def classify(answer: Answer, attempts: int, lifetime: Lifetime | None, now: dt.datetime,
             rng: random.Random | None = None) -> Decision:
    """Decide one delivery's fate. `attempts` counts the try that produced this answer."""
    status = answer.status

    def decided(outcome: Outcome, retry_at: dt.datetime | None = None) -> Decision:
        return Decision(answer.delivery_id, outcome, status, retry_at)

    if status in SENT_STATUSES:
        return decided(Outcome.SENT)
    if status in GONE_STATUSES:
        return decided(Outcome.GONE)
    if answer.error == "expired" or lifetime is None:
        return decided(Outcome.FAILED)
    if status is not None and status < 500 and status != 429:
        return decided(Outcome.FAILED)  # 400, 413 and other refusals: retrying cannot help
    retry_at = schedule.next_retry(now, attempts, schedule.retry_after_seconds(answer.retry_after, now), rng)
    retry_at = schedule.deliverable_at(retry_at, lifetime.urgency)
    if retry_at < schedule.expires_at(lifetime.published_at, lifetime.ttl_seconds):
        return decided(Outcome.RETRY, retry_at)
    return decided(Outcome.FAILED)  # the next try would come after the TTL: the phone would drop it

"""When a delivery may go out: quiet hours, retry backoff, the notice's time to live. Pure functions."""
from __future__ import annotations

import datetime as dt
import email.utils
import random

from ..core.clock import TOKYO

QUIET_START = dt.time(22, 0)
QUIET_END = dt.time(7, 0)
FIRST_RETRY_SECONDS = 10
MAX_RETRY_SECONDS = 3600


def in_quiet_hours(moment: dt.datetime) -> bool:
    local = moment.astimezone(TOKYO).time()
    return local >= QUIET_START or local < QUIET_END


def deliverable_at(moment: dt.datetime, urgency: str) -> dt.datetime:
    """The earliest time a notice of this urgency may reach phones: high goes at once, others wait for 07:00."""
    if urgency == "high" or not in_quiet_hours(moment):
        return moment
    local = moment.astimezone(TOKYO)
    morning = local.replace(hour=QUIET_END.hour, minute=0, second=0, microsecond=0)
    if local.time() >= QUIET_START:
        morning += dt.timedelta(days=1)
    return morning.astimezone(dt.UTC)


def retry_after_seconds(header: str | None, now: dt.datetime) -> float | None:
    """Parse Retry-After: delay seconds or an HTTP date; None when absent or unreadable."""
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def next_retry(now: dt.datetime, attempts: int, retry_after: float | None, rng: random.Random | None = None) -> dt.datetime:
    """Exponential backoff with full jitter, never sooner than the push service asked."""
    rng = rng or random.Random()
    ceiling = min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1))
    delay = rng.uniform(ceiling / 2, ceiling)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return now + dt.timedelta(seconds=delay)


def expires_at(published_at: dt.datetime, ttl_seconds: int) -> dt.datetime:
    """After this, a notice is no longer worth delivering (the push TTL has run out)."""
    return published_at + dt.timedelta(seconds=ttl_seconds)


def remaining_ttl(published_at: dt.datetime, ttl_seconds: int, now: dt.datetime) -> int:
    return max(0, int((expires_at(published_at, ttl_seconds) - now).total_seconds()))

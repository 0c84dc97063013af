"""The one clock and the one time zone: stored times are UTC, residents read Japan time."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


def utcnow() -> dt.datetime:
    """Now, timezone-aware in UTC: what every timestamp column stores."""
    return dt.datetime.now(dt.UTC)


def tokyo_today() -> dt.date:
    """Today in Japan: deadlines, feedback days and review dates are counted in Japan time."""
    return dt.datetime.now(TOKYO).date()

"""Subscribe and unsubscribe browsers. The endpoint is stored but never shown or logged beyond its origin."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import delete, select

from ..core.extensions import db
from .endpoints import origin_of
from .models import PushSubscription

log = logging.getLogger(__name__)


def save_subscription(data: dict, now: dt.datetime) -> tuple[PushSubscription, bool]:
    """Create or update (same endpoint: new topics and language). Returns (row, created)."""
    endpoint = data["subscription"]["endpoint"]
    keys = data["subscription"]["keys"]
    row = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    created = row is None
    if row is None:
        row = PushSubscription(endpoint=endpoint, endpoint_origin=origin_of(endpoint), created_at=now)
        db.session.add(row)
    row.p256dh = keys["p256dh"]
    row.auth = keys["auth"]
    row.topics = sorted(set(data["topics"]))
    row.lang = data["lang"]
    row.updated_at = now
    db.session.commit()
    log.info("push subscription %s for %s", "created" if created else "updated", row.endpoint_origin)
    return row, created


def remove_subscription(endpoint: str) -> None:
    """Idempotent: unsubscribing twice is not an error."""
    db.session.execute(delete(PushSubscription).where(PushSubscription.endpoint == endpoint))
    db.session.commit()


def count_subscribers(topics: list[str]) -> int:
    wanted = set(topics)
    return sum(1 for chosen in db.session.scalars(select(PushSubscription.topics)) if wanted & set(chosen or ()))

"""Subscribe and unsubscribe browsers. The endpoint is stored but never shown or logged beyond its origin."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import delete, select, update

from ..core.database import insert_unless_exists
from ..core.extensions import db
from .endpoints import origin_of
from .models import PushSubscription

log = logging.getLogger(__name__)


def save_subscription(data: dict, now: dt.datetime) -> tuple[PushSubscription, bool]:
    """Create or update (same endpoint: new topics and language). Returns (row, created).

    One browser may post the same subscription from several tabs at once: the insert gives way
    to the row another request created a moment before, and this one updates it instead.
    """
    endpoint = data["subscription"]["endpoint"]
    keys = data["subscription"]["keys"]
    fields = {"p256dh": keys["p256dh"], "auth": keys["auth"], "topics": sorted(set(data["topics"])),
              "lang": data["lang"], "updated_at": now}
    new_id = insert_unless_exists(
        PushSubscription, {"endpoint": endpoint, "endpoint_origin": origin_of(endpoint), "created_at": now, **fields},
        unique=["endpoint"],
    )
    if new_id is None:
        db.session.execute(update(PushSubscription).where(PushSubscription.endpoint == endpoint).values(**fields))
    db.session.commit()
    row = db.session.scalars(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).one()
    log.info("push subscription %s for %s", "updated" if new_id is None else "created", row.endpoint_origin)
    return row, new_id is not None


def remove_subscription(endpoint: str) -> None:
    """Idempotent: unsubscribing twice is not an error."""
    db.session.execute(delete(PushSubscription).where(PushSubscription.endpoint == endpoint))
    db.session.commit()


def count_subscribers(topics: list[str]) -> int:
    wanted = set(topics)
    return sum(1 for chosen in db.session.scalars(select(PushSubscription.topics)) if wanted & set(chosen or ()))

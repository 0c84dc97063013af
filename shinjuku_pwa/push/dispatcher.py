"""The delivery queue: enqueue when a notice goes out, claim batches under a lease, record outcomes.

Any number of workers may run: a claim is one UPDATE ... RETURNING over rows picked with
FOR UPDATE SKIP LOCKED (PostgreSQL) or inside a BEGIN IMMEDIATE transaction (SQLite, where
SQLAlchemy silently drops skip_locked). A worker that dies leaves rows in `sending` whose
lease runs out; the next claim takes them again.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..core.database import is_sqlite, write_transaction
from ..core.extensions import db
from ..notices.models import Notice
from . import schedule
from .models import Delivery, DeliveryState, PushSubscription
from .payload import build_payload
from .sender import PushJob, PushOutcome

log = logging.getLogger(__name__)
LEASE = dt.timedelta(seconds=120)
INSERT_CHUNK = 2000


def subscribers_for(topics: list[str]) -> list[int]:
    """Subscriptions that chose at least one of the notice's topics."""
    wanted = set(topics)
    rows = db.session.execute(select(PushSubscription.id, PushSubscription.topics))
    return [sid for sid, chosen in rows if wanted & set(chosen or ())]


def enqueue_deliveries(notice: Notice, now: dt.datetime) -> int:
    """One queued delivery per matching subscription; running it twice adds nothing."""
    ids = subscribers_for(notice.topics)
    first_try = schedule.deliverable_at(now, notice.urgency.value)
    insert = (sqlite if is_sqlite() else postgresql).insert
    for start in range(0, len(ids), INSERT_CHUNK):
        rows = [
            {"notice_id": notice.id, "subscription_id": sid, "state": DeliveryState.QUEUED,
             "attempts": 0, "next_attempt_at": first_try}
            for sid in ids[start:start + INSERT_CHUNK]
        ]
        db.session.execute(insert(Delivery).on_conflict_do_nothing(index_elements=["notice_id", "subscription_id"]), rows)
    return len(ids)


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    notice_id: int
    subscription_id: int | None
    attempts: int


def _due(now: dt.datetime) -> ColumnElement[bool]:
    waiting = and_(Delivery.state.in_([DeliveryState.QUEUED, DeliveryState.RETRYING]), Delivery.next_attempt_at <= now)
    abandoned = and_(Delivery.state == DeliveryState.SENDING, Delivery.lease_until < now)
    return or_(waiting, abandoned)


def claim_batch(now: dt.datetime, limit: int = 500) -> list[Claimed]:
    """Take up to `limit` due deliveries for this worker, in one statement."""
    picked = select(Delivery.id).where(_due(now)).order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)
    if not is_sqlite():
        picked = picked.with_for_update(skip_locked=True)
    statement = (
        update(Delivery)
        .where(Delivery.id.in_(picked.scalar_subquery()))
        .values(state=DeliveryState.SENDING, lease_until=now + LEASE, attempts=Delivery.attempts + 1)
        .returning(Delivery.id, Delivery.notice_id, Delivery.subscription_id, Delivery.attempts)
        .execution_options(synchronize_session=False)
    )
    with write_transaction() as session:
        rows = session.execute(statement).all()
    return [Claimed(*row) for row in rows]


def build_jobs(claimed: list[Claimed], now: dt.datetime) -> tuple[list[PushJob], list[PushOutcome]]:
    """Jobs for the claimed rows; rows that can no longer be sent get their outcome at once."""
    notices = {n.id: n for n in db.session.scalars(select(Notice).where(Notice.id.in_({c.notice_id for c in claimed})))}
    subscriptions: dict[int | None, PushSubscription] = {
        s.id: s for s in db.session.scalars(
            select(PushSubscription).where(PushSubscription.id.in_({c.subscription_id for c in claimed if c.subscription_id}))
        )
    }
    jobs, settled = [], []
    payloads: dict[tuple[int, str], bytes] = {}
    for item in claimed:
        notice = notices.get(item.notice_id)
        subscription = subscriptions.get(item.subscription_id)
        if subscription is None:
            settled.append(PushOutcome(item.delivery_id, 410, error="subscription removed"))
            continue
        ttl = schedule.remaining_ttl(notice.published_at or now, notice.ttl, now) if notice else 0
        if notice is None or ttl <= 0 or notice.state.value == "cancelled":
            settled.append(PushOutcome(item.delivery_id, None, error="expired"))
            continue
        key = (notice.id, subscription.lang)
        if key not in payloads:
            # A path, not url_for(): the worker runs outside any request (and any SERVER_NAME).
            url = f"/{subscription.lang}/notices/{notice.id}"
            payloads[key] = build_payload(notice.id, notice.title, notice.body, subscription.lang, url)
        jobs.append(PushJob(
            delivery_id=item.delivery_id, endpoint=subscription.endpoint, origin=subscription.endpoint_origin,
            p256dh=subscription.p256dh, auth=subscription.auth, payload=payloads[key], ttl=ttl,
            urgency=notice.urgency.value, topic=f"notice-{notice.id}",
        ))
    return jobs, settled


def record_outcomes(outcomes: list[PushOutcome], claimed: list[Claimed], now: dt.datetime, rng=None) -> dict[str, int]:
    """Apply what the push services answered: sent, gone, failed, or retry with backoff."""
    by_id = {c.delivery_id: c for c in claimed}
    notices = {n.id: n for n in db.session.scalars(select(Notice).where(Notice.id.in_({c.notice_id for c in claimed})))}
    sent, failed, gone, retries = [], [], [], []
    statuses: dict[int, int | None] = {}
    for outcome in outcomes:
        statuses[outcome.delivery_id] = outcome.status
        status = outcome.status
        if status in (200, 201, 202, 204):
            sent.append(outcome.delivery_id)
        elif status in (404, 410):
            gone.append(outcome.delivery_id)
        elif outcome.error == "expired" or (status is not None and status < 500 and status != 429):
            failed.append(outcome.delivery_id)  # 400, 413 and other refusals: retrying cannot help
        else:
            item = by_id[outcome.delivery_id]
            notice = notices.get(item.notice_id)
            retry_at = schedule.next_retry(now, item.attempts, schedule.retry_after_seconds(outcome.retry_after, now), rng)
            retry_at = schedule.deliverable_at(retry_at, notice.urgency.value) if notice else retry_at
            deadline = schedule.expires_at(notice.published_at or now, notice.ttl) if notice else now
            (retries.append((outcome.delivery_id, retry_at)) if retry_at < deadline else failed.append(outcome.delivery_id))
    with write_transaction() as session:
        for state, ids in ((DeliveryState.SENT, sent), (DeliveryState.FAILED, failed), (DeliveryState.GONE, gone)):
            by_status = defaultdict(list)
            for delivery_id in ids:
                by_status[statuses.get(delivery_id)].append(delivery_id)
            for status, group in by_status.items():
                values: dict[str, object] = {"state": state, "lease_until": None, "last_status": status}
                if state is DeliveryState.SENT:
                    values["sent_at"] = now
                session.execute(update(Delivery).where(Delivery.id.in_(group)).values(**values)
                                .execution_options(synchronize_session=False))
        for delivery_id, retry_at in retries:
            session.execute(update(Delivery).where(Delivery.id == delivery_id).values(
                state=DeliveryState.RETRYING, next_attempt_at=retry_at, lease_until=None,
                last_status=statuses.get(delivery_id)).execution_options(synchronize_session=False))
        if gone:
            # The browser dropped the subscription: forget it (its deliveries keep their counts).
            dead = select(Delivery.subscription_id).where(Delivery.id.in_(gone), Delivery.subscription_id.is_not(None))
            session.execute(delete(PushSubscription).where(PushSubscription.id.in_(dead.scalar_subquery()))
                            .execution_options(synchronize_session=False))
    return {"sent": len(sent), "failed": len(failed), "gone": len(gone), "retrying": len(retries)}


def delivery_counts(notice_id: int) -> dict[str, int]:
    """For staff: how far a notice has got. `sending` rows count as queued."""
    counts = {"queued": 0, "sent": 0, "retrying": 0, "failed": 0, "gone": 0}
    rows = db.session.execute(
        select(Delivery.state, db.func.count()).where(Delivery.notice_id == notice_id).group_by(Delivery.state)
    )
    for state, count in rows:
        key = "queued" if state is DeliveryState.SENDING else state.value
        counts[key] += count
    return counts

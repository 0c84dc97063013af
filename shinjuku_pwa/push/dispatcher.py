"""The delivery queue: enqueue when a notice goes out, claim batches under a lease, record outcomes.

Any number of workers may run: a claim is one UPDATE ... RETURNING over rows picked with
FOR UPDATE SKIP LOCKED (PostgreSQL) or inside a BEGIN IMMEDIATE transaction (SQLite, where
SQLAlchemy silently drops skip_locked). A claim is leased for LEASE; while its batch is in
flight the worker renews the lease every HEARTBEAT (renew_leases), so the lease can be short: a
worker that dies leaves rows in `sending` whose lease runs out within LEASE, and the next claim
takes them again (at most the batches it had in flight are sent twice, two while one hands over to
the next; their Topic makes the push service replace the first copy).
"""
from __future__ import annotations

import datetime as dt
import logging
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..core.database import UtcDateTime, is_sqlite, write_transaction
from ..core.extensions import db
from ..notices.models import Notice
from . import schedule
from .models import Delivery, DeliveryState, PushSubscription
from .outcomes import Answer, Decision, Lifetime, Outcome, classify
from .payload import build_payload
from .sender import PushJob

log = logging.getLogger(__name__)
LEASE = dt.timedelta(seconds=20)  # PUSH_LEASE_SECONDS; a dead worker's rows go to another within this
_TABLE = cast(Table, Delivery.__table__)
_ROW = _TABLE.c
HEARTBEAT_FRACTION = 4  # renew four times per lease: one slow renewal never loses the claim
# A batch's ids: one parameter, not a thousand literals for SQLAlchemy to check one by one.
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)


def _chose_any_of(topics: list[str]) -> ColumnElement[bool]:
    """SQL: the subscription's JSON list of topics holds at least one of these (SQLite and PostgreSQL)."""
    if is_sqlite():
        chosen = func.json_each(PushSubscription.topics).table_valued("value")
    else:
        chosen = func.json_array_elements_text(PushSubscription.topics).table_valued("value").render_derived()
    return select(literal(1)).select_from(chosen).where(chosen.c.value.in_(topics)).exists()


def enqueue_deliveries(notice: Notice, now: dt.datetime) -> int:
    """One queued delivery per subscription that chose one of the notice's topics, in one statement
    (INSERT ... SELECT: no row travels through Python); running it twice adds nothing. Rows added."""
    first_try = schedule.deliverable_at(now, notice.urgency.value)
    matching = select(
        literal(notice.id, Integer()), PushSubscription.id, literal(DeliveryState.QUEUED.value, String()),
        literal(0, Integer()), literal(first_try, UtcDateTime()),
    ).where(_chose_any_of(list(notice.topics)))
    insert = (sqlite if is_sqlite() else postgresql).insert
    statement = insert(_TABLE).from_select(
        ["notice_id", "subscription_id", "state", "attempts", "next_attempt_at"], matching,
    ).on_conflict_do_nothing(index_elements=["notice_id", "subscription_id"])
    return db.session.execute(statement).rowcount  # type: ignore[attr-defined]


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


def claim_batch(now: dt.datetime, limit: int = 500, lease: dt.timedelta = LEASE) -> list[Claimed]:
    """Take up to `limit` due deliveries for this worker, in one statement."""
    picked = select(Delivery.id).where(_due(now)).order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)
    if not is_sqlite():
        picked = picked.with_for_update(skip_locked=True)
    statement = (
        update(Delivery)
        .where(Delivery.id.in_(picked.scalar_subquery()))
        .values(state=DeliveryState.SENDING, lease_until=now + lease, attempts=Delivery.attempts + 1)
        .returning(Delivery.id, Delivery.notice_id, Delivery.subscription_id, Delivery.attempts)
        .execution_options(synchronize_session=False)
    )
    with write_transaction() as session:
        rows = session.execute(statement).all()
    return [Claimed(*row) for row in rows]


def renew_leases(delivery_ids: list[int], now: dt.datetime, lease: dt.timedelta = LEASE) -> int:
    """The heartbeat: keep this worker's claim on rows still in flight; one statement. Rows count."""
    statement = (update(Delivery)
                 .where(Delivery.id.in_(delivery_ids), Delivery.state == DeliveryState.SENDING)
                 .values(lease_until=now + lease).execution_options(synchronize_session=False))
    with write_transaction() as session:
        return session.execute(statement).rowcount  # type: ignore[attr-defined]


@dataclass
class Prepared:
    """A claimed batch made ready to send: the jobs, the rows already settled, each notice's lifetime."""

    jobs: list[PushJob]
    settled: list[Answer]
    lifetimes: dict[int, Lifetime]


def build_jobs(claimed: list[Claimed], now: dt.datetime) -> Prepared:
    """Jobs for the claimed rows; rows that can no longer be sent get their answer at once.

    The payload is built once per notice and language, not per delivery.
    """
    notices = {n.id: n for n in db.session.scalars(select(Notice).where(Notice.id.in_({c.notice_id for c in claimed})))}
    # Plain rows (unpacked as tuples), not ORM objects: this runs for every delivery. The ids go in as
    # one expanding parameter: IN over a Python list checks each of its thousand items.
    wanted = list({c.subscription_id for c in claimed if c.subscription_id})
    subscriptions = {row[0]: row for row in db.session.execute(
        select(PushSubscription.id, PushSubscription.endpoint, PushSubscription.endpoint_origin, PushSubscription.p256dh,
               PushSubscription.auth, PushSubscription.lang).where(PushSubscription.id.in_(_IDS)), {"ids": wanted})}
    prepared = Prepared([], [], {
        n.id: Lifetime(n.published_at or now, n.ttl, n.urgency.value) for n in notices.values()
    })
    # Per notice, once: the TTL left (0 when cancelled), its urgency and Topic; per language, the payload.
    ttls = {n.id: 0 if n.state.value == "cancelled" else schedule.remaining_ttl(n.published_at or now, n.ttl, now)
            for n in notices.values()}
    topics = {n.id: f"notice-{n.id}" for n in notices.values()}
    payloads: dict[tuple[int, str], bytes] = {}
    for item in claimed:
        subscription = subscriptions.get(item.subscription_id) if item.subscription_id else None
        if subscription is None:
            prepared.settled.append(Answer(item.delivery_id, 410, error="subscription removed"))
            continue
        notice_id = item.notice_id
        ttl = ttls.get(notice_id, 0)
        if ttl <= 0:
            prepared.settled.append(Answer(item.delivery_id, None, error="expired"))
            continue
        _id, endpoint, origin, p256dh, auth, lang = subscription
        key = (notice_id, lang)
        payload = payloads.get(key)
        if payload is None:
            notice = notices[notice_id]
            # A path, not url_for(): the worker runs outside any request (and any SERVER_NAME).
            url = f"/{lang}/notices/{notice_id}"
            payload = payloads[key] = build_payload(notice_id, notice.title, notice.body, lang, url)
        prepared.jobs.append(PushJob(
            delivery_id=item.delivery_id, endpoint=endpoint, origin=origin, p256dh=p256dh, auth=auth, payload=payload,
            ttl=ttl, urgency=prepared.lifetimes[notice_id].urgency, topic=topics[notice_id],
        ))
    return prepared


def decide(answers: list[Answer], claimed: list[Claimed], lifetimes: dict[int, Lifetime], now: dt.datetime,
           rng: random.Random | None = None) -> list[Decision]:
    """Classify every answer of a batch (outcomes.classify); no database work."""
    by_id = {c.delivery_id: c for c in claimed}
    return [
        classify(answer, by_id[answer.delivery_id].attempts, lifetimes.get(by_id[answer.delivery_id].notice_id), now, rng)
        for answer in answers
    ]




def _settle(session: Session, state: DeliveryState, decisions: list[Decision], **values: object) -> None:
    """One UPDATE for every row of one outcome; each row keeps its own status (a CASE when they differ)."""
    if not decisions:
        return
    by_status: dict[int | None, list[int]] = defaultdict(list)
    for decision in decisions:
        by_status[decision.status].append(decision.delivery_id)
    if len(by_status) == 1:
        last_status: object = next(iter(by_status))
    else:
        last_status = case(*((_ROW.id.in_(ids), literal(status, Integer())) for status, ids in by_status.items()))
    session.execute(update(_TABLE).where(_ROW.id.in_(_IDS))
                    .values(state=state, lease_until=None, last_status=last_status, **values),
                    {"ids": [d.delivery_id for d in decisions]})


def record_outcomes(decisions: list[Decision], now: dt.datetime) -> dict[str, int]:
    """Write a batch's decisions: one statement per kind of outcome, plus one delete for gone subscriptions."""
    grouped: dict[Outcome, list[Decision]] = defaultdict(list)
    for decision in decisions:
        grouped[decision.outcome].append(decision)
    with write_transaction() as session:
        _settle(session, DeliveryState.SENT, grouped[Outcome.SENT], sent_at=now)
        _settle(session, DeliveryState.FAILED, grouped[Outcome.FAILED])
        _settle(session, DeliveryState.GONE, grouped[Outcome.GONE])
        if grouped[Outcome.RETRY]:
            # Each retry has its own time: one statement run with every row's values (executemany).
            session.execute(
                update(_TABLE).where(_ROW.id == bindparam("row_id")).values(
                    state=DeliveryState.RETRYING, lease_until=None, last_status=bindparam("row_status", type_=Integer()),
                    next_attempt_at=bindparam("row_retry_at", type_=UtcDateTime())),
                [{"row_id": d.delivery_id, "row_status": d.status, "row_retry_at": d.retry_at} for d in grouped[Outcome.RETRY]])
        if grouped[Outcome.GONE]:
            # The browser dropped the subscription: forget it (its deliveries keep their counts).
            gone = [d.delivery_id for d in grouped[Outcome.GONE]]
            dead = select(Delivery.subscription_id).where(Delivery.id.in_(gone), Delivery.subscription_id.is_not(None))
            session.execute(delete(PushSubscription).where(PushSubscription.id.in_(dead.scalar_subquery()))
                            .execution_options(synchronize_session=False))
    return {outcome.value: len(grouped[outcome]) for outcome in Outcome}


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

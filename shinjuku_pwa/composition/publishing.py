"""Publish, then send: the loop a push worker runs. It crosses three domains: notices (what is
due), push (the delivery queue and the sending) and search (published notices join the index)."""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from ..core import versions
from ..core.clock import utcnow
from ..core.database import write_transaction
from ..notices.services import expire_due, take_due_notices
from ..push.dispatcher import (
    HEARTBEAT_FRACTION,
    LEASE,
    Claimed,
    Prepared,
    build_jobs,
    claim_batch,
    decide,
    enqueue_deliveries,
    record_outcomes,
    renew_leases,
)
from ..push.outcomes import Answer
from ..push.sender import PushSender
from ..push.vapid import signer_for
from ..search.service import refresh_index
from ..staff.audit import Actor, record_action

log = logging.getLogger(__name__)



@dataclass
class PassReport:
    published: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"sent": 0, "failed": 0, "gone": 0, "retrying": 0})

    def add(self, counts: dict[str, int]) -> None:
        for key, value in counts.items():
            self.counts[key] += value


def publish_due(now: dt.datetime) -> list[int]:
    """Publish every scheduled notice whose time has come and queue its pushes, in one transaction."""
    with write_transaction() as session:
        published = take_due_notices(session, now)
        if published:
            versions.bump(session, versions.NOTICES)
        for notice in published:
            count = enqueue_deliveries(notice, now) if notice.push else 0
            record_action(Actor.system("push worker"), "notice.published", "notice", notice.id,
                          {"deliveries": count}, at=now)
    return [notice.id for notice in published]


def sender_for(app: Flask) -> PushSender:
    """A sender configured from the app's settings (use it as `async with`)."""
    return PushSender(signer_for(app), concurrency=app.config["PUSH_CONCURRENCY"],
                      timeout_seconds=app.config["PUSH_TIMEOUT_SECONDS"],
                      connections_per_origin=app.config["PUSH_CONNECTIONS_PER_ORIGIN"])


def lease_for(app: Flask) -> dt.timedelta:
    return dt.timedelta(seconds=app.config["PUSH_LEASE_SECONDS"])


async def _keep_leased(delivery_ids: list[int], clock: Callable[[], dt.datetime], lease: dt.timedelta) -> None:
    """Renew the batch's lease every lease/HEARTBEAT_FRACTION until cancelled (when the batch is recorded)."""
    while True:
        await asyncio.sleep(lease.total_seconds() / HEARTBEAT_FRACTION)
        try:
            renew_leases(delivery_ids, clock(), lease)
        except Exception:  # a database hiccup: the next beat tries again before the lease runs out
            log.exception("push lease renewal failed")


@dataclass
class _Batch:
    """A claimed batch on its way: its jobs being sent, its lease renewed until it is recorded."""

    claimed: list[Claimed]
    prepared: Prepared
    drained: asyncio.Event  # every job taken by a lane: only the last answers are still to come
    sending: asyncio.Task[list[Answer]]
    heartbeat: asyncio.Task[None]

    def cancel(self) -> None:
        self.sending.cancel()
        self.heartbeat.cancel()


def _start_batch(sender: PushSender, clock: Callable[[], dt.datetime], batch_size: int,
                 lease: dt.timedelta) -> _Batch | None:
    """Claim a batch, build its jobs and start sending them (a task); None when nothing is due."""
    now = clock()
    claimed = claim_batch(now, batch_size, lease)
    if not claimed:
        return None
    heartbeat = asyncio.create_task(_keep_leased([c.delivery_id for c in claimed], clock, lease))
    try:
        prepared = build_jobs(claimed, now)
    except BaseException:
        heartbeat.cancel()
        raise
    drained = asyncio.Event()
    return _Batch(claimed, prepared, drained, asyncio.create_task(sender.send(prepared.jobs, drained)), heartbeat)


async def _until_drained(batch: _Batch) -> None:
    """Until every job of the batch has been taken by a lane (or its sending ended)."""
    drained = asyncio.ensure_future(batch.drained.wait())
    try:
        await asyncio.wait((batch.sending, drained), return_when=asyncio.FIRST_COMPLETED)
    finally:
        drained.cancel()


async def _send_due(sender: PushSender, report: PassReport, clock: Callable[[], dt.datetime], batch_size: int,
                    max_batches: int | None, lease: dt.timedelta) -> None:
    """Claim, send and record batches until nothing is due (or max_batches), each kept leased while in flight.

    Batches overlap: once every job of a batch is on a lane, the next batch is claimed, built and
    started, and its lanes take the connections as the first batch's last answers come in; the
    first is recorded when its last answer is in. So the connections never wait for a batch's tail,
    its recording or the next claim. At most two claims are in flight (and leased) at once, so each
    claims half of batch_size: a worker never holds more than batch_size deliveries, which is what
    a killed worker may leave to be sent twice. (With batch_size 1 there is no overlap.)
    """
    overlap = batch_size >= 2
    claim_size = batch_size // 2 if overlap else batch_size
    started = 0
    current = _start_batch(sender, clock, claim_size, lease) if max_batches is None or max_batches > 0 else None
    following: _Batch | None = None
    try:
        while current is not None:
            started += 1
            await _until_drained(current)
            failure: SQLAlchemyError | None = None
            if overlap and (max_batches is None or started < max_batches):
                try:
                    following = _start_batch(sender, clock, claim_size, lease)
                except SQLAlchemyError as exc:  # a database hiccup: record the batch in flight, then give up
                    failure = exc
            answers = current.prepared.settled + await current.sending
            current.heartbeat.cancel()
            done = clock()
            report.add(record_outcomes(decide(answers, current.claimed, current.prepared.lifetimes, done), done))
            current, following = following, None
            if failure is not None:
                raise failure
            if not overlap and (max_batches is None or started < max_batches):
                current = _start_batch(sender, clock, claim_size, lease)
    finally:  # an error: whatever is still in flight stops; its rows go back to the queue when their lease ends
        for batch in (current, following):
            if batch is not None:
                batch.cancel()


async def run_pass(sender: PushSender, clock: Callable[[], dt.datetime] = utcnow, batch_size: int = 500,
                   max_batches: int | None = None, lease: dt.timedelta = LEASE) -> PassReport:
    """Publish what is due, send until nothing due is left (or max_batches), then refresh the search index.

    Phones first: rebuilding this host's index takes seconds, and web hosts follow the version
    bumped by publishing on their own (core/versions.py). While a batch is in flight its lease
    is renewed (a heartbeat), so a short lease never expires under a live worker.
    """
    report = PassReport()
    now = clock()
    report.published = publish_due(now)
    index_changed = bool(report.published) | bool(expire_due(now))
    try:
        await _send_due(sender, report, clock, batch_size, max_batches, lease)
    finally:  # even when sending failed: the notice is published, search must find it
        if index_changed:
            # Published notices join the search index, expired ones leave it (this host's index).
            refresh_index(strict=False)
    return report


async def run_forever(app, idle_seconds: float = 1.0, clock=utcnow) -> None:
    """Until SIGINT/SIGTERM: a pass, then a short sleep when there was nothing to do."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass  # no handlers off the main thread (tests) or on Windows: Ctrl-C still interrupts
    async with sender_for(app) as sender:
        while not stop.is_set():
            try:
                report = await run_pass(sender, clock, batch_size=app.config["PUSH_BATCH_SIZE"], lease=lease_for(app))
            except Exception:  # a database hiccup must not kill the worker: log and try again
                log.exception("push pass failed")
                report = PassReport()
            if report.published or any(report.counts.values()):
                log.info("push pass: published %s, %s", report.published, report.counts)
                continue
            try:
                await asyncio.wait_for(stop.wait(), timeout=idle_seconds)
            except TimeoutError:
                pass

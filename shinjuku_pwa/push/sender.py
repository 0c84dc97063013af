"""Encrypt (RFC 8291, push/ece.py) and send many notifications at once over keep-alive connections.

Per message only what must differ is done: a fresh key and salt, the encryption, and the
endpoint's path. The payload (per notice and language), the VAPID header (per origin) and the
rest of the request head (per origin and notice) are made once and reused.
"""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import ece
from .connections import OriginPool
from .outcomes import Answer
from .vapid import VapidSigner


@dataclass(frozen=True)
class PushJob:
    delivery_id: int
    endpoint: str
    origin: str
    p256dh: str
    auth: str
    payload: bytes
    ttl: int
    urgency: str
    topic: str  # replaces an earlier message with the same topic on the phone (retries never double)


def encrypt(job: PushJob) -> bytes | None:
    """The request body; None where the browser's key cannot be used."""
    try:
        return ece.encrypt(job.payload, job.p256dh, job.auth)
    except ValueError:  # KeyRefused, or a payload too large (payload.py keeps them small)
        return None


def endpoint_path(endpoint: str, origin: str) -> str:
    if endpoint.startswith(origin) and endpoint[len(origin):len(origin) + 1] == "/":
        return endpoint[len(origin):]
    parts = urlsplit(endpoint)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class PushSender:
    """One per worker: connection pools kept open between batches, many requests in flight.

    Encryption runs in this process: run one worker process per core (`push worker --processes`).
    """

    def __init__(self, signer: VapidSigner, concurrency: int = 200, timeout_seconds: float = 10.0,
                 connections_per_origin: int | None = None) -> None:
        self.signer = signer
        self.concurrency = concurrency
        self.connections_per_origin = connections_per_origin or concurrency
        self.timeout_seconds = timeout_seconds
        self._pools: dict[str, OriginPool] | None = None
        self._heads: dict[tuple[str, int, str, str], bytes] = {}
        # Lanes of every send() at once: two batches overlap while one hands over to the next.
        self._lane_gate: asyncio.Semaphore | None = None

    async def __aenter__(self) -> PushSender:
        self._pools = {}
        self._lane_gate = asyncio.Semaphore(self.concurrency)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for pool in (self._pools or {}).values():
            pool.close()
        self._pools = None

    def _pool(self, origin: str) -> OriginPool:
        if self._pools is None:
            raise RuntimeError("PushSender sends only inside `async with`")
        pool = self._pools.get(origin)
        if pool is None:
            pool = self._pools[origin] = OriginPool(origin, self.connections_per_origin,
                                                    timeout_seconds=self.timeout_seconds)
        return pool

    def _head(self, job: PushJob) -> bytes:
        """The header lines shared by every message of one notice to one push service (VAPID per origin)."""
        key = (job.origin, job.ttl, job.urgency, job.topic)
        head = self._heads.get(key)
        if head is None:
            if len(self._heads) > 10_000:
                self._heads.clear()
            headers = {
                **self.signer.headers_for(job.origin),
                "TTL": str(job.ttl),
                "Urgency": job.urgency,
                "Topic": job.topic,
                "Content-Encoding": "aes128gcm",
                "Content-Type": "application/octet-stream",
            }
            head = self._heads[key] = "".join(f"{name}: {value}\r\n" for name, value in headers.items()).encode("latin-1")
        return head

    async def _send_one(self, pool: OriginPool | None, job: PushJob, body: bytes | None) -> Answer:
        """One message on a lane holding one of `pool`'s slots (None: the origin is not http(s))."""
        if body is None:  # a key the browser gave us that cannot be used
            return Answer(job.delivery_id, 400, error="encrypt")
        if pool is None:  # not an http(s) origin: no later try can help
            return Answer(job.delivery_id, 400, error="origin")
        try:  # the pool times the request out (timeout_seconds)
            status, retry_after = await pool.post_in_slot(endpoint_path(job.endpoint, job.origin), self._head(job), body)
        except (TimeoutError, OSError) as exc:  # refused, reset, TLS, closed early, timed out
            return Answer(job.delivery_id, None, error=type(exc).__name__)
        except ValueError:  # an endpoint no HTTP request can carry (not ASCII): no later try can help
            return Answer(job.delivery_id, 400, error="endpoint")
        return Answer(job.delivery_id, status, retry_after)

    def _lanes(self, jobs: list[PushJob]) -> list[tuple[int, list[int]]]:
        """(lanes, job indexes) per origin: never more lanes than connections (a lane waiting for a
        connection only costs), and `concurrency` in all, except that every origin gets at least one."""
        by_origin: dict[str, list[int]] = {}
        for index, job in enumerate(jobs):
            by_origin.setdefault(job.origin, []).append(index)
        budget = self.concurrency
        plan: list[tuple[int, list[int]]] = []
        for indexes in sorted(by_origin.values(), key=len):  # small origins first: each keeps its lane
            share = max(1, min(len(indexes), self.connections_per_origin, budget // (len(by_origin) - len(plan))))
            budget -= share
            plan.append((share, indexes))
        return plan

    async def send(self, jobs: list[PushJob], drained: asyncio.Event | None = None) -> list[Answer]:
        """Send every job; the answers come back in the jobs' order.

        Lanes each take the next job of their origin, encrypt it and send it: while one lane waits
        for its answer another encrypts, so the CPU and the connections stay busy without a task
        per message. A lane holds one of its pool's connection slots while it lasts (there are never
        more lanes than slots), not one per message, and one of the sender's `concurrency` lane
        slots, shared by every send() in progress. `drained` (if given) is set once every job has
        been taken by a lane: only the last answers are still to come, and another send() may
        start; its lanes take the slots as this one's finish.
        """
        gate = self._lane_gate
        if gate is None:
            raise RuntimeError("PushSender sends only inside `async with`")
        answers: list[Answer | None] = [None] * len(jobs)
        left = [len(jobs)]
        if drained is not None and not jobs:
            drained.set()

        async def lane(pool: OriginPool | None, waiting: Iterator[int]) -> None:
            async with gate, pool.slot() if pool is not None else contextlib.nullcontext():
                for index in waiting:  # shared by the origin's lanes: each job is taken once
                    left[0] -= 1
                    if not left[0] and drained is not None:
                        drained.set()
                    job = jobs[index]
                    answers[index] = await self._send_one(pool, job, encrypt(job))

        lanes: list[Coroutine[None, None, None]] = []
        for count, indexes in self._lanes(jobs):
            try:
                pool: OriginPool | None = self._pool(jobs[indexes[0]].origin)
            except ValueError:  # not an http(s) origin
                pool = None
            waiting = iter(indexes)
            lanes.extend(lane(pool, waiting) for _ in range(count))
        await asyncio.gather(*lanes)
        return [answer for answer in answers if answer is not None]

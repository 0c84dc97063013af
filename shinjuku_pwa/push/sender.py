"""Encrypt (RFC 8291, via pywebpush) and send many notifications at once over pooled connections."""
from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from dataclasses import dataclass

import aiohttp
from pywebpush import WebPusher

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


def encrypt(job: PushJob) -> bytes:
    pusher = WebPusher({"endpoint": job.endpoint, "keys": {"p256dh": job.p256dh, "auth": job.auth}})
    return pusher.encode(job.payload, content_encoding="aes128gcm")["body"]


def encrypt_many(jobs: list[PushJob]) -> list[bytes | None]:
    """Encrypt a chunk (run in a process pool); None where a browser's key cannot be used."""
    bodies: list[bytes | None] = []
    for job in jobs:
        try:
            bodies.append(encrypt(job))
        except Exception:  # noqa: BLE001 - a bad key fails one delivery, never the batch
            bodies.append(None)
    return bodies


ENCRYPT_CHUNK = 100


class PushSender:
    """One per worker: a connection pool kept open between batches, many requests in flight."""

    def __init__(self, signer: VapidSigner, concurrency: int = 200, timeout_seconds: float = 10.0,
                 encrypt_pool: Executor | None = None) -> None:
        # Encryption is the CPU-heavy half; a process pool does it on other cores while this
        # process keeps the connections busy. Without a pool it runs inline.
        self.encrypt_pool = encrypt_pool
        self.signer = signer
        self.concurrency = concurrency
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds, sock_connect=min(5.0, timeout_seconds))
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> PushSender:
        connector = aiohttp.TCPConnector(limit=self.concurrency, limit_per_host=self.concurrency,
                                         keepalive_timeout=60, ttl_dns_cache=300)
        self._session = aiohttp.ClientSession(connector=connector, timeout=self.timeout)
        return self

    async def __aexit__(self, *exc_info) -> None:
        if self._session:
            await self._session.close()

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("PushSender sends only inside `async with`")
        return self._session

    async def _send_one(self, job: PushJob, body: bytes | None, gate: asyncio.Semaphore) -> Answer:
        if body is None:  # a key the browser gave us that cannot be used
            return Answer(job.delivery_id, 400, error="encrypt")
        async with gate:
            headers = {
                **self.signer.headers_for(job.origin),
                "TTL": str(job.ttl),
                "Urgency": job.urgency,
                "Topic": job.topic,
                "Content-Encoding": "aes128gcm",
                "Content-Type": "application/octet-stream",
            }
            try:
                async with self._client().post(job.endpoint, data=body, headers=headers, allow_redirects=False) as response:
                    await response.read()
                    return Answer(job.delivery_id, response.status, response.headers.get("Retry-After"))
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                return Answer(job.delivery_id, None, error=type(exc).__name__)

    async def _send_chunk(self, chunk: list[PushJob], gate: asyncio.Semaphore) -> list[Answer]:
        if self.encrypt_pool is None:
            bodies = encrypt_many(chunk)
        else:
            bodies = await asyncio.get_running_loop().run_in_executor(self.encrypt_pool, encrypt_many, chunk)
        return list(await asyncio.gather(*(self._send_one(job, body, gate) for job, body in zip(chunk, bodies, strict=True))))

    async def send(self, jobs: list[PushJob]) -> list[Answer]:
        gate = asyncio.Semaphore(self.concurrency)
        chunks = [jobs[i:i + ENCRYPT_CHUNK] for i in range(0, len(jobs), ENCRYPT_CHUNK)]
        results = await asyncio.gather(*(self._send_chunk(chunk, gate) for chunk in chunks))
        return [outcome for chunk in results for outcome in chunk]

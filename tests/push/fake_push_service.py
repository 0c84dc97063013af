"""A stand-in push service on loopback: records what it receives and answers as told.

Used by tests (in a thread) and by bench/push_fanout.py (in its own process). Answers are
scripted per endpoint path; the default is 201 Created after `delay` seconds.
"""
from __future__ import annotations

import asyncio
import threading
from collections import defaultdict, deque
from dataclasses import dataclass

from aiohttp import web

HOLD_SECONDS = 5.0


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict
    body: bytes


class FakePushService:
    def __init__(self, delay: float = 0.0, record: bool = True, hold_first_answer_until: int = 0,
                 hold_seconds: float = HOLD_SECONDS):
        self.delay = delay
        self.record = record
        # The first request's answer waits until this many requests have arrived (at most hold_seconds);
        # how many had arrived when it went out is kept in seen_by_first_answer.
        self.hold_first_answer_until = hold_first_answer_until
        self.hold_seconds = hold_seconds
        self.seen_by_first_answer: int | None = None
        self._enough: asyncio.Event | None = None
        self.received: list[Received] = []
        self.count = 0
        self.scripts: dict[str, deque] = defaultdict(deque)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def script(self, name: str, *answers: tuple[int, dict]) -> None:
        """Answer the next requests to this endpoint with these (status, headers), in order."""
        self.scripts[f"/push/{name}"].extend(answers)

    def received_at(self, name: str) -> list[Received]:
        return [r for r in self.received if r.path == f"/push/{name}"]

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.count += 1
        if self.record:
            self.received.append(Received(request.path, dict(request.headers), body))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.hold_first_answer_until:
            await self._hold(first=self.count == 1)
        script = self.scripts.get(request.path)
        status, headers = script.popleft() if script else (201, {})
        return web.Response(status=status, headers=headers)

    async def _hold(self, first: bool) -> None:
        if self._enough is None:
            self._enough = asyncio.Event()
        if self.count >= self.hold_first_answer_until:
            self._enough.set()
        if first:
            try:
                await asyncio.wait_for(self._enough.wait(), self.hold_seconds)
            except TimeoutError:
                pass
            self.seen_by_first_answer = self.count

    async def start_async(self, port: int = 0) -> None:
        app = web.Application(client_max_size=8192)
        app.router.add_post("/push/{name}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port, backlog=1024)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    def start_in_thread(self) -> FakePushService:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self.start_async())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop and self._runner:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()

"""A minimal push-service stand-in for benchmarks: HTTP/1.1 keep-alive, 201 after a delay.

Deliberately lean (an asyncio protocol, no framework) so the benchmark measures our sender,
not the stand-in: a real push service runs on someone else's machines. Several processes can
share one port (SO_REUSEPORT), so the stand-in is never what limits the figure; the benchmark
measures its capacity and prints it.
"""
from __future__ import annotations

import asyncio
import threading
from collections import Counter

RESPONSE = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n"


class _Connection(asyncio.Protocol):
    def __init__(self, delay: float, counter: list[int], paths: Counter[str] | None) -> None:
        self.delay = delay
        self.counter = counter
        self.paths = paths
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end].lower()
            length = 0
            start = head.find(b"\r\ncontent-length:")
            if start >= 0:
                end = head.find(b"\r\n", start + 2)
                length = int(head[start + 17:end if end >= 0 else len(head)])
            total = head_end + 4 + length
            if len(self.buffer) < total:
                return
            self.buffer = self.buffer[total:]
            self.counter[0] += 1
            if self.paths is not None:
                self.paths[head[head.find(b" ") + 1:head.find(b" ", head.find(b" ") + 1)].decode()] += 1
            if self.delay:
                asyncio.get_running_loop().call_later(self.delay, self._answer)
            else:
                self._answer()

    def _answer(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(RESPONSE)


async def start(delay: float, port: int = 0, reuse_port: bool = False,
                paths: Counter[str] | None = None) -> tuple[asyncio.Server, int, list[int]]:
    """Serve on 127.0.0.1; `paths` (if given) counts requests per path (lower-cased)."""
    counter = [0]
    server = await asyncio.get_running_loop().create_server(
        lambda: _Connection(delay, counter, paths), "127.0.0.1", port, backlog=4096, reuse_port=reuse_port)
    return server, server.sockets[0].getsockname()[1], counter


class CountingService:
    """The stand-in on a thread of its own, counting requests per path (for tests with many messages)."""

    def __init__(self) -> None:
        self.paths: Counter[str] = Counter()
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> CountingService:
        self._thread.start()
        self.server, self.port, _ = asyncio.run_coroutine_threadsafe(start(0, paths=self.paths), self.loop).result(10)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()

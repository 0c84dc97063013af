"""A minimal push-service stand-in for benchmarks: HTTP/1.1 keep-alive, 201 after a delay.

Deliberately lean (an asyncio protocol, no framework) so the benchmark measures our sender,
not the stand-in: a real push service runs on someone else's machines.
"""
from __future__ import annotations

import asyncio

RESPONSE = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n"


class _Connection(asyncio.Protocol):
    def __init__(self, delay: float, counter: list):
        self.delay = delay
        self.counter = counter
        self.buffer = b""
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes):
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end].lower()
            length = 0
            for line in head.split(b"\r\n"):
                if line.startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            total = head_end + 4 + length
            if len(self.buffer) < total:
                return
            self.buffer = self.buffer[total:]
            self.counter[0] += 1
            loop = asyncio.get_running_loop()
            loop.call_later(self.delay, self._answer)

    def _answer(self):
        if not self.transport.is_closing():
            self.transport.write(RESPONSE)


async def start(delay: float, port: int = 0):
    counter = [0]
    server = await asyncio.get_running_loop().create_server(
        lambda: _Connection(delay, counter), "127.0.0.1", port, backlog=2048)
    return server, server.sockets[0].getsockname()[1], counter

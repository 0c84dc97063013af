"""A lean HTTP/1.1 client for push services: keep-alive connections pooled per origin.

Push services answer a POST with a status and (nearly always) an empty body; all we need back is
the status and Retry-After. aiohttp's general client cost more per request than the encryption
(bench/push_fanout.py profile), so this sends prebuilt request heads over asyncio protocols:
one request at a time per connection (no pipelining, which push services need not support),
at most `limit` connections per origin, idle connections reused for `idle_seconds`.

Each request is written as soon as it is ready. Holding a turn's requests back to write them together
at its end (tried) saved little CPU and cost a third of the deliveries per second: the service's clock
started later for every message, and the answers came back in bursts with idle gaps between them.

An answer not back within `timeout_seconds` fails with TimeoutError. One watchdog per pool checks
the requests in flight a few times a second instead of a timer per message: with thousands of
messages a second, a timer armed and cancelled for each cost more than the rest of the request.
"""
from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from urllib.parse import urlsplit


class PushServiceError(OSError):
    """The connection failed or closed before a whole answer arrived, or the answer was not HTTP."""


class _Connection(asyncio.Protocol):
    """One keep-alive connection; `request` sends one request and waits for its whole answer."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, str | None, bool]] | None = None
        self.closed = False
        self.idle_since = 0.0
        self.sent_at = 0.0
        self.used = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter and not self.waiter.done():
            self.waiter.set_exception(PushServiceError("connection closed before the answer"))

    def eof_received(self) -> bool:
        return False  # close our side too

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is None or self.waiter.done():
            if not self.waiter:
                self.close()  # bytes nobody asked for: the connection cannot be trusted
            return
        try:
            answer = _parse(self.buffer)
        except ValueError as exc:
            self.waiter.set_exception(PushServiceError(str(exc)))
            self.close()
            return
        if answer is not None:
            self.buffer.clear()
            self.waiter.set_result(answer)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def time_out(self) -> None:
        """No answer in time: fail the request and drop the connection (its state is unknown)."""
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(TimeoutError("no answer from the push service in time"))
        self.close()

    def request(self, data: bytes) -> asyncio.Future[tuple[int, str | None, bool]]:
        """(status, Retry-After, keep-alive) for one request written whole, once it is answered.

        A plain function returning the future (not a coroutine): one frame less per message.
        The caller sets `waiter` back to None when it has the answer.
        """
        if self.transport is None or self.closed:
            raise PushServiceError("connection closed")
        self.waiter = asyncio.get_running_loop().create_future()
        self.sent_at = time.monotonic()
        self.transport.write(data)
        return self.waiter


def _header(head: bytes, lowered: bytes, name: bytes) -> bytes | None:
    """The value of header `name` (CRLF, the lower-case name, a colon) in `head`, or None.

    Found with bytes.find in the lower-cased head rather than by splitting it into a dict: only
    four headers matter, and this runs for every answer.
    """
    start = lowered.find(name)
    if start < 0:
        return None
    start += len(name)
    end = lowered.find(b"\r\n", start)
    return head[start:end if end >= 0 else len(head)].strip()


def _parse(buffer: bytearray) -> tuple[int, str | None, bool] | None:
    """The answer in `buffer` once it is complete (head and body), else None. Raises ValueError on garbage."""
    while True:
        head_end = buffer.find(b"\r\n\r\n")
        if head_end < 0:
            if len(buffer) > 65536:
                raise ValueError("answer head too long")
            return None
        head = bytes(buffer[:head_end])
        line_end = head.find(b"\r\n")
        parts = head[:line_end if line_end >= 0 else len(head)].split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
            raise ValueError("not an HTTP/1.x answer")
        status = int(parts[1])
        if 100 <= status < 200:  # an interim answer (100 Continue): the real one follows
            del buffer[:head_end + 4]
            continue
        break
    lowered = head.lower()
    body_start = head_end + 4
    connection = _header(head, lowered, b"\r\nconnection:")
    keep_alive = parts[0] == b"HTTP/1.1" and (connection is None or connection.lower() != b"close")
    transfer_encoding = _header(head, lowered, b"\r\ntransfer-encoding:")
    if status in (204, 304):
        complete = True
    elif transfer_encoding is not None and transfer_encoding.lower().endswith(b"chunked"):
        complete = _chunked_complete(buffer, body_start)
    elif (length := _header(head, lowered, b"\r\ncontent-length:")) is not None:
        complete = len(buffer) - body_start >= int(length)
    else:
        # No length: the body ends when the connection does. We never read it; drop the connection.
        complete, keep_alive = True, False
    if not complete:
        return None
    retry_after = _header(head, lowered, b"\r\nretry-after:")
    return status, retry_after.decode("latin-1") if retry_after is not None else None, keep_alive


def _chunked_complete(buffer: bytearray, position: int) -> bool:
    while True:
        line_end = buffer.find(b"\r\n", position)
        if line_end < 0:
            return False
        size = int(bytes(buffer[position:line_end]).split(b";", 1)[0], 16)
        position = line_end + 2
        if size == 0:
            return buffer.find(b"\r\n\r\n", position - 2) >= 0  # trailers end with an empty line
        position += size + 2
        if position > len(buffer):
            return False


class OriginPool:
    """Keep-alive connections to one push-service origin, at most `limit` at once."""

    def __init__(self, origin: str, limit: int, idle_seconds: float = 30.0,
                 ssl_context: ssl.SSLContext | None = None, timeout_seconds: float = 10.0) -> None:
        parts = urlsplit(origin)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("a push-service origin is http(s)://host[:port]")
        self.host = parts.hostname
        self.tls = parts.scheme == "https"
        self.port = parts.port or (443 if self.tls else 80)
        self.host_header = parts.netloc.rsplit("@", 1)[-1]
        self.host_bytes = self.host_header.encode("ascii")
        self.ssl_context = (ssl_context or ssl.create_default_context()) if self.tls else None
        self.idle_seconds = idle_seconds
        self.gate = asyncio.Semaphore(limit)
        self.idle: deque[_Connection] = deque()
        self.timeout_seconds = timeout_seconds
        self.busy: set[_Connection] = set()
        self._watchdog: asyncio.TimerHandle | None = None

    def _watch(self) -> None:
        """Fail the requests waiting longer than the timeout; look again while any is in flight."""
        self._watchdog = None
        late = time.monotonic() - self.timeout_seconds
        for connection in [c for c in self.busy if c.sent_at < late]:
            connection.time_out()
        if self.busy:
            self._arm()

    def _arm(self) -> None:
        if self._watchdog is None:
            # Checked four times per timeout (at most once a second): an answer fails within 1.25 timeouts.
            self._watchdog = asyncio.get_running_loop().call_later(min(1.0, self.timeout_seconds / 4), self._watch)

    def _idle_connection(self) -> _Connection | None:
        while self.idle:
            connection = self.idle.pop()  # the most recently used: the least likely to have timed out
            if not connection.closed and time.monotonic() - connection.idle_since < self.idle_seconds:
                return connection
            connection.close()
        return None

    async def _new_connection(self) -> _Connection:
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(self.timeout_seconds):  # a new connection only: rare next to requests
            _transport, connection = await loop.create_connection(
                _Connection, self.host, self.port, ssl=self.ssl_context,
                server_hostname=self.host if self.tls else None)
        return connection

    async def _request(self, connection: _Connection, request: bytes) -> tuple[int, str | None, bool]:
        self.busy.add(connection)
        self._arm()
        try:
            return await connection.request(request)
        finally:
            connection.waiter = None
            self.busy.discard(connection)

    async def post(self, path: str, head: bytes, body: bytes) -> tuple[int, str | None]:
        """POST body to path with the prebuilt header lines `head` (each ending CRLF); (status, Retry-After)."""
        async with self.gate:
            return await self.post_in_slot(path, head, body)

    def slot(self) -> asyncio.Semaphore:
        """`async with pool.slot():` one of the `limit` connections for a sender's lane while it lasts;
        inside it, post_in_slot sends without taking the gate again for every message."""
        return self.gate

    async def post_in_slot(self, path: str, head: bytes, body: bytes) -> tuple[int, str | None]:
        """post() for a caller already holding a slot."""
        request = b"".join((b"POST ", path.encode("ascii"), b" HTTP/1.1\r\nHost: ", self.host_bytes,
                            b"\r\n", head, b"Content-Length: ", str(len(body)).encode("ascii"), b"\r\n\r\n", body))
        connection = self._idle_connection() or await self._new_connection()
        reused = connection.used
        try:
            status, retry_after, keep_alive = await self._request(connection, request)
        except PushServiceError:
            connection.close()
            if not reused:
                raise
            # The service closed an idle connection as we wrote to it: once more on a new one.
            connection = self._idle_connection() or await self._new_connection()
            status, retry_after, keep_alive = await self._request(connection, request)
        except BaseException:
            connection.close()  # cancelled (timeout) mid-request: the connection's state is unknown
            raise
        if keep_alive and not connection.closed:
            connection.used = True
            connection.idle_since = time.monotonic()
            self.idle.append(connection)
        else:
            connection.close()
        return status, retry_after

    def close(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        while self.idle:
            self.idle.pop().close()

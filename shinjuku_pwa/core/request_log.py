"""Logs: one line per request, and every other log line of the app, as JSON (LOG_FORMAT=json, the
default) or readable text (LOG_FORMAT=text, what `make run` uses).

A request line carries its request id (the client's or proxy's X-Request-Id when it is a plain
token, else a new one; sent back on every response), method, route, endpoint, status and
duration. Nothing personal: the route is the URL rule (`/<locale:lang>/pages/<slug>`), never the
path or query string as sent (search text, answers to life-event questions); no IP address, no
user agent, no cookie; push endpoints are logged by their origin only (push/subscriptions.py).
gunicorn's own access log (which has the client's IP) is off (gunicorn.conf.py): this line replaces it.
"""
from __future__ import annotations

import functools
import io
import json
import logging
import os
import re
import select
import sys
import time
import uuid
from collections.abc import Mapping
from typing import TextIO

from flask import Flask, Response, g, has_request_context
from flask.logging import default_handler

from .request_scope import current_request, request_globals

log = logging.getLogger("shinjuku_pwa.request")

REQUEST_ID_HEADER = "X-Request-Id"
# What we accept from outside as a request id: a plain token (a UUID, a proxy's $request_id).
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Every logger of the package writes through this one handler (module loggers and app.logger).
PACKAGE_LOGGER = "shinjuku_pwa"


def request_id_from(header: str | None) -> str:
    if header and _VALID_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


# One encoder for every line: json.dumps with options builds a new one per call.
_JSON = json.JSONEncoder(ensure_ascii=False, default=str)


@functools.lru_cache(maxsize=4)
def _utc_second(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))


def utc_timestamp(created: float) -> str:
    """`created` as datetime's isoformat(timespec="milliseconds") in UTC writes it, the date and
    time formatted once per second."""
    second = int(created)
    return f"{_utc_second(second)}.{int((created - second) * 1000):03d}+00:00"


def json_line(created: float, level: str, logger: str, message: str, fields: Mapping[str, object]) -> dict[str, object]:
    """A log line's JSON object before its request id and exception: time, level, logger, message, fields."""
    entry: dict[str, object] = {"ts": utc_timestamp(created), "level": level, "logger": logger, "message": message}
    entry.update(fields)
    return entry


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the record's `fields`, the request id."""

    def format(self, record: logging.LogRecord) -> str:
        entry = json_line(record.created, record.levelname.lower(), record.name, record.getMessage(),
                          getattr(record, "fields", {}))
        if "request_id" not in entry and has_request_context() and g.get("request_id"):
            entry["request_id"] = g.request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return _JSON.encode(entry)


class LineHandler(logging.StreamHandler):
    """Writes each record as one line with one write to the stream's file descriptor, formatted
    before and without any lock.

    logging's StreamHandler formats and writes holding the handler's lock; with a worker's sixteen
    threads each logging its request, the thread holding it waits for the interpreter lock while the
    others queue behind it (a quarter of the threads' time under bench/http_load.py). One write of a
    line up to PIPE_BUF bytes is never interleaved with another's on a pipe, and appends to a file
    are whole; longer lines (tracebacks) and streams without a descriptor (a test's capture) take
    the lock as before.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self._fd = _descriptor_of(self.stream)

    def setStream(self, stream: TextIO) -> TextIO | None:  # noqa: N802 - logging's name
        old = super().setStream(stream)
        self._fd = _descriptor_of(self.stream)
        return old

    def handle(self, record: logging.LogRecord) -> bool:
        if not self.filter(record):
            return False
        self.emit(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.write_line(self.format(record))
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001 - as logging's handlers do: report, never raise into the request
            self.handleError(record)

    def write_line(self, text: str) -> None:
        line = text + self.terminator
        data = line.encode("utf-8", "backslashreplace")
        fd = self._fd
        if fd is None or len(data) > select.PIPE_BUF:
            with self.lock:  # type: ignore[union-attr]
                self.stream.write(line)
                self.flush()
            return
        _write_whole(fd, data)


def _descriptor_of(stream: TextIO) -> int | None:
    """The stream's file descriptor when writing to it directly keeps order: its Python buffer is
    flushed first (stderr, a file opened for logging); None for an in-memory stream."""
    try:
        fd = stream.fileno()
        stream.flush()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None
    return fd


def _write_whole(fd: int, data: bytes) -> None:
    while data:  # os.write retries itself when interrupted (PEP 475)
        try:
            written = os.write(fd, data)
        except BlockingIOError:  # a non-blocking pipe that is full: wait until it drains
            select.select([], [fd], [])
            continue
        data = data[written:]


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(log_format: str, level: str = "INFO") -> logging.Handler:
    """Send the package's logs to stderr in this format; calling it again replaces the handler."""
    logger = logging.getLogger(PACKAGE_LOGGER)
    for handler in list(logger.handlers):
        if handler is default_handler or getattr(handler, "shinjuku_log", False):
            logger.removeHandler(handler)
    handler = LineHandler(sys.stderr)
    handler.shinjuku_log = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler


def start_request() -> None:
    kept = request_globals()
    kept.request_id = request_id_from(current_request().headers.get(REQUEST_ID_HEADER))
    kept.request_started = time.perf_counter()


def finish_request(response: Response) -> Response:
    kept, req = request_globals(), current_request()
    request_id = kept.get("request_id") or request_id_from(None)
    response.headers[REQUEST_ID_HEADER] = request_id
    started = kept.get("request_started")
    route = req.url_rule.rule if req.url_rule is not None else "(no route)"
    write_request_line(request_id, req.method, route, req.endpoint, response.status_code, started)
    return response


def write_request_line(request_id: str, method: str, route: str, endpoint: str | None, status: int,
                       started: float | None) -> None:
    """The request's line (`started`: its time.perf_counter() on arrival); also written for the
    answers core/fast_path.py gives without Flask."""
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    fields = {
        "event": "request",
        "request_id": request_id,
        "method": method,
        "route": route,
        "endpoint": endpoint,
        "status": status,
        "duration_ms": duration_ms,
    }
    handler = _sole_json_handler()
    if handler is None:
        log.info(_REQUEST_MESSAGE, method, route, status, duration_ms, request_id, extra={"fields": fields})
        return
    # The line JsonFormatter would write, without a LogRecord and logging's call chain (measured at
    # about 3% of a checklist's instructions): only when this handler is the one place the line goes.
    message = _REQUEST_MESSAGE % (method, route, status, duration_ms, request_id)
    try:
        handler.write_line(_JSON.encode(json_line(time.time(), "info", log.name, message, fields)))
    except Exception:  # noqa: BLE001 - as logging does: report, never raise into the request
        log.exception("the request line could not be written")


_REQUEST_MESSAGE = "%s %s %s %s ms [%s]"


def _sole_json_handler() -> LineHandler | None:
    """Our JSON handler when an INFO line of the request log would reach it and nothing else: no
    filter on the way, no other handler (a test's capture, a handler on the root logger)."""
    if not log.isEnabledFor(logging.INFO):
        return None
    found: LineHandler | None = None
    logger: logging.Logger | None = log
    while logger is not None:
        if logger.filters:
            return None
        for handler in logger.handlers:
            if (found is not None or type(handler) is not LineHandler or handler.filters
                    or type(handler.formatter) is not JsonFormatter or handler.level > logging.INFO):
                return None
            found = handler
        logger = logger.parent if logger.propagate else None
    return found


def init_app(app: Flask) -> None:
    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    app.before_request(start_request)
    app.after_request(finish_request)

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

import datetime as dt
import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler

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


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the record's `fields`, the request id."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if "request_id" not in entry and has_request_context() and g.get("request_id"):
            entry["request_id"] = g.request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(log_format: str, level: str = "INFO") -> logging.Handler:
    """Send the package's logs to stderr in this format; calling it again replaces the handler."""
    logger = logging.getLogger(PACKAGE_LOGGER)
    for handler in list(logger.handlers):
        if handler is default_handler or getattr(handler, "shinjuku_log", False):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.shinjuku_log = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler


def start_request() -> None:
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def finish_request(response: Response) -> Response:
    request_id = g.get("request_id") or request_id_from(None)
    response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    route = request.url_rule.rule if request.url_rule is not None else "(no route)"
    write_request_line(request_id, request.method, route, request.endpoint, response.status_code, started)
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
    log.info("%s %s %s %s ms [%s]", method, route, status, duration_ms, request_id, extra={"fields": fields})


def init_app(app: Flask) -> None:
    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    app.before_request(start_request)
    app.after_request(finish_request)

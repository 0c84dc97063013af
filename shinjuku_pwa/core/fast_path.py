"""Cached anonymous answers given before Flask runs: a thin WSGI middleware in front of the app.

A page-cache hit through Flask costs a request context, every before-request hook up to
serve_from_cache and every after-request hook again (security headers, Cache-Control, Vary, the
language cookie, ETag and 304, the request log): several times the framework's own cost. So the
first time an entry goes out whole (a 200 to a GET) through Flask, the final headers it went out
with are kept in the entry (core/page_cache.py, Entry.replays), per encoding and per value of the
cookies an anonymous answer may set (http_caching.SHAREABLE_COOKIES: the language cookie), less
what is per request (Date, Content-Length, X-Request-Id; a cookie's Expires is written afresh).
From then on this middleware answers a request whose key (page_cache.answer_key, from the raw
request) finds that entry with those headers, and writes the request log line and X-Request-Id
as Flask would. It answers If-None-Match and If-Modified-Since with a 304 and HEAD with the
headers alone, as werkzeug does.

What decides "not cacheable" keeps deciding: anything but GET and HEAD, a session cookie, an
Authorization header and a staff path never get an answer from here (nor does a request with
If-Match, If-Unmodified-Since, If-Range or Range: werkzeug's rules for those stay with Flask);
a view marked `not_page_cached`, or an answer that is not a whole shareable 200, never has an
entry to find. The versions (core/versions.py) are consulted as Flask's path consults them:
once the watcher's interval has passed, the request goes through Flask, which reads them again
(and, when they moved, empties the cache), so a change on any host is seen within
VERSION_POLL_SECONDS here too.
"""
from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.datastructures import Headers
from werkzeug.http import is_resource_modified, parse_cookie, remove_entity_headers

from .http_caching import SHAREABLE_COOKIES, http_date_of
from .page_cache import REPLAY_MARK, Entry, answer_key, cache_of, choose_encoding
from .request_log import request_id_from, write_request_line
from .security import is_staff_path
from .versions import watcher_of

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# Headers written per request, never kept (Set-Cookie is kept as a template, see CookieTemplate).
_PER_REQUEST = frozenset({"date", "content-length", "x-request-id", "set-cookie"})
# Conditions werkzeug answers with 412 or 206: such a request goes through Flask.
_LEFT_TO_FLASK = ("HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_IF_RANGE", "HTTP_RANGE")
_SHAREABLE = tuple(sorted(SHAREABLE_COOKIES))
# Header sets kept per entry: 3 encodings x a few language cookies; beyond that, through Flask.
MAX_REPLAYS = 12
_EXPIRES = re.compile(r"(?i)(;\s*Expires=)([^;]*)")
_MAX_AGE = re.compile(r"(?i);\s*Max-Age=(\d+)")
_NO_COOKIES: Mapping[str, str] = {}


@dataclass(frozen=True)
class CookieTemplate:
    """A Set-Cookie header whose Expires is written again for each answer (now + Max-Age)."""

    before: str
    after: str
    max_age: int | None  # None: no Expires to write

    def header(self, now: float) -> tuple[str, str]:
        if self.max_age is None:
            return "Set-Cookie", self.before
        return "Set-Cookie", f"{self.before}{http_date_of(int(now) + self.max_age)}{self.after}"

    @classmethod
    def parse(cls, value: str) -> CookieTemplate | None:
        """None when the cookie has an Expires that cannot be written again (no Max-Age)."""
        expires = _EXPIRES.search(value)
        if expires is None:
            return cls(value, "", None)
        max_age = _MAX_AGE.search(value)
        if max_age is None:
            return None
        return cls(value[:expires.end(1)], value[expires.end(2):], int(max_age.group(1)))


@dataclass(frozen=True)
class Replay:
    """An entry's answer as it left Flask, for one encoding and one set of shareable cookies."""

    status: str
    headers: list[tuple[str, str]]
    cookies: tuple[CookieTemplate, ...]
    body: bytes
    length: str
    etag: str | None
    last_modified: str | None

    @classmethod
    def learn(cls, status: str, headers: list[tuple[str, str]], encoding: str | None, body: bytes) -> Replay | None:
        """The replay of a 200 that went out with these headers and this body (in `encoding`), or
        None when it cannot be replayed byte for byte (a hook changed the body, or set a cookie
        that is personal)."""
        found = Headers(headers)
        if found.get("Content-Length", str(len(body))) != str(len(body)) or found.get("Content-Encoding") != encoding:
            return None
        cache_control = found.get("Cache-Control", "")
        if "private" in cache_control or "no-store" in cache_control:
            return None
        cookies = []
        for value in found.getlist("Set-Cookie"):
            template = CookieTemplate.parse(value)
            if template is None or value.split("=", 1)[0].strip() not in SHAREABLE_COOKIES:
                return None
            cookies.append(template)
        kept = [_shared(name, value) for name, value in headers if name.lower() not in _PER_REQUEST]
        return cls(status, kept, tuple(cookies), body, str(len(body)), found.get("ETag"), found.get("Last-Modified"))

    def not_modified_headers(self) -> list[tuple[str, str]]:
        """The 304's headers: werkzeug drops the entity headers (Content-Type, Last-Modified...)."""
        headers = list(self.headers)
        remove_entity_headers(headers)
        return headers


@functools.lru_cache(maxsize=1024)
def _shared(name: str, value: str) -> tuple[str, str]:
    """One tuple for a header every answer has (the security headers, Vary...): each entry's replays
    hold references to it, not copies."""
    return name, value


def _cookies(environ: dict[str, Any]) -> Mapping[str, str]:
    return parse_cookie(environ) if environ.get("HTTP_COOKIE") else _NO_COOKIES


def _shared_state(cookies: Mapping[str, str]) -> tuple[str | None, ...]:
    return tuple(cookies.get(name) for name in _SHAREABLE)


def _replay_key(environ: dict[str, Any], cookies: Mapping[str, str]) -> tuple:
    return choose_encoding(environ.get("HTTP_ACCEPT_ENCODING", "")), _shared_state(cookies)


class FastPath:
    """The middleware: a cached answer with known headers goes out here, anything else to Flask."""

    def __init__(self, app: Flask, wsgi_app: WsgiApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.cache = cache_of(app)
        self.watcher = watcher_of(app)
        self.session_cookie = app.config["SESSION_COOKIE_NAME"]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or not self.cache.enabled or "HTTP_AUTHORIZATION" in environ:
            return self.wsgi_app(environ, start_response)
        if any(name in environ for name in _LEFT_TO_FLASK):
            return self.wsgi_app(environ, start_response)
        cookies = _cookies(environ)
        found = self._find(environ, cookies)
        if found is None:
            return self.wsgi_app(environ, self._learning(environ, start_response) if method == "GET" else start_response)
        entry, replay = found
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        now = time.time()
        per_request = [("Date", http_date_of(int(now))), ("X-Request-Id", request_id)]
        per_request.extend(template.header(now) for template in replay.cookies)
        if (environ.get("HTTP_IF_NONE_MATCH") or environ.get("HTTP_IF_MODIFIED_SINCE")) and not is_resource_modified(
            environ, replay.etag, last_modified=replay.last_modified
        ):
            start_response("304 NOT MODIFIED", replay.not_modified_headers() + per_request)
            write_request_line(request_id, method, entry.route, entry.endpoint, 304, started)
            return []
        start_response(replay.status, [*replay.headers, ("Content-Length", replay.length), *per_request])
        write_request_line(request_id, method, entry.route, entry.endpoint, 200, started)
        return [] if method == "HEAD" else [replay.body]

    def _find(self, environ: dict[str, Any], cookies: Mapping[str, str]) -> tuple[Entry, Replay] | None:
        if self.session_cookie in cookies or is_staff_path(environ.get("PATH_INFO", "")):
            return None
        versions = self.watcher.fresh()
        if versions is None:
            return None  # time to read the versions again: Flask's path does
        entry = self.cache.get(answer_key(self.app, environ, cookies, versions))
        if entry is None:
            return None
        replay = entry.replays.get(_replay_key(environ, cookies))
        return (entry, replay) if replay is not None else None

    def _learning(self, environ: dict[str, Any], start_response: StartResponse) -> StartResponse:
        """start_response, keeping the final headers of an answer Flask gave from an entry."""

        def learn(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answered = environ.get(REPLAY_MARK)
            if answered is not None and exc_info is None and status.startswith("200 "):
                entry, encoding = answered
                if len(entry.replays) < MAX_REPLAYS:
                    replay = Replay.learn(status, headers, encoding, entry.encoded[encoding] if encoding else entry.body)
                    if replay is not None:
                        entry.replays[_replay_key(environ, _cookies(environ))] = replay
            return start_response(status, headers, exc_info)

        return learn


def init_app(app: Flask) -> None:
    """Call after page_cache.init_app; any proxy middleware goes outside it (security.trust_proxies)."""
    # Flask's documented way to add WSGI middleware; mypy sees wsgi_app only as a method.
    app.wsgi_app = FastPath(app, app.wsgi_app)  # type: ignore[method-assign]

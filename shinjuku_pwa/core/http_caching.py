"""Cache-Control for every answer, and conditional GETs (ETag, 304).

- Anonymous pages and API reads: `public, max-age=HTTP_MAX_AGE_SECONDS,
  stale-while-revalidate=HTTP_STALE_WHILE_REVALIDATE_SECONDS`: a CDN or reverse proxy may keep
  them briefly and refresh in the background (a published notice reaches everyone within
  about max-age).
- Anything personal: `private, no-store`: a request with a session cookie or a bearer token (staff),
  an answer that touched the session or sets a cookie, or one its view marked private (a
  checklist whose address carries the reader's answers). The staff console and staff API are
  always `private, no-store` (security.py).
- Errors and redirects: `no-cache` (a page added by the next import must not stay a cached 404).
- Hashed static files: a year, immutable (assets.py); the service worker: `no-cache` (pwa).
"""
from __future__ import annotations

import functools
import time

from flask import Flask, Response, current_app, request
from flask.globals import request_ctx
from werkzeug.http import http_date

# The language cookie a localised page sets names that page's language: the same for everyone who
# gets that URL, so it does not make the answer personal.
SHAREABLE_COOKIES = frozenset({"lang"})
CACHEABLE_TYPES = ("text/html", "application/json", "application/manifest+json", "text/calendar", "text/javascript")
PRIVATE = "private, no-store"
# Request headers make_conditional reads (werkzeug's 304, 412 and ranges): without any, it only adds Date.
_CONDITIONS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
               "HTTP_IF_RANGE", "HTTP_RANGE")


def session_written() -> bool:
    """Whether this request wrote the session (a CSRF token: the answer is that reader's own).

    Read without the `session` proxy: touching it marks the session accessed, and Flask then
    adds `Vary: Cookie` to every answer, JSON included. If Flask ever stops keeping the session
    where we look, every answer counts as written: private, never cached, never wrong.
    """
    kept = getattr(request_ctx, "_session", None)
    return kept is None or bool(kept.modified)


def is_personal_request() -> bool:
    """Someone known to us (staff, by cookie or token), or an answer written for this reader."""
    return (
        current_app.config["SESSION_COOKIE_NAME"] in request.cookies
        or "Authorization" in request.headers
        or session_written()
    )


def _sets_only_shareable_cookies(response: Response) -> bool:
    return all(cookie.split("=", 1)[0].strip() in SHAREABLE_COOKIES for cookie in response.headers.getlist("Set-Cookie"))


def cache_control(response: Response) -> str | None:
    """The Cache-Control an answer gets when its view chose none (None: leave it alone)."""
    if request.method not in ("GET", "HEAD") or response.direct_passthrough:
        return None
    if is_personal_request() or not _sets_only_shareable_cookies(response):
        return PRIVATE
    if response.status_code != 200:
        return "no-cache"
    if response.mimetype not in CACHEABLE_TYPES:
        return None
    config = current_app.config
    lifetime = (f"max-age={config['HTTP_MAX_AGE_SECONDS']}, "
                f"stale-while-revalidate={config['HTTP_STALE_WHILE_REVALIDATE_SECONDS']}")
    if response.mimetype == "text/html":
        # Browsers revalidate pages every time (a 304 with the ETag): the service worker's
        # network-first fetch must reach the network, or an offline reader would be shown a
        # browser-cached copy as live instead of the saved copy that says when it was saved.
        # Shared caches get the lifetime: s-maxage, and CDN-Cache-Control (RFC 9213) for the
        # stale-while-revalidate browsers would also apply.
        response.headers["CDN-Cache-Control"] = lifetime
        return f"public, max-age=0, s-maxage={config['HTTP_MAX_AGE_SECONDS']}"
    return f"public, {lifetime}"


def add_caching_headers(response: Response) -> Response:
    chosen = response.headers.get("Cache-Control")
    if chosen is None:
        chosen = cache_control(response)
        if chosen:
            response.headers["Cache-Control"] = chosen
        if chosen and chosen.startswith("public") and request.path.startswith("/api/") and "lang" not in request.args:
            # Without ?lang= the API's language comes from the lang cookie or Accept-Language.
            response.vary.update(("Accept-Language", "Cookie"))
    # Only successful, whole answers that may be kept get a validator (nothing revalidates what
    # no cache stores: hashing a personal checklist's body bought nothing); streamed files
    # already have their own.
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.direct_passthrough
        and response.mimetype in CACHEABLE_TYPES
        and "no-store" not in (chosen or "")
    ):
        response.add_etag()
        if has_conditions(request.environ):
            response.make_conditional(request)
        elif "Date" not in response.headers:
            # All make_conditional does for a request with no conditions (Content-Length is set by
            # werkzeug as the answer goes out), without formatting the date again every time.
            response.headers["Date"] = http_date_of(int(time.time()))
    return response


def has_conditions(environ: dict) -> bool:
    """Whether the request asks anything make_conditional answers (If-None-Match, a range, ...)."""
    return any(name in environ for name in _CONDITIONS)


@functools.lru_cache(maxsize=4)
def http_date_of(second: int) -> str:
    """An HTTP date, written once per second (core/fast_path.py writes one per answer too)."""
    return http_date(second)


def init_app(app: Flask) -> None:
    app.after_request(add_caching_headers)

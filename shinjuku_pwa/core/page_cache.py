"""Rendered answers for anonymous readers, built once and served from this process's memory.

An answer is kept per (host, path and query, locale, reader variant, state versions, deploy) and
served until the versions change: a content import or a notice published on any host bumps a
version in the database, this process's VersionWatcher sees it on a request within
VERSION_POLL_SECONDS, and from then on every key is new (the old entries are dropped). Entries
also expire after PAGE_CACHE_SECONDS, for what a page shows that depends on the hour alone.
Memory is bounded: least recently used entries go first once PAGE_CACHE_MAX_BYTES is reached.

Only what is the same for every anonymous reader of that URL is kept. Never looked up nor kept:
methods other than GET/HEAD, the staff console and staff API, requests with a session cookie or
an Authorization header (signed-in staff), views marked with `not_page_cached` (search, which
counts what it could not find). Never kept: anything but a whole 200, an answer that sets a
cookie or touched the session (a CSRF token), or one its view marked private (a checklist
that echoes the reader's answers).

What a view reads to build an answer that cannot be kept whole (a checklist echoes the reader's
answers) can be kept instead: `per_version(name, key, build)` runs `build` once per version of one
state (core/versions.py) and process, and every value is dropped the first time a request sees
that version change. It follows the page cache's switch: with PAGE_CACHE_MAX_BYTES = 0 (tests that
write rows without bumping a version) every call builds.

A cached answer is looked up before every other before-request hook but the request log's start
(it costs nothing to serve, so rate limits do not apply to it) and replayed through the usual after-request hooks (security
headers, Vary, Cache-Control, 304s); its brotli and gzip bodies are made once, when it is stored.
Once an answer has gone out whole through those hooks, core/fast_path.py keeps its final headers
in the entry and answers the next requests for it before Flask runs at all.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import brotli
from flask import Flask, Request, Response, current_app, g, has_request_context, request

from .http_caching import session_written
from .i18n import LOCALES, negotiate_locale
from .request_log import start_request
from .request_scope import RequestScoped, current_request, this_app
from .security import is_staff_path
from .versions import Versions, watcher_of

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
Variant = Callable[[Mapping[str, str]], str]  # the request's cookies -> a short string

# Headers of the view's own answer that are per request and never replayed.
_NOT_KEPT = {"content-length", "set-cookie", "date"}
_ENCODINGS = ("br", "gzip")
# Bytes of bookkeeping counted per entry, so tiny answers still count: the key, the entry and the
# header lists of its first few replays (core/fast_path.py, about 600 bytes each).
_ENTRY_OVERHEAD = 2048
# Where a request answered from an entry says so, for core/fast_path.py: (entry, encoding sent).
REPLAY_MARK = "shinjuku_pwa.page_cache.answered"


def not_page_cached(view: F) -> F:
    """Mark a view whose every answer must run it (side effects, or data newer than the versions)."""
    view.page_cache_skip = True  # type: ignore[attr-defined]
    return view


def not_page_cached_with_query(view: F) -> F:
    """Mark a view whose answers to a query string are personal (answers riding in the address):
    such requests skip the cache's key and lookup, which could only miss; without one it is kept."""
    view.page_cache_skip_with_query = True  # type: ignore[attr-defined]
    return view


@dataclass
class Entry:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    mimetype: str | None
    etag: str
    stored_at: float
    encoded: dict[str, bytes] = field(default_factory=dict)
    route: str = "(no route)"  # the URL rule and endpoint that made it, for the request log
    endpoint: str | None = None
    # The final headers it went out with, per encoding and shareable cookie (core/fast_path.py).
    replays: dict[tuple, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(data) for data in self.encoded.values()) + _ENTRY_OVERHEAD

    def response(self, accept_encoding: str = "") -> Response:
        """The answer for a request that accepts these encodings: the stored brotli or gzip body
        when there is one (core/compression.py then leaves it alone), each with its own ETag."""
        chosen = choose_encoding(accept_encoding) if self.encoded else None
        response = Response(self.encoded[chosen] if chosen else self.body, status=self.status, headers=self.headers)
        if self.encoded:
            response.vary.add("Accept-Encoding")
        if chosen:
            response.headers["Content-Encoding"] = chosen
        response.set_etag(f"{self.etag}:{chosen}" if chosen else self.etag)
        return response


@functools.lru_cache(maxsize=256)
def choose_encoding(accept_encoding: str) -> str | None:
    """br, else gzip, else None (identity), as the Accept-Encoding header allows (q=0 refuses)."""
    accepted = set()
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        quality = params.strip()
        if quality.startswith("q="):
            try:
                if float(quality[2:]) <= 0:
                    continue
            except ValueError:
                continue
        accepted.add(coding.strip().lower())
    return next((coding for coding in _ENCODINGS if coding in accepted or "*" in accepted), None)


class PageCache:
    """A thread-safe LRU of entries, bounded by their total size in bytes and by age."""

    def __init__(self, max_bytes: int, max_age: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_bytes = max_bytes
        self.max_age = max_age
        self._clock = clock
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @property
    def size(self) -> int:
        return self._size

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if self._clock() - entry.stored_at > self.max_age:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: Entry) -> None:
        if entry.size > self.max_bytes // 8:
            return  # one huge answer must not push out everything else
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self._size += entry.size
            while self._size > self.max_bytes and self._entries:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def now(self) -> float:
        return self._clock()

    def _drop(self, key: tuple) -> None:
        self._size -= self._entries.pop(key).size


class VersionMemo:
    """Values built from the database, kept per state name until that state's version changes."""

    def __init__(self) -> None:
        self._stores: dict[str, tuple[int | None, dict[Any, Any]]] = {}
        self._lock = threading.Lock()

    def values_at(self, name: str, version: int | None) -> dict[Any, Any]:
        """The values kept for `name` at `version` (a new, empty store when the version moved on)."""
        found = self._stores.get(name)
        if found is not None and found[0] == version:
            return found[1]
        with self._lock:
            found = self._stores.get(name)
            if found is None or found[0] != version:
                found = (version, {})
                self._stores[name] = found
            return found[1]


def versions_memoized() -> bool:
    """Whether per_version keeps values (it follows the page cache's switch)."""
    return cache_of().enabled


def per_version(name: str, key: Any, build: Callable[[], T]) -> T:
    """`build()` once per version of the state `name` (versions.CONTENT, ...) in this process.

    A value built while another thread moves to a newer version lands in the old store, never the
    new one; a value read just after a change the watcher has not seen yet is newer, never older.
    """
    store = version_store(name)
    if store is None:
        return build()
    try:
        value: T = store[key]
    except KeyError:
        value = store[key] = build()
    return value


_NOTHING_KEPT = object()


# The stores a request has looked up, by name (a checklist asks about fifteen times).
_request_stores: RequestScoped[dict[str, Any]] = RequestScoped("version_stores")


def version_store(name: str) -> dict[Any, Any] | None:
    """The dict per_version keeps values of `name` in at this version (None while it keeps nothing),
    for a caller that looks many values up in one request.

    Within a request it is looked up once per name, so every value a request reads comes from one
    version. Outside requests (a worker's long-lived app context) every call looks again, so a
    change is seen."""
    if not has_request_context():
        return _current_version_store(name)
    kept = _request_stores.get(dict)
    store = kept.get(name, _NOTHING_KEPT)
    if store is _NOTHING_KEPT:
        store = kept[name] = _current_version_store(name)
    return store


def _current_version_store(name: str) -> dict[Any, Any] | None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if not cache_of(app).enabled:
        return None
    memo: VersionMemo = app.extensions["version_memo"]
    return memo.values_at(name, watcher_of(app).current().get(name))


def variant_key() -> tuple[str, ...]:
    """This request's variants (add_variant): what, besides the URL, changes an anonymous answer."""
    return tuple(variant(request.cookies) for variant in current_app.extensions.get("page_cache_variants", ()))


def add_variant(app: Flask, variant: Variant) -> None:
    """Something besides the URL that changes an anonymous answer (the reader's display settings):
    `variant(cookies)` returns a short string, one of a small fixed set, made part of the key. It
    reads the request's cookies alone: core/fast_path.py calls it before Flask has a request."""
    app.extensions.setdefault("page_cache_variants", []).append(variant)


def cache_of(app: Flask | None = None) -> PageCache:
    cache: PageCache = (app or this_app()).extensions["page_cache"]
    return cache


def _cacheable_request() -> bool:
    req, app = current_request(), this_app()
    return (
        req.method in ("GET", "HEAD")
        and req.routing_exception is None
        and not is_staff_path(req.path)
        and app.config["SESSION_COOKIE_NAME"] not in req.cookies
        and "Authorization" not in req.headers
        and not _skipped_view(app.view_functions.get(req.endpoint or ""), req)
    )


def _skipped_view(view: Callable[..., Any] | None, req: Request) -> bool:
    return getattr(view, "page_cache_skip", False) or (
        bool(req.query_string) and getattr(view, "page_cache_skip_with_query", False))


@functools.lru_cache(maxsize=256)
def _negotiated(accept_language: str | None, cookie: str | None) -> str:
    return negotiate_locale(accept_language, cookie)


def answer_key(app: Flask, environ: dict[str, Any], cookies: Mapping[str, str], versions: Versions) -> tuple:
    """Everything an anonymous answer depends on besides the database, from the raw request alone,
    so that core/fast_path.py finds the same key before Flask runs.

    A page's language is in its path; the API's comes from ?lang=, else from the lang cookie and
    Accept-Language (core/errors.py, locale_of_request). The Host header is kept as sent.
    """
    path = environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    lang = None
    if path.startswith("/api/"):
        # As werkzeug reads request.args (the first value counts).
        asked = next((value for name, value in parse_qsl(query.encode("latin-1").decode(errors="replace"),
                                                         keep_blank_values=True) if name == "lang"), None)
        lang = asked if asked in LOCALES else _negotiated(environ.get("HTTP_ACCEPT_LANGUAGE"), cookies.get("lang"))
    variants = tuple(variant(cookies) for variant in app.extensions.get("page_cache_variants", ()))
    return (environ["wsgi.url_scheme"], environ.get("HTTP_HOST", ""), path, query, lang, variants,
            tuple(sorted(versions.items())), app.extensions["deploy_id"])


def _mark_answered(entry: Entry) -> None:
    chosen = choose_encoding(request.headers.get("Accept-Encoding", "")) if entry.encoded else None
    request.environ[REPLAY_MARK] = (entry, chosen)


def serve_from_cache() -> Response | None:
    """The first before-request hook after the request log's start: a cached answer skips the rest
    (rate limits included: it costs nothing to serve); a miss leaves the key for the view to store
    its answer under. Reached for a hit when core/fast_path.py did not answer it."""
    cache = cache_of()
    if not cache.enabled or not _cacheable_request():
        return None
    key = answer_key(current_app, request.environ, request.cookies, watcher_of().current())
    entry = cache.get(key)
    if entry is None:
        g.page_cache_key = key
        return None
    _mark_answered(entry)
    return entry.response(request.headers.get("Accept-Encoding", ""))


def _entry_for(response: Response, stored_at: float) -> Entry | None:
    """The answer as an entry, or None when it must not be shared (see the module docstring)."""
    cache_control = response.headers.get("Cache-Control", "")
    if (
        response.status_code != 200
        or response.direct_passthrough
        or response.is_streamed
        or "Set-Cookie" in response.headers
        or session_written()
        or "private" in cache_control
        or "no-store" in cache_control
    ):
        return None
    body = response.get_data()
    headers = [(name, value) for name, value in response.headers.items() if name.lower() not in _NOT_KEPT]
    etag = hashlib.sha1(body, usedforsecurity=False).hexdigest()  # names a body; no secret rests on it
    entry = Entry(response.status_code, headers, body, response.mimetype, etag, stored_at,
                  route=request.url_rule.rule if request.url_rule is not None else "(no route)",
                  endpoint=request.endpoint)
    config = current_app.config
    if response.mimetype in config.get("COMPRESS_MIMETYPES", ()) and len(body) >= config.get("COMPRESS_MIN_SIZE", 500):
        entry.encoded["br"] = brotli.compress(body, quality=config.get("PAGE_CACHE_BR_LEVEL", 4))
        entry.encoded["gzip"] = gzip.compress(body, compresslevel=config.get("COMPRESS_LEVEL", 6), mtime=0)
    return entry


def cached_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """The view, its answer stored in the page cache when serve_from_cache found none."""
    if getattr(view, "page_cache_skip", False):
        return view

    @functools.wraps(view)
    def build(*args: Any, **kwargs: Any) -> Any:
        key = g.pop("page_cache_key", None)
        if key is None:
            return view(*args, **kwargs)
        response = current_app.make_response(view(*args, **kwargs))
        cache = cache_of()
        entry = _entry_for(response, cache.now())
        if entry is None:
            return response
        cache.put(key, entry)
        _mark_answered(entry)
        return entry.response(request.headers.get("Accept-Encoding", ""))

    return build


def deploy_id(app: Flask) -> str:
    """What a deploy changes without a database version: compiled catalogs and templates."""
    digest = hashlib.sha1(usedforsecurity=False)
    for folder, pattern in ((app.config["TRANSLATIONS_DIR"], "*/LC_MESSAGES/*.mo"), (app.template_folder, "**/*")):
        if not folder:
            continue
        for path in sorted(Path(app.root_path, folder).glob(pattern)):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()[:16]


def init_app(app: Flask) -> None:
    """Call after every blueprint is registered: wraps every view then known."""
    cache = PageCache(app.config["PAGE_CACHE_MAX_BYTES"], app.config["PAGE_CACHE_SECONDS"])
    app.extensions["page_cache"] = cache
    app.extensions["deploy_id"] = deploy_id(app)
    app.extensions["version_memo"] = VersionMemo()
    watcher_of(app).subscribe(lambda before, after: cache.clear())  # old keys can never match again
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = cached_view(view)
    hooks = app.before_request_funcs.setdefault(None, [])
    # First, but after the request log's start: a hit's line has the client's request id and a duration.
    hooks.insert(hooks.index(start_request) + 1 if start_request in hooks else 0, serve_from_cache)

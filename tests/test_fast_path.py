"""The fast path (core/fast_path.py): a cached anonymous answer given before Flask runs, with the
headers Flask gave it, and everything that must reach Flask still reaching it."""
from __future__ import annotations

import email.utils
import gzip
import logging
import re
from contextlib import contextmanager
from pathlib import Path

import brotli
import pytest
from flask import request_started

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.core.page_cache import cache_of
from shinjuku_pwa.core.versions import watcher_of
from tests.admin.conftest import FAST_HASHING, signed_in_client
from tests.content_factory import write_page
from tests.hostile import JUNK_HEADER_SETS, JUNK_QUERY, server_errors

PAGE = "/en/pages/moving-in"
URLS = [PAGE, "/en/", "/ja/topics/moving", "/api/v1/pages/moving-in?lang=en", "/api/v1/pages/moving-in"]
PER_REQUEST = {"Date", "X-Request-Id", "Set-Cookie"}
ENCODINGS = {"br": "gzip, br", "gzip": "gzip", None: "identity"}


@pytest.fixture
def fast_app(make_cached_app):
    """Small content, the cache on, the versions read once an hour: the fast path answers."""
    return make_cached_app(VERSION_POLL_SECONDS=3600, **FAST_HASHING)


@contextmanager
def flask_requests(app):
    """The requests Flask itself handled while the block ran (the fast path's never reach it)."""
    seen: list[str] = []

    def on_start(sender, **extra):
        seen.append("request")

    request_started.connect(on_start, app)
    try:
        yield seen
    finally:
        request_started.disconnect(on_start, app)


@contextmanager
def interval_passed(app, monkeypatch):
    """As if VERSION_POLL_SECONDS had passed on every request: each goes through Flask's path,
    which reads the versions again."""
    with monkeypatch.context() as patch:
        patch.setattr(watcher_of(app), "interval", 0)
        yield


def reader(app):
    """A reader whose cookies the test sets in the Cookie header (the test client would keep the
    language cookie the first answer sets, and the next request would differ)."""
    return app.test_client(use_cookies=False)


def fast_get(app, url, headers=None, method="GET"):
    """The answer after a first GET with the same cookies and encodings taught the fast path its
    headers; asserts Flask never saw it."""
    headers = headers or {}
    reader(app).get(url, headers={name: value for name, value in headers.items() if not name.startswith("If-")})
    with flask_requests(app) as seen:
        answer = reader(app).open(url, method=method, headers=headers)
    assert seen == [], f"{method} {url} went through Flask"
    return answer


def expires_of(cookie: str) -> float:
    return email.utils.parsedate_to_datetime(re.search(r"Expires=([^;]*)", cookie).group(1)).timestamp()


def assert_same_headers(fast, slow):
    """Equal but for what is written per request; the cookie equal but for its Expires (now + Max-Age)."""
    def kept(answer):
        return sorted((name, value) for name, value in answer.headers.items() if name not in PER_REQUEST)

    assert kept(fast) == kept(slow)
    fast_cookies, slow_cookies = fast.headers.getlist("Set-Cookie"), slow.headers.getlist("Set-Cookie")
    assert [re.sub(r"Expires=[^;]*", "", c) for c in fast_cookies] == [re.sub(r"Expires=[^;]*", "", c) for c in slow_cookies]
    for fast_cookie, slow_cookie in zip(fast_cookies, slow_cookies, strict=True):
        assert abs(expires_of(fast_cookie) - expires_of(slow_cookie)) <= 5
    assert fast.headers["X-Request-Id"] != slow.headers["X-Request-Id"] and "Date" in fast.headers


def test_a_second_anonymous_request_with_the_same_cookies_is_answered_without_flask(fast_app):
    with flask_requests(fast_app) as first:
        answer = reader(fast_app).get(PAGE)
    with flask_requests(fast_app) as second:
        again = reader(fast_app).get(PAGE)
    assert first == ["request"] and second == []
    assert again.status_code == 200 and again.data == answer.data


def test_a_browser_that_got_the_language_cookie_goes_through_flask_once_more_then_not(fast_app):
    browser = fast_app.test_client()  # keeps the cookie the first answer sets
    with flask_requests(fast_app) as seen:
        for _ in range(4):
            assert browser.get(PAGE).status_code == 200
    assert seen == ["request", "request"]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("lang_cookie", [None, "en", "ko"])
def test_a_fast_answer_has_flasks_headers_and_body_but_for_the_per_request_ones(fast_app, monkeypatch, url, encoding,
                                                                                lang_cookie):
    headers = {"Accept-Encoding": ENCODINGS[encoding], **({"Cookie": f"lang={lang_cookie}"} if lang_cookie else {})}
    fast = fast_get(fast_app, url, headers=headers)
    with interval_passed(fast_app, monkeypatch), flask_requests(fast_app) as seen:
        slow = reader(fast_app).get(url, headers=headers)
    assert seen == ["request"]
    assert fast.status_code == slow.status_code == 200 and fast.data == slow.data
    assert fast.headers.get("Content-Encoding") == slow.headers.get("Content-Encoding") == encoding
    assert_same_headers(fast, slow)


def test_a_first_visit_gets_the_language_cookie_and_a_returning_reader_does_not(fast_app):
    assert fast_get(fast_app, PAGE).headers["Set-Cookie"].startswith("lang=en;")
    assert "Set-Cookie" not in fast_get(fast_app, PAGE, headers={"Cookie": "lang=en"}).headers


@pytest.mark.parametrize("url", URLS)
def test_the_etag_revisit_gets_flasks_304(fast_app, monkeypatch, url):
    etag = reader(fast_app).get(url, headers={"Accept-Encoding": "br"}).headers["ETag"]
    headers = {"Accept-Encoding": "br", "If-None-Match": etag}
    fast = fast_get(fast_app, url, headers=headers)
    with interval_passed(fast_app, monkeypatch):
        slow = reader(fast_app).get(url, headers=headers)
    assert fast.status_code == slow.status_code == 304 and fast.data == slow.data == b""
    assert_same_headers(fast, slow)


def test_a_stale_etag_gets_the_whole_page(fast_app):
    answer = fast_get(fast_app, PAGE, headers={"Accept-Encoding": "br", "If-None-Match": '"not-this-one"'})
    assert answer.status_code == 200 and brotli.decompress(answer.data).startswith(b"<!doctype html>")


def test_if_modified_since_the_pages_last_change_gets_304(fast_app):
    last_modified = reader(fast_app).get(PAGE).headers["Last-Modified"]
    assert fast_get(fast_app, PAGE, headers={"If-Modified-Since": last_modified}).status_code == 304


@pytest.mark.parametrize("condition", ["If-Match", "If-Unmodified-Since", "Range", "If-Range"])
def test_conditions_the_fast_path_leaves_to_werkzeug_go_through_flask(fast_app, condition):
    first = fast_get(fast_app, PAGE)
    value = {"If-Match": first.headers["ETag"], "Range": "bytes=0-10"}.get(condition, first.headers["Last-Modified"])
    with flask_requests(fast_app) as seen:
        reader(fast_app).get(PAGE, headers={condition: value})
    assert seen == ["request"]


@pytest.mark.parametrize("url", URLS)
def test_head_gets_flasks_headers_and_no_body(fast_app, monkeypatch, url):
    fast = fast_get(fast_app, url, method="HEAD", headers={"Accept-Encoding": "gzip"})
    with interval_passed(fast_app, monkeypatch):
        slow = reader(fast_app).head(url, headers={"Accept-Encoding": "gzip"})
    assert fast.status_code == slow.status_code == 200 and fast.data == slow.data == b""
    assert fast.headers["Content-Length"] == slow.headers["Content-Length"] != "0"
    assert_same_headers(fast, slow)


def test_each_encoding_gets_its_own_body_of_the_same_page(fast_app):
    plain = fast_get(fast_app, PAGE, headers={"Accept-Encoding": "identity"})
    br = fast_get(fast_app, PAGE, headers={"Accept-Encoding": "gzip, br"})
    gz = fast_get(fast_app, PAGE, headers={"Accept-Encoding": "br;q=0, gzip"})
    assert "Content-Encoding" not in plain.headers and plain.data.startswith(b"<!doctype html>")
    assert brotli.decompress(br.data) == plain.data and gzip.decompress(gz.data) == plain.data
    assert len({plain.headers["ETag"], br.headers["ETag"], gz.headers["ETag"]}) == 3
    assert int(gz.headers["Content-Length"]) == len(gz.data)


def test_each_reader_setting_gets_its_own_page_from_the_fast_path(fast_app):
    large = {"Cookie": "reader=text_size=large&contrast=standard&furigana=easy"}
    assert 'class="text-large"' in fast_get(fast_app, PAGE, headers=large).get_data(as_text=True)
    assert 'class="text-large"' not in fast_get(fast_app, PAGE).get_data(as_text=True)


def test_an_api_read_without_lang_is_kept_per_negotiated_language(fast_app):
    """Without ?lang= the API's language (its error messages, Vary) comes from the reader's headers."""
    url = "/api/v1/pages/moving-in"
    for accept in ("en", "en-GB,en;q=0.9", "ko"):
        assert "Accept-Language" in fast_get(fast_app, url, headers={"Accept-Language": accept}).headers["Vary"]
    languages = sorted(key[4] for key in cache_of(fast_app)._entries if key[2] == url)
    assert languages == ["en", "ko"]


def test_an_api_read_without_lang_from_the_fast_path_is_in_each_readers_language(fast_app):
    url = "/api/v1/pages/moving-in"
    for accept, lang in (("en", "en"), ("ko", "ko"), ("en-GB,en;q=0.9", "en"), (None, "ja"), ("ko", "ko")):
        headers = {"Accept-Language": accept} if accept else {}
        assert fast_get(fast_app, url, headers=headers).get_json()["requested_lang"] == lang
    assert fast_get(fast_app, url, headers={"Accept-Language": "en", "Cookie": "lang=ko"}).get_json()["requested_lang"] == "ko"


def test_staff_and_personal_requests_are_never_answered_from_it(fast_app):
    fast_get(fast_app, PAGE)  # the page is cached and the fast path knows its headers
    staff = signed_in_client(fast_app, "admin")
    token = reader(fast_app)
    for client, headers in ((staff, {}), (token, {"Authorization": "Bearer not-a-real-token"})):
        with flask_requests(fast_app) as seen:
            answer = client.get(PAGE, headers=headers)
        assert seen == ["request"] and answer.headers["Cache-Control"] == "private, no-store"
    for url in ("/admin/login", "/api/v1/admin/notices"):
        reader(fast_app).get(url)
        with flask_requests(fast_app) as seen:
            assert reader(fast_app).get(url).headers["Cache-Control"] == "private, no-store"
        assert seen == ["request"]


def test_other_methods_and_uncached_views_go_through_flask(fast_app):
    client = reader(fast_app)
    fast_get(fast_app, PAGE)
    with flask_requests(fast_app) as seen:
        assert client.post(PAGE).status_code >= 400  # CSRF refuses it before routing says 405
        client.get("/en/search?q=moving")
        client.get("/en/search?q=moving")
    assert seen == ["request"] * 3


def test_a_change_on_another_host_is_seen_once_the_version_interval_has_passed(fast_app, monkeypatch):
    assert "Revised elsewhere" not in fast_get(fast_app, PAGE).get_data(as_text=True)
    root = Path(fast_app.config["CONTENT_DIR"])
    write_page(root, "moving-in", "en", title="Revised elsewhere")
    with fast_app.app_context():
        import_content(root)  # as `content import` on another host: bumps the version in the database
    with interval_passed(fast_app, monkeypatch):
        assert "Revised elsewhere" in reader(fast_app).get(PAGE).get_data(as_text=True)
    assert "Revised elsewhere" in fast_get(fast_app, PAGE).get_data(as_text=True)


def test_a_fast_answer_writes_the_request_line_and_echoes_the_request_id(fast_app, caplog):
    caplog.set_level(logging.INFO, logger="shinjuku_pwa")
    answer = fast_get(fast_app, PAGE, headers={"X-Request-Id": "proxy-abc-123456"})
    assert answer.headers["X-Request-Id"] == "proxy-abc-123456"
    lines = [record.fields for record in caplog.records if record.name == "shinjuku_pwa.request"]
    assert lines[-1]["request_id"] == "proxy-abc-123456" and lines[-1]["status"] == 200
    assert lines[-1]["route"] == "/<locale:lang>/pages/<slug>" and lines[-1]["endpoint"] == "pages.page"
    assert lines[-1]["method"] == "GET" and lines[-1]["duration_ms"] >= 0
    junk = fast_get(fast_app, PAGE, headers={"X-Request-Id": "<script>"}).headers["X-Request-Id"]
    assert junk.isalnum() and len(junk) == 32


def test_a_hit_through_flask_also_logs_the_clients_request_id_and_a_duration(fast_app, monkeypatch, caplog):
    reader(fast_app).get(PAGE)
    caplog.set_level(logging.INFO, logger="shinjuku_pwa")
    with interval_passed(fast_app, monkeypatch), flask_requests(fast_app) as seen:
        answer = reader(fast_app).get(PAGE, headers={"X-Request-Id": "proxy-abc-654321"})
    assert seen == ["request"] and answer.headers["X-Request-Id"] == "proxy-abc-654321"
    line = [record.fields for record in caplog.records if record.name == "shinjuku_pwa.request"][-1]
    assert line["request_id"] == "proxy-abc-654321" and line["duration_ms"] is not None


def test_behind_a_trusted_proxy_it_sees_the_request_as_the_proxy_describes_it(make_cached_app, monkeypatch):
    app = make_cached_app(VERSION_POLL_SECONDS=3600, TRUSTED_PROXIES=1)
    https = {"X-Forwarded-Proto": "https"}
    fast = fast_get(app, PAGE, headers=https)
    assert "Strict-Transport-Security" in fast.headers and "Secure" in fast.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in fast_get(app, PAGE).headers


def test_the_fast_path_is_off_with_the_page_cache(make_app, tmp_path):
    app = make_app(VERSION_POLL_SECONDS=3600)  # the test default: PAGE_CACHE_MAX_BYTES = 0
    client = reader(app)
    with flask_requests(app) as seen:
        client.get("/healthz")
        client.get("/healthz")
    assert seen == ["request"] * 2 and len(cache_of(app)) == 0


def test_junk_in_every_header_of_a_cached_page_makes_no_server_error(fast_app):
    for url in URLS:
        fast_get(fast_app, url)
    failures = []
    for headers in JUNK_HEADER_SETS:
        for _ in range(2):  # the second time, with whatever the first taught the fast path
            failures += server_errors(reader(fast_app), "GET", [*URLS, "/api/v1/pages/moving-in" + JUNK_QUERY],
                                      headers=headers)
            failures += server_errors(reader(fast_app), "HEAD", URLS, headers=headers)
    assert failures == []

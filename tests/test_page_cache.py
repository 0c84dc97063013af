"""The page cache: an anonymous answer is built once per content version and served from memory;
a change made anywhere makes the next request fresh; nothing personal or staff ever enters it."""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path

import brotli
import pytest
from flask import template_rendered
from sqlalchemy import event

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.composition.publishing import publish_due
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.core.page_cache import Entry, PageCache, cache_of
from tests.admin.conftest import FAST_HASHING, signed_in_client
from tests.content_factory import write_page
from tests.push.conftest import add_notice

PAGE = "/en/pages/moving-in"


@pytest.fixture
def cached_app(make_cached_app):
    """Small content, the cache on, versions read on every request (as if the interval had passed)."""
    return make_cached_app(VERSION_POLL_SECONDS=0, **FAST_HASHING)


@contextmanager
def counting(app):
    """SQL statements run and templates rendered while the block runs."""
    seen = {"sql": [], "templates": []}
    with app.app_context():
        engine = db.engine

    def on_sql(conn, cursor, statement, *args):
        seen["sql"].append(statement)

    def on_render(sender, template, context, **extra):
        seen["templates"].append(template.name)

    event.listen(engine, "before_cursor_execute", on_sql)
    template_rendered.connect(on_render, app)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_sql)
        template_rendered.disconnect(on_render, app)


def _only_the_version_check(statements: list[str]) -> bool:
    return all("state_versions" in statement or statement == "BEGIN" for statement in statements)


@pytest.mark.parametrize("url", [PAGE, "/en/", "/ja/topics/moving", "/api/v1/pages/moving-in?lang=en"])
def test_a_second_anonymous_request_runs_no_query_and_renders_nothing(cached_app, url):
    client = cached_app.test_client()
    with counting(cached_app) as first:
        answer = client.get(url)
    assert answer.status_code == 200 and first["sql"] and not _only_the_version_check(first["sql"])
    with counting(cached_app) as second:
        again = client.get(url)
    assert again.status_code == 200 and again.data == answer.data
    assert _only_the_version_check(second["sql"]) and second["templates"] == []


def test_between_version_reads_a_cached_answer_runs_no_sql_at_all(make_cached_app):
    app = make_cached_app(VERSION_POLL_SECONDS=3600)
    client = app.test_client()
    client.get(PAGE)
    with counting(app) as second:
        assert client.get(PAGE).status_code == 200
    assert second["sql"] == []


def test_a_content_import_makes_the_next_request_fresh(cached_app):
    client = cached_app.test_client()
    assert "Revised on import" not in client.get(PAGE).get_data(as_text=True)
    root = Path(cached_app.config["CONTENT_DIR"])
    write_page(root, "moving-in", "en", title="Revised on import")
    with cached_app.app_context():
        import_content(root)  # as `content import` on any host: bumps the content version
    assert "Revised on import" in client.get(PAGE).get_data(as_text=True)


def test_a_published_notice_shows_on_the_next_request(cached_app):
    client = cached_app.test_client()
    assert "Cache test notice" not in client.get("/en/notices").get_data(as_text=True)
    now = dt.datetime.now(dt.UTC)
    add_notice(cached_app, publish_at=now - dt.timedelta(minutes=1), title={"ja": "お知らせ", "en": "Cache test notice"})
    with cached_app.app_context():
        assert publish_due(now)  # bumps the notices version in the same transaction
    assert "Cache test notice" in client.get("/en/notices").get_data(as_text=True)


def test_a_notice_published_through_another_host_reaches_this_hosts_cached_pages(cached_app, make_app):
    """Two hosts on one database, each with its own cache: B's copy goes as soon as B reads the new version."""
    host_b = make_app(content_dir=Path(cached_app.config["CONTENT_DIR"]), VERSION_POLL_SECONDS=0,
                      PAGE_CACHE_MAX_BYTES=8 * 1024 * 1024, SQLALCHEMY_DATABASE_URI=cached_app.config["SQLALCHEMY_DATABASE_URI"],
                      SQLALCHEMY_ENGINE_OPTIONS=cached_app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    reader_on_b = host_b.test_client()
    assert "Published on host A" not in reader_on_b.get("/en/notices").get_data(as_text=True)
    assert len(cache_of(host_b)) == 1
    now = dt.datetime.now(dt.UTC)
    add_notice(cached_app, publish_at=now - dt.timedelta(minutes=1), title={"ja": "お知らせ", "en": "Published on host A"})
    with cached_app.app_context():
        assert publish_due(now)
    assert "Published on host A" in reader_on_b.get("/en/notices").get_data(as_text=True)


def test_a_signed_in_staff_members_answers_never_enter_the_cache(cached_app):
    staff = signed_in_client(cached_app, "admin")
    cache = cache_of(cached_app)
    cache.clear()
    for url in (PAGE, "/en/", "/admin/", "/api/v1/pages/moving-in?lang=en"):
        staff.get(url)
    assert len(cache) == 0
    cached_app.test_client().get(PAGE)
    assert len(cache) == 1


def test_an_answer_that_writes_the_session_or_sets_a_cookie_is_not_kept(cached_app):
    cache = cache_of(cached_app)
    cache.clear()
    client = cached_app.test_client()
    assert client.get("/admin/login").status_code == 200  # a sign-in form: a CSRF token in the session
    assert client.post(PAGE + "/feedback", data={"helpful": "yes"}).status_code == 303
    assert client.get("/en/pages/no-such-page").status_code == 404
    assert len(cache) == 0


def test_a_life_events_first_question_is_kept_but_a_screen_that_echoes_answers_is_not(content_app, monkeypatch):
    monkeypatch.setattr(cache_of(content_app), "max_bytes", 8 * 1024 * 1024)  # the shared app has it off
    client = content_app.test_client()
    first = "/en/life-events/moving-in"
    client.get(first)
    with counting(content_app) as again:
        assert client.get(first).status_code == 200
    assert _only_the_version_check(again["sql"]) and again["templates"] == []
    answered = first + "?move_date=2026-04-01"  # the next screen carries the answer in hidden fields
    with counting(content_app) as each:
        for _ in range(2):
            response = client.get(answered)
            assert "private" in response.headers["Cache-Control"]
    assert each["templates"].count(each["templates"][0]) == 2  # built both times


def test_each_reader_setting_gets_its_own_copy_and_nobody_else_gets_it(cached_app):
    large = cached_app.test_client()
    large.set_cookie("reader", "text_size=large&contrast=standard&furigana=easy")
    plain = cached_app.test_client()
    for _ in range(2):
        assert 'class="text-large"' in large.get(PAGE).get_data(as_text=True)
        assert 'class="text-large"' not in plain.get(PAGE).get_data(as_text=True)
    junk = cached_app.test_client()
    junk.set_cookie("reader", "text_size=huge")  # read as the defaults: no new copy
    junk.get(PAGE)
    assert len(cache_of(cached_app)) == 2


def test_a_cached_api_read_without_lang_is_never_served_to_a_reader_of_another_language(cached_app):
    client = cached_app.test_client(use_cookies=False)
    for _ in range(2):
        for accept, lang in (("en", "en"), ("ko", "ko"), ("fr", "ja")):
            body = client.get("/api/v1/pages/moving-in", headers={"Accept-Language": accept}).get_json()
            assert body["requested_lang"] == lang
    assert len(cache_of(cached_app)) == 3


def test_cached_answers_are_compressed_and_still_answer_304(cached_app):
    client = cached_app.test_client()
    client.get(PAGE)
    br = client.get(PAGE, headers={"Accept-Encoding": "gzip, br"})
    assert br.headers["Content-Encoding"] == "br" and "Accept-Encoding" in br.headers["Vary"]
    gz = client.get(PAGE, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gz.headers["ETag"] != br.headers["ETag"]
    assert client.get(PAGE, headers={"Accept-Encoding": "br", "If-None-Match": br.headers["ETag"]}).status_code == 304
    assert "Content-Encoding" not in client.get(PAGE).headers


def _entry(size: int, at: float) -> Entry:
    return Entry(200, [], b"x" * size, "text/html", "tag", at)


def test_the_cache_drops_the_least_recently_used_answers_beyond_its_size():
    now = [0.0]
    one = _entry(3000, now[0]).size
    cache = PageCache(max_bytes=8 * one, max_age=60, clock=lambda: now[0])
    for n in range(8):
        cache.put(("page", n), _entry(3000, now[0]))
    assert len(cache) == 8 and cache.get(("page", 0)) is not None  # used: kept over page 1
    cache.put(("page", 8), _entry(3000, now[0]))
    assert cache.get(("page", 1)) is None and cache.get(("page", 0)) is not None
    assert len(cache) == 8 and cache.size <= 8 * one
    cache.put(("huge",), _entry(2 * one, now[0]))  # larger than an eighth of the cache: not kept
    assert cache.get(("huge",)) is None


def test_an_answer_older_than_the_cache_age_is_built_again():
    now = [0.0]
    cache = PageCache(max_bytes=1024 * 1024, max_age=60, clock=lambda: now[0])
    cache.put(("page",), _entry(100, now[0]))
    now[0] = 59
    assert cache.get(("page",)) is not None
    now[0] = 61
    assert cache.get(("page",)) is None and len(cache) == 0


def test_searches_are_never_answered_from_the_cache(cached_app):
    """Search counts what it could not find, and its index may refresh a moment after the versions."""
    client = cached_app.test_client()
    for url in ("/en/search?q=moving", "/api/v1/search?q=moving&lang=en"):
        client.get(url)
        client.get(url)
    assert not any("search" in key[2] for key in cache_of(cached_app)._entries)  # key[2]: the path


def test_kept_answers_are_compressed_denser_than_answers_compressed_on_every_request(make_cached_app):
    app = make_cached_app(VERSION_POLL_SECONDS=0, COMPRESS_BR_LEVEL=1, PAGE_CACHE_BR_LEVEL=11)
    client = app.test_client()
    body = client.get(PAGE).data
    kept = client.get(PAGE, headers={"Accept-Encoding": "br"})
    assert kept.headers["Content-Encoding"] == "br"
    assert kept.data == brotli.compress(body, quality=11)


def test_a_question_screen_reached_with_any_query_string_is_built_each_time_and_never_kept(content_app, monkeypatch):
    # Answers ride in the query string: such screens skip the cache's key and lookup altogether,
    # so even a first screen with only a tracking parameter is built again (and the plain one kept).
    monkeypatch.setattr(cache_of(content_app), "max_bytes", 8 * 1024 * 1024)  # the shared app has it off
    client = content_app.test_client()
    tagged = "/en/life-events/moving-in?utm_source=leaflet"
    with counting(content_app) as each:
        for _ in range(2):
            assert client.get(tagged).status_code == 200
    assert each["templates"].count(each["templates"][0]) == 2

"""Hardening for the whole app, seen from the staff console and the resident feedback form:
headers on every kind of response, /admin never indexed or cached, CSRF on every form (and not
on the JSON API), 413 before any parsing, no stack traces."""
from __future__ import annotations

import re
import time
import types

import itsdangerous.timed
import pytest
from sqlalchemy import select

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.core.config import from_environment
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.staff.models import AuditLog
from tests.admin.conftest import FAST_HASHING, bearer, create_staff, create_token, sign_in, signed_in_client
from tests.content_factory import make_content

ONE_MEGABYTE = 1024 * 1024


def _assert_security_headers(response):
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=()" in headers["Permissions-Policy"]


@pytest.mark.parametrize("url", ["/admin/login", "/admin/", "/admin/no-such-page", "/api/v1/admin/me", "/api/v1/admin/nothing",
                                 "/static/css/admin.css"])
def test_security_headers_are_on_console_html_json_static_and_errors(staff_app, url):
    with staff_app.test_client().get(url) as response:
        _assert_security_headers(response)
    with staff_app.test_client().get(url, base_url="https://localhost") as response:
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("url", ["/admin/login", "/admin/", "/api/v1/admin/me"])
def test_staff_pages_and_api_are_never_indexed_and_never_stored(staff_app, url):
    response = staff_app.test_client().get(url)
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_resident_pages_keep_their_cache_rules(staff_app):
    response = staff_app.test_client().get("/api/v1/categories")
    assert "X-Robots-Tag" not in response.headers and response.headers["Cache-Control"].startswith("public, max-age=")
    with staff_app.test_client().get("/static/css/admin.css") as static:
        assert "X-Robots-Tag" not in static.headers


def test_console_pages_have_no_inline_script_or_style(staff_app):
    client = signed_in_client(staff_app, "admin")
    target = create_staff(staff_app, "target@city.example.jp", "editor")
    for url in ("/admin/", "/admin/password", "/admin/staff", f"/admin/staff/{target}", "/admin/audit"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert "<style" not in html and not re.search(r"\sstyle=", html) and not re.search(r"\son\w+=", html), url
    login = staff_app.test_client().get("/admin/login").get_data(as_text=True)
    assert 'name="viewport"' in login and 'autocomplete="username"' in login and 'for="password"' in login


def test_oversized_bodies_get_413_before_csrf_or_authentication_read_them(staff_app):
    body = "x" * (ONE_MEGABYTE + 1)
    client = staff_app.test_client()
    for url in ("/admin/login", "/admin/staff", "/api/v1/admin/me"):
        response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 413, url
    assert client.post("/api/v1/admin/me", data=body, content_type="application/json").get_json()["code"] == 413


def test_errors_never_show_a_stack_trace_outside_debug_mode(make_app):
    app = make_app(**FAST_HASHING)

    def broken():
        raise RuntimeError("secret internals: /srv/app/db.py line 42")

    app.add_url_rule("/admin/broken", "broken_page", broken)
    app.add_url_rule("/api/v1/admin/broken", "broken_api", broken)
    client = app.test_client()
    page = client.get("/admin/broken")
    api = client.get("/api/v1/admin/broken")
    assert page.status_code == api.status_code == 500
    for response in (page, api):
        text = response.get_data(as_text=True)
        assert "Traceback" not in text and "secret internals" not in text and "db.py" not in text
    assert api.get_json()["code"] == 500


def test_the_json_api_needs_no_csrf_token_but_still_needs_its_bearer_token(staff_app):
    create_staff(staff_app, "admin@city.example.jp", "admin")
    token = create_token(staff_app, "admin@city.example.jp")
    client = staff_app.test_client()
    assert client.delete("/api/v1/admin/me", headers=bearer(token)).status_code == 405  # not 400 for CSRF
    assert client.get("/api/v1/admin/me", headers=bearer(token)).status_code == 200


@pytest.fixture
def page_app(make_app, tmp_path):
    app = make_app(content_dir=make_content(tmp_path / "content"), **FAST_HASHING)
    with app.app_context():
        import_content(app.config["CONTENT_DIR"])
    return app


def test_the_resident_feedback_form_needs_no_session_but_refuses_other_sites(page_app):
    client = page_app.test_client()
    response = client.get("/en/pages/moving-in")
    assert 'name="csrf_token"' not in response.get_data(as_text=True) and "Set-Cookie: session" not in str(response.headers)
    url, answer = "/en/pages/moving-in/feedback", {"helpful": "yes"}
    assert client.post(url, data=answer, headers={"Origin": "https://elsewhere.example"}).status_code == 400
    assert client.post(url, data=answer, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 400
    assert client.post(url, data=answer, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 303
    assert client.post(url, data=answer, headers={"Origin": "http://localhost"}).status_code == 303


def test_a_page_with_a_form_still_answers_304_to_its_etag_seconds_later(page_app, monkeypatch):
    client = page_app.test_client()
    first = client.get("/en/pages/moving-in")
    # Flask-WTF would sign a new token each second; the page must stay byte-identical anyway.
    later = types.SimpleNamespace(time=lambda: time.time() + 5)
    monkeypatch.setattr(itsdangerous.timed, "time", later)
    again = client.get("/en/pages/moving-in", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_behind_a_trusted_proxy_the_client_ip_and_https_come_from_its_headers(make_app):
    app = make_app(**FAST_HASHING, TRUSTED_PROXIES=1)
    create_staff(app, "editor@city.example.jp", "editor")
    forwarded = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"}
    client = app.test_client()
    response = sign_in(client, "editor@city.example.jp", headers={**forwarded, "Referer": "https://localhost/admin/login"})
    assert response.status_code == 303
    assert "Secure" in response.headers["Set-Cookie"] and "Strict-Transport-Security" in response.headers
    with app.app_context():
        assert db.session.scalar(select(AuditLog.ip).where(AuditLog.action == "staff.signed_in")) == "198.51.100.7"


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(staff_app):
    response = staff_app.test_client().get("/admin/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_rate_limits_use_redis_when_redis_url_is_set_and_the_instance_file_otherwise(monkeypatch, tmp_path):

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "test")
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert from_environment()["RATELIMIT_STORAGE_URI"] == ""  # security.py then uses INSTANCE_PATH/rate_limits.sqlite3
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert from_environment()["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    monkeypatch.setenv("PREFERRED_URL_SCHEME", "https")
    assert from_environment()["SESSION_COOKIE_SECURE"] is True

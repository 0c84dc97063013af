"""Parallel writers never meet "database is locked": 50 at once of each kind a resident or a clerk
causes (a "was this helpful?" answer, a sign-in and its audit row, an API token's last-used time, a
push subscription) against `make run`'s setup (gunicorn.conf.py, two workers) are all answered
without a 5xx, on SQLite and on PostgreSQL alike (DATABASE_URL chooses)."""
from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text

from shinjuku_pwa import create_app
from shinjuku_pwa.core.clock import utcnow
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.pages.models import PageFeedback
from shinjuku_pwa.push.models import PushSubscription
from shinjuku_pwa.staff import services
from shinjuku_pwa.staff.audit import Actor
from shinjuku_pwa.staff.models import ApiToken, AuditLog, StaffRole
from tests.push.browser_keys import BrowserKeys
from tests.test_slow_clients import MakeRunServer

WRITERS = 50
PASSWORD = "a long enough passphrase for tests"
CLERKS = [f"clerk{n}@city.example.jp" for n in range(5)]


class Answer:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes):
        self.status, self.headers, self.body = status, headers, body


def send(server, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
    """One request on its own connection; redirects are answers too (never followed)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def all_at_once(calls) -> list[int]:
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        return [answer.status for answer in pool.map(lambda call: call(), calls)]


def form_session(server, path: str) -> tuple[str, str]:
    """The session cookie and CSRF token a browser gets with a page that has a form."""
    page = send(server, "GET", path)
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.body)
    assert page.status == 200 and token, f"no form on {path}"
    cookie = "; ".join(value.split(";", 1)[0] for name, value in page.headers.items() if name.lower() == "set-cookie")
    return cookie, token.group(1).decode()


def form_post(server, path: str, cookie: str, fields: dict[str, str]):
    body = urllib.parse.urlencode(fields).encode()
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    return lambda: send(server, "POST", path, body, headers)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = MakeRunServer(tmp_path_factory.mktemp("parallel-writers"), PASSWORD_HASH_PROFILE="CHEAPEST",
                            PUSH_SUBSCRIBE_LIMIT_PER_IP="1000 per hour", PUSH_ENDPOINT_ALLOWLIST="fcm.googleapis.com")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def server_db(server):
    """The server's own database, seen from this process (to set up staff and count rows)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": server.env["DATABASE_URL"], "INSTANCE_PATH": server.env["INSTANCE_PATH"],
                      "SECRET_KEY": server.env["SECRET_KEY"], "PASSWORD_HASH_PROFILE": "CHEAPEST"})
    with app.app_context():
        for email in CLERKS:
            services.create_staff(email, PASSWORD, StaffRole.PUBLISHER, Actor.command_line(), utcnow())
    yield app
    with app.app_context():
        db.engine.dispose()


def count(app, query) -> int:
    with app.app_context():
        return db.session.scalar(query) or 0


def test_fifty_feedback_answers_at_once_are_all_stored(server, server_db):
    # "Was this helpful?" is a sessionless resident form (core/security.py): no session, no token;
    # the browser's Sec-Fetch-Site says it comes from the site itself.
    page = send(server, "GET", "/ja/pages/moving-in")
    assert page.status == 200 and b"/ja/pages/moving-in/feedback" in page.body
    body = urllib.parse.urlencode({"helpful": "yes"}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}

    def post():
        return send(server, "POST", "/ja/pages/moving-in/feedback", body, headers)
    statuses = all_at_once([post] * WRITERS)
    assert statuses == [303] * WRITERS
    assert count(server_db, select(func.count()).select_from(PageFeedback)) == WRITERS


def test_fifty_sign_ins_at_once_are_all_answered_and_audited(server, server_db):
    cookie, token = form_session(server, "/admin/login")
    before = count(server_db, select(func.count()).select_from(AuditLog))
    calls = [form_post(server, "/admin/login", cookie,
                       {"csrf_token": token, "email": CLERKS[n % len(CLERKS)],
                        # one wrong password per account (n = 0..4): the lock-out, shared by every
                        # process, must not be what answers here
                        "password": PASSWORD if n >= len(CLERKS) else "a wrong passphrase, typed in a hurry"})
             for n in range(WRITERS)]
    statuses = all_at_once(calls)
    assert sorted(set(statuses)) == [200, 303]  # 200: the form again, saying the sign-in failed
    assert statuses.count(303) == WRITERS - len(CLERKS)
    assert count(server_db, select(func.count()).select_from(AuditLog)) == before + WRITERS


def test_fifty_api_tokens_used_at_once_all_answer_and_record_their_use(server, server_db):
    with server_db.app_context():
        clerk = services.get_staff_by_email(CLERKS[0])
        secrets = [services.create_token(clerk, f"script {n}", Actor.command_line(), utcnow())[1] for n in range(WRITERS)]
    calls = [lambda secret=secret: send(server, "GET", "/api/v1/admin/me", headers={"Authorization": f"Bearer {secret}"})
             for secret in secrets]
    assert all_at_once(calls) == [200] * WRITERS
    assert count(server_db, select(func.count()).select_from(ApiToken).where(ApiToken.last_used_at.is_not(None))) == WRITERS


def test_fifty_subscriptions_at_once_are_stored_even_when_the_same_browser_races_itself(server, server_db):
    keys = BrowserKeys()
    # Ten browsers, each posting five times at once (a page open in several tabs): upserts that race.
    calls = []
    for n in range(WRITERS):
        body = {"subscription": keys.subscription(f"https://fcm.googleapis.com/fcm/send/parallel-{n % 10}"),
                "topics": ["disaster"], "lang": "en"}
        calls.append(lambda body=body: send(server, "POST", "/api/v1/push/subscriptions", json.dumps(body).encode(),
                                            {"Content-Type": "application/json"}))
    statuses = all_at_once(calls)
    assert all(status in (200, 201) for status in statuses), statuses
    assert statuses.count(201) == 10
    assert count(server_db, select(func.count()).select_from(PushSubscription)) == 10


def test_a_transaction_that_read_before_another_connection_wrote_can_still_write(app):
    # The heart of "database is locked" on SQLite: a read snapshot older than another writer's commit.
    insert = text("INSERT INTO search_misses (query, locale, count) VALUES (:query, 'ja', 1)")
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM search_misses")) == 0
        with db.engine.connect() as other:
            other.execute(insert, {"query": "written meanwhile"})
            other.commit()
        db.session.execute(insert, {"query": "written after reading"})
        db.session.commit()
        assert db.session.scalar(text("SELECT count(*) FROM search_misses")) == 2

"""Staff-console fixtures: apps with cheap password hashing, plus factories for accounts, tokens
and signed-in clients. Factories are plain callables; each test says whom it needs."""
from __future__ import annotations

import re
import time
import types

import limits.storage.memory
import limits.strategies
import pytest

from shinjuku_pwa.core import rate_limits
from shinjuku_pwa.staff import services
from shinjuku_pwa.staff.audit import Actor
from shinjuku_pwa.staff.models import StaffRole, utcnow

PASSWORD = "correct horse battery staple"
ROLES = [role.value for role in StaffRole]
# Argon2id at its cheapest: the same code path, without 64 MiB and 0.1 s per hash in tests.
FAST_HASHING = {"PASSWORD_HASH_PROFILE": "CHEAPEST"}


@pytest.fixture
def staff_app(make_app):
    """A migrated app with an empty database, for the staff console."""
    return make_app(**FAST_HASHING)


def csrf_token_in(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def create_staff(app, email: str, role: str = "editor", password: str = PASSWORD):
    with app.app_context():
        staff = services.create_staff(email, password, StaffRole(role), Actor.command_line(), utcnow())
        return staff.id


def create_token(app, email: str, name: str = "test") -> str:
    with app.app_context():
        _, secret = services.create_token(services.get_staff_by_email(email), name, Actor.command_line(), utcnow())
        return secret


def post_form(client, url: str, data: dict, page: str | None = None, **kwargs):
    """POST a console form as a browser does: with the CSRF token from the page that shows it."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token_in(html), **data}, **kwargs)


def sign_in(client, email: str, password: str = PASSWORD, **kwargs):
    return post_form(client, "/admin/login", {"email": email, "password": password}, **kwargs)


def signed_in_client(app, role: str, email: str | None = None):
    """A test client signed in as a new account with this role."""
    email = email or f"{role}@city.example.jp"
    create_staff(app, email, role)
    client = app.test_client()
    response = sign_in(client, email)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class FakeClock:
    """Time for the rate limiter's storages, moved forward by the test (never slept on)."""

    def __init__(self):
        self.now = time.time()  # starts at the real time, so "try again in N minutes" reads right

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def limiter_clock(monkeypatch):
    clock = FakeClock()
    fake_time = types.SimpleNamespace(time=clock.time)
    monkeypatch.setattr(limits.storage.memory, "time", fake_time)
    monkeypatch.setattr(limits.strategies, "time", fake_time)
    monkeypatch.setattr(rate_limits, "time", fake_time)
    return clock

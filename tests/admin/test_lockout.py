"""Rate limits on signing in: per account and per IP address, a clear 429 page, and release once
the window has passed (the limiter's clock is moved forward, never slept on)."""
from __future__ import annotations

from tests.admin.conftest import FAST_HASHING, PASSWORD, create_staff, sign_in

WINDOW = 15 * 60
OFFICE = {"REMOTE_ADDR": "192.0.2.10"}  # documentation addresses: nothing is sent anywhere
HOME = {"REMOTE_ADDR": "192.0.2.99"}


def _fail(client, email: str, **kwargs):
    return sign_in(client, email, "not the right password", **kwargs)


def test_five_wrong_passwords_lock_the_account_with_a_clear_429_even_for_the_right_password(staff_app, limiter_clock):
    create_staff(staff_app, "editor@city.example.jp", "editor")
    client = staff_app.test_client()
    for _ in range(5):
        assert _fail(client, "editor@city.example.jp").status_code == 200
    locked = sign_in(client, "editor@city.example.jp", PASSWORD, headers={"Accept-Language": "en"})
    assert locked.status_code == 429
    html = locked.get_data(as_text=True)
    assert "Too many sign-in attempts" in html and "Please try again in 15 minutes." in html
    assert int(locked.headers["Retry-After"]) > 0
    jp = sign_in(client, "editor@city.example.jp", PASSWORD, headers={"Accept-Language": "ja"})
    assert jp.status_code == 429 and '<html lang="ja"' in jp.get_data(as_text=True)


def test_the_lock_is_per_account_so_colleagues_can_still_sign_in(staff_app, limiter_clock):
    create_staff(staff_app, "editor@city.example.jp", "editor")
    create_staff(staff_app, "colleague@city.example.jp", "editor")
    client = staff_app.test_client()
    for _ in range(5):
        _fail(client, "editor@city.example.jp")
    assert sign_in(client, "editor@city.example.jp").status_code == 429
    assert sign_in(staff_app.test_client(), "colleague@city.example.jp").status_code == 303


def test_the_account_lock_holds_from_any_ip_address(staff_app, limiter_clock):
    create_staff(staff_app, "editor@city.example.jp", "editor")
    attacker = staff_app.test_client()
    for _ in range(5):
        _fail(attacker, "editor@city.example.jp", environ_base=OFFICE)
    assert sign_in(staff_app.test_client(), "editor@city.example.jp", environ_base=HOME).status_code == 429


def test_the_lock_is_released_once_the_window_has_passed(staff_app, limiter_clock):
    create_staff(staff_app, "editor@city.example.jp", "editor")
    client = staff_app.test_client()
    for _ in range(5):
        _fail(client, "editor@city.example.jp")
        limiter_clock.advance(10)
    assert sign_in(client, "editor@city.example.jp").status_code == 429
    limiter_clock.advance(WINDOW - 60)
    assert sign_in(client, "editor@city.example.jp").status_code == 429  # the first failure is not 15 minutes old yet
    limiter_clock.advance(60)
    assert sign_in(client, "editor@city.example.jp").status_code == 303


def test_successful_sign_ins_do_not_count_towards_the_lock(staff_app, limiter_clock):
    create_staff(staff_app, "editor@city.example.jp", "editor")
    for _ in range(8):
        assert sign_in(staff_app.test_client(), "editor@city.example.jp").status_code == 303


def test_many_failures_from_one_ip_address_lock_that_address_for_every_account(make_app, limiter_clock):
    app = make_app(**FAST_HASHING, STAFF_LOGIN_LIMIT_PER_IP="3 per 15 minutes")
    create_staff(app, "editor@city.example.jp", "editor")
    client = app.test_client()
    for guess in ("a@city.example.jp", "b@city.example.jp", "c@city.example.jp"):
        assert _fail(client, guess, environ_base=OFFICE).status_code == 200
    assert sign_in(client, "editor@city.example.jp", environ_base=OFFICE).status_code == 429
    assert sign_in(app.test_client(), "editor@city.example.jp", environ_base=HOME).status_code == 303
    limiter_clock.advance(WINDOW + 1)
    assert sign_in(client, "editor@city.example.jp", environ_base=OFFICE).status_code == 303

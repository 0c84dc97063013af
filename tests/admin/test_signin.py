"""Signing in and out: generic failures, CSRF, lock-out and its release, session fixation,
idle timeout, password changes."""
from __future__ import annotations

import datetime as dt
import re
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select, update

from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.staff.models import AuditLog, StaffSession, StaffUser
from tests.admin.conftest import PASSWORD, create_staff, csrf_token_in, post_form, sign_in, signed_in_client


def _session_cookie(client) -> str | None:
    cookie = client.get_cookie("session", path="/")
    return cookie.value if cookie else None


def test_signing_in_opens_the_dashboard_and_is_audited(staff_app):
    create_staff(staff_app, "editor@city.example.jp", "editor")
    client = staff_app.test_client()
    response = sign_in(client, "Editor@City.Example.JP ", PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    with staff_app.app_context():
        entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "staff.signed_in")).one()
        assert (entry.actor, entry.via, entry.ip) == ("editor@city.example.jp", "web", "127.0.0.1")


def test_a_wrong_password_an_unknown_account_and_a_disabled_account_get_the_same_generic_error(staff_app):
    create_staff(staff_app, "known@city.example.jp", "editor")
    create_staff(staff_app, "gone@city.example.jp", "editor")
    with staff_app.app_context():
        db.session.execute(update(StaffUser).where(StaffUser.email == "gone@city.example.jp").values(disabled=True))
        db.session.commit()
    answers = []
    for email, password in [("known@city.example.jp", "wrong password here"), ("nobody@city.example.jp", PASSWORD),
                            ("gone@city.example.jp", PASSWORD)]:
        response = sign_in(staff_app.test_client(), email, password, headers={"Accept-Language": "en"})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "The e-mail address or password is not correct." in html
        answers.append(re.sub(r'name="csrf_token" value="[^"]+"', "", html).replace(email, "EMAIL"))
    assert answers[0] == answers[1] == answers[2]
    with staff_app.app_context():
        failures = db.session.scalars(select(AuditLog).where(AuditLog.action == "staff.sign_in_failed")).all()
        assert len(failures) == 3
        assert all("nobody@" not in (f.actor + str(f.details)) for f in failures)  # typed e-mails are not kept


def test_a_form_without_its_csrf_token_is_refused(staff_app):
    create_staff(staff_app, "editor@city.example.jp", "editor")
    client = staff_app.test_client()
    client.get("/admin/login")
    response = client.post("/admin/login", data={"email": "editor@city.example.jp", "password": PASSWORD},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    forged = client.post("/admin/login", data={"email": "editor@city.example.jp", "password": PASSWORD,
                                               "csrf_token": "forged"})
    assert forged.status_code == 400
    assert client.get("/admin/").status_code == 303  # still not signed in


def test_a_csrf_token_from_another_session_is_refused(staff_app):
    create_staff(staff_app, "editor@city.example.jp", "editor")
    attacker, victim = staff_app.test_client(), staff_app.test_client()
    token = csrf_token_in(attacker.get("/admin/login").get_data(as_text=True))
    victim.get("/admin/login")
    response = victim.post("/admin/login", data={"email": "editor@city.example.jp", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 400


def test_signed_in_forms_need_the_token_too(staff_app):
    client = signed_in_client(staff_app, "editor")
    assert client.post("/admin/logout").status_code == 400
    assert client.get("/admin/").status_code == 200


def test_signing_in_rotates_the_session_cookie_and_a_planted_cookie_stays_signed_out(staff_app):
    create_staff(staff_app, "editor@city.example.jp", "editor")
    client = staff_app.test_client()
    csrf = csrf_token_in(client.get("/admin/login").get_data(as_text=True))
    before = _session_cookie(client)
    assert before
    # An attacker who planted or copied `before` gets nothing from the victim signing in.
    response = client.post("/admin/login", data={"email": "editor@city.example.jp", "password": PASSWORD, "csrf_token": csrf})
    assert response.status_code == 303
    after = _session_cookie(client)
    assert after and after != before
    attacker = staff_app.test_client()
    attacker.set_cookie("session", before)
    assert attacker.get("/admin/").status_code == 303
    # The old CSRF token went with the old session.
    assert client.post("/admin/logout", data={"csrf_token": csrf}).status_code == 400


def test_session_cookies_are_httponly_samesite_lax_and_secure_over_https(staff_app):
    create_staff(staff_app, "editor@city.example.jp", "editor")
    for base_url, secure in (("http://localhost", False), ("https://localhost", True)):
        client = staff_app.test_client()
        csrf = csrf_token_in(client.get("/admin/login", base_url=base_url).get_data(as_text=True))
        response = client.post("/admin/login", base_url=base_url, headers={"Referer": base_url + "/admin/login"},
                               data={"email": "editor@city.example.jp", "password": PASSWORD, "csrf_token": csrf})
        assert response.status_code == 303
        header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
        morsel = SimpleCookie(header)["session"]
        assert morsel["httponly"] and morsel["samesite"] == "Lax"
        assert bool(morsel["secure"]) is secure


def test_signing_out_ends_the_session_on_the_server_so_a_copied_cookie_is_useless(staff_app):
    client = signed_in_client(staff_app, "editor")
    copied = _session_cookie(client)
    response = post_form(client, "/admin/logout", {}, page="/admin/")
    assert response.status_code == 303 and "/admin/login" in response.headers["Location"]
    assert client.get("/admin/").status_code == 303
    thief = staff_app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/admin/").status_code == 303
    with staff_app.app_context():
        assert db.session.scalar(select(StaffSession)) is None
        assert db.session.scalars(select(AuditLog.action)).all()[-1] == "staff.signed_out"


def _age_sessions(app, **columns):
    with app.app_context():
        db.session.execute(update(StaffSession).values(**columns))
        db.session.commit()


def test_an_idle_session_times_out_and_the_sign_in_page_says_why(staff_app):
    client = signed_in_client(staff_app, "editor")
    idle = staff_app.config["STAFF_IDLE_TIMEOUT_SECONDS"]
    now = dt.datetime.now(dt.UTC)
    _age_sessions(staff_app, last_seen_at=now - dt.timedelta(seconds=idle - 60))
    assert client.get("/admin/").status_code == 200  # not yet, and this request counts as activity
    _age_sessions(staff_app, last_seen_at=now - dt.timedelta(seconds=idle + 1))
    response = client.get("/admin/audit?actor=x", headers={"Accept-Language": "en"})
    assert response.status_code == 303
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query == {"next": ["/admin/audit?actor=x"], "expired": ["1"]}
    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "inactive" in page
    assert client.get("/admin/").status_code == 303


def test_a_session_ends_after_its_maximum_age_even_when_active(staff_app):
    client = signed_in_client(staff_app, "editor")
    max_age = staff_app.config["STAFF_SESSION_MAX_AGE_SECONDS"]
    _age_sessions(staff_app, created_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=max_age + 1))
    assert client.get("/admin/").status_code == 303


def test_after_signing_in_the_person_goes_back_to_the_page_they_asked_for_but_never_off_site(staff_app):
    create_staff(staff_app, "admin@city.example.jp", "admin")
    for target, expected in (("/admin/audit?action=staff.created", "/admin/audit?action=staff.created"),
                             ("https://evil.example/admin", "/admin/"), ("//evil.example/admin", "/admin/"),
                             ("/en/", "/admin/")):
        client = staff_app.test_client()
        page = client.get("/admin/login", query_string={"next": target}).get_data(as_text=True)
        response = client.post("/admin/login", data={"email": "admin@city.example.jp", "password": PASSWORD,
                                                     "next": target, "csrf_token": csrf_token_in(page)})
        assert response.headers["Location"] == expected


def test_disabling_an_account_signs_it_out_at_once(staff_app):
    client = signed_in_client(staff_app, "editor")
    with staff_app.app_context():
        db.session.execute(update(StaffUser).values(disabled=True))
        db.session.commit()
    assert client.get("/admin/").status_code == 303


def test_changing_the_password_needs_the_current_one_and_signs_out_other_sessions(staff_app):
    create_staff(staff_app, "editor@city.example.jp", "editor")
    phone, laptop = staff_app.test_client(), staff_app.test_client()
    sign_in(phone, "editor@city.example.jp")
    sign_in(laptop, "editor@city.example.jp")
    en = {"Accept-Language": "en"}
    wrong = post_form(laptop, "/admin/password", {"current_password": "not my password", "new_password": "a brand new passphrase",
                                                  "new_password_again": "a brand new passphrase"}, headers=en)
    assert wrong.status_code == 422 and "Your current password is not correct." in wrong.get_data(as_text=True)
    weak = post_form(laptop, "/admin/password", {"current_password": PASSWORD, "new_password": "password1234",
                                                 "new_password_again": "password1234"}, headers=en)
    assert weak.status_code == 422 and "too common" in weak.get_data(as_text=True)
    differ = post_form(laptop, "/admin/password", {"current_password": PASSWORD, "new_password": "a brand new passphrase",
                                                   "new_password_again": "a brand new passphrasf"}, headers=en)
    assert differ.status_code == 422
    done = post_form(laptop, "/admin/password", {"current_password": PASSWORD, "new_password": "a brand new passphrase",
                                                 "new_password_again": "a brand new passphrase"})
    assert done.status_code == 303
    assert laptop.get("/admin/").status_code == 200
    assert phone.get("/admin/").status_code == 303
    assert sign_in(staff_app.test_client(), "editor@city.example.jp", PASSWORD).status_code == 200  # old one refused
    assert sign_in(staff_app.test_client(), "editor@city.example.jp", "a brand new passphrase").status_code == 303


def test_sessions_nobody_came_back_to_are_removed_at_the_next_sign_in(staff_app):
    signed_in_client(staff_app, "editor")
    max_age = staff_app.config["STAFF_SESSION_MAX_AGE_SECONDS"]
    _age_sessions(staff_app, created_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=max_age + 1))
    signed_in_client(staff_app, "publisher")
    with staff_app.app_context():
        assert len(db.session.scalars(select(StaffSession)).all()) == 1

"""The audit log: a row for every staff action, append-only in the ORM and in the database,
viewable and filterable by admins."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.staff import services
from shinjuku_pwa.staff.audit import Actor, AuditLogIsAppendOnly, record_action
from shinjuku_pwa.staff.models import AuditLog, StaffUser, utcnow
from tests.admin.conftest import PASSWORD, create_staff, csrf_token_in, post_form, sign_in, signed_in_client


def _log(app) -> list[tuple[str, str, str | None, str | None, str | None]]:
    with app.app_context():
        return [(e.actor, e.action, e.object_type, e.object_id, e.ip)
                for e in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]


def test_every_console_action_is_recorded_with_who_what_which_object_and_ip(staff_app):
    admin = signed_in_client(staff_app, "admin")
    target = create_staff(staff_app, "target@city.example.jp", "editor")
    post_form(admin, f"/admin/staff/{target}/role", {"role": "publisher"}, page="/admin/password")
    page = post_form(admin, f"/admin/staff/{target}/tokens", {"name": "script"}, page="/admin/password")
    token_id = re.search(r'/admin/tokens/(\d+)/revoke', page.get_data(as_text=True)).group(1)
    post_form(admin, f"/admin/tokens/{token_id}/revoke", {}, page="/admin/password")
    post_form(admin, f"/admin/staff/{target}/disable", {}, page="/admin/password")
    post_form(admin, f"/admin/staff/{target}/enable", {}, page="/admin/password")
    post_form(admin, "/admin/staff", {"email": "new@city.example.jp", "role": "editor", "password": "another long passphrase"})
    post_form(admin, "/admin/password", {"current_password": PASSWORD, "new_password": "my new long passphrase",
                                         "new_password_again": "my new long passphrase"})
    post_form(admin, "/admin/logout", {}, page="/admin/")
    by_admin = [(action, kind, obj) for actor, action, kind, obj, ip in _log(staff_app)
                if actor == "admin@city.example.jp" and ip == "127.0.0.1"]
    assert by_admin == [
        ("staff.signed_in", "staff_user", "1"),
        ("staff.role_changed", "staff_user", str(target)),
        ("token.created", "api_token", token_id),
        ("token.revoked", "api_token", token_id),
        ("staff.disabled", "staff_user", str(target)),
        ("staff.enabled", "staff_user", str(target)),
        ("staff.created", "staff_user", "3"),
        ("staff.password_changed", "staff_user", "1"),
        ("staff.signed_out", "staff_user", "1"),
    ]
    with staff_app.app_context():
        role_change = db.session.scalars(select(AuditLog).where(AuditLog.action == "staff.role_changed")).one()
        assert role_change.details == {"from": "editor", "to": "publisher"} and role_change.via == "web"
        assert role_change.at is not None and role_change.actor_id == 1


def test_no_secret_ever_reaches_the_audit_log(staff_app):
    admin = signed_in_client(staff_app, "admin")
    target = create_staff(staff_app, "target@city.example.jp", "editor")
    page = post_form(admin, f"/admin/staff/{target}/tokens", {"name": "script"}, page="/admin/password")
    secret = re.search(r'value="(shs_[^"]+)"', page.get_data(as_text=True)).group(1)
    sign_in(staff_app.test_client(), "target@city.example.jp", "a wrong password typed")
    with staff_app.app_context():
        everything = " ".join(f"{e.actor} {e.details}" for e in db.session.scalars(select(AuditLog)))
    assert secret not in everything and PASSWORD not in everything and "a wrong password typed" not in everything


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(staff_app):
    with staff_app.app_context():
        entry = record_action(Actor.command_line(), "test.action")
        db.session.commit()
        entry.action = "something.else"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(AuditLog, entry.id))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"])
def test_the_database_itself_refuses_to_change_or_delete_audit_rows(staff_app, statement):
    with staff_app.app_context():
        record_action(Actor.command_line(), "test.action")
        db.session.commit()
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with db.engine.begin() as connection:
                connection.execute(sa.text(statement))
        assert db.session.scalar(select(AuditLog.action)) == "test.action"


def test_admins_filter_the_audit_page_by_who_action_object_and_date(staff_app):
    admin = signed_in_client(staff_app, "admin")
    create_staff(staff_app, "a@city.example.jp", "editor")
    create_staff(staff_app, "b@city.example.jp", "editor")
    sign_in(staff_app.test_client(), "a@city.example.jp", "wrong password typed")
    en = {"Accept-Language": "en"}
    html = admin.get("/admin/audit", query_string={"action": "staff.created"}, headers=en).get_data(as_text=True)
    assert "3 entries" in html and "a@city.example.jp" in html and "staff.signed_in</code>" not in html
    html = admin.get("/admin/audit", query_string={"action": "staff.sign_in_failed", "actor": "A@CITY"}, headers=en).get_data(as_text=True)
    assert "1 entry" in html
    html = admin.get("/admin/audit", query_string={"object_type": "staff_user", "object_id": "2", "actor": "", "since": ""},
                     headers=en).get_data(as_text=True)
    assert "2 entries" in html  # created, then the failed sign-in
    today = utcnow().date().isoformat()
    assert "0 entries" in admin.get("/admin/audit", query_string={"until": "2000-01-01"}, headers=en).get_data(as_text=True)
    assert admin.get("/admin/audit", query_string={"since": today}).status_code == 200
    assert admin.get("/admin/audit", query_string={"since": "not a date"}).status_code == 422


def test_the_audit_page_is_paginated_newest_first(staff_app):
    admin = signed_in_client(staff_app, "admin")
    with staff_app.app_context():
        for number in range(60):
            record_action(Actor.command_line(), f"test.step{number:02d}")
        db.session.commit()
    first = admin.get("/admin/audit", query_string={"action": "test."}).get_data(as_text=True)
    assert "<code>test.step59</code>" in first and "<code>test.step09</code>" not in first and 'rel="next"' in first
    second = admin.get("/admin/audit", query_string={"action": "test.", "page": 2}).get_data(as_text=True)
    assert "<code>test.step09</code>" in second and 'rel="prev"' in second


def test_the_last_active_admin_cannot_be_disabled_or_demoted(staff_app):
    admin = signed_in_client(staff_app, "admin")
    admin.get("/admin/language/en?next=/admin/")  # messages are written in the staff member's language
    with staff_app.app_context():
        me = db.session.scalar(select(StaffUser.id))
    response = post_form(admin, f"/admin/staff/{me}/disable", {}, page="/admin/password")
    assert response.status_code == 303
    assert "at least one active administrator" in admin.get(response.headers["Location"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    post_form(admin, f"/admin/staff/{me}/role", {"role": "editor"}, page="/admin/password")
    with staff_app.app_context():
        assert services.count_active_admins() == 1
    create_staff(staff_app, "second@city.example.jp", "admin")
    post_form(admin, f"/admin/staff/{me}/role", {"role": "editor"}, page="/admin/password")
    with staff_app.app_context():
        assert services.count_active_admins() == 1


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(staff_app):
    admin = signed_in_client(staff_app, "admin")
    target = create_staff(staff_app, "target@city.example.jp", "editor")
    page = post_form(admin, f"/admin/staff/{target}/tokens", {"name": "script"}, page="/admin/password")
    assert page.headers["Cache-Control"] == "private, no-store"
    secret = re.search(r'value="(shs_[^"]+)"', page.get_data(as_text=True)).group(1)
    assert secret not in admin.get(f"/admin/staff/{target}").get_data(as_text=True)
    with staff_app.app_context():
        row = services.get_token_by_secret(secret)
        assert secret not in (row.token_hash, row.prefix) and len(row.token_hash) == 64


def test_staff_creation_in_the_console_applies_the_password_rules(staff_app):
    admin = signed_in_client(staff_app, "admin")
    weak = post_form(admin, "/admin/staff", {"email": "new@city.example.jp", "role": "editor", "password": "password1234"},
                     headers={"Accept-Language": "en"})
    assert weak.status_code == 422 and "too common" in weak.get_data(as_text=True)
    bad_email = post_form(admin, "/admin/staff", {"email": "not an address", "role": "editor", "password": "a fine long passphrase"})
    assert bad_email.status_code == 422
    twice = post_form(admin, "/admin/staff", {"email": "ADMIN@city.example.jp", "role": "editor", "password": "a fine long passphrase"})
    assert twice.status_code == 422
    assert csrf_token_in(twice.get_data(as_text=True))


def test_the_audit_log_in_japanese_names_the_operator_not_the_person_a_procedure_is_for(staff_app):
    # "Who" meant 対象者 on procedure pages and 操作者 here; one msgid cannot carry both.
    html = signed_in_client(staff_app, "admin").get("/admin/audit", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "操作者" in html and "対象者" not in html

"""The staff JSON API: bearer tokens, 401 and 403 as JSON, token revocation, the audit endpoint."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.staff import services
from shinjuku_pwa.staff.audit import Actor, record_action
from shinjuku_pwa.staff.models import ApiToken, AuditLog, StaffRole, utcnow
from tests.admin.conftest import bearer, create_staff, create_token


def test_me_says_who_the_token_acts_for_and_what_the_role_allows(staff_app):
    create_staff(staff_app, "publisher@city.example.jp", "publisher")
    token = create_token(staff_app, "publisher@city.example.jp", name="notice importer")
    response = staff_app.test_client().get("/api/v1/admin/me", headers=bearer(token))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["email"], body["role"]) == ("publisher@city.example.jp", "publisher")
    assert "notices.schedule" in body["actions"] and "staff.manage" not in body["actions"]
    assert body["token"]["name"] == "notice importer" and token.startswith(body["token"]["prefix"])
    assert body["token"]["last_used_at"] and token not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_missing_token_is_401_json_in_the_readers_language_with_a_bearer_challenge(staff_app):
    response = staff_app.test_client().get("/api/v1/admin/me", headers={"Accept-Language": "ja"})
    assert response.status_code == 401 and response.mimetype == "application/json"
    assert response.get_json()["code"] == 401 and response.get_json()["message"]
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="shinjuku-staff"'


def test_an_unknown_or_malformed_token_is_401_with_invalid_token(staff_app):
    client = staff_app.test_client()
    unknown = client.get("/api/v1/admin/me", headers=bearer("shs_not-a-real-token"))
    assert unknown.status_code == 401 and 'error="invalid_token"' in unknown.headers["WWW-Authenticate"]
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "shs_token-without-scheme"):
        assert client.get("/api/v1/admin/me", headers={"Authorization": header}).status_code == 401


def test_a_revoked_token_is_refused_from_the_next_request(staff_app):
    create_staff(staff_app, "admin@city.example.jp", "admin")
    token = create_token(staff_app, "admin@city.example.jp")
    client = staff_app.test_client()
    assert client.get("/api/v1/admin/me", headers=bearer(token)).status_code == 200
    with staff_app.app_context():
        services.revoke_token(services.get_token_by_secret(token), Actor.command_line(), utcnow())
    assert client.get("/api/v1/admin/me", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/admin/audit", headers=bearer(token)).status_code == 401


def test_a_disabled_account_s_tokens_stop_working(staff_app):
    create_staff(staff_app, "admin@city.example.jp", "admin")
    create_staff(staff_app, "editor@city.example.jp", "editor")
    token = create_token(staff_app, "editor@city.example.jp")
    with staff_app.app_context():
        services.disable_staff(services.get_staff_by_email("editor@city.example.jp"), Actor.command_line(), utcnow())
        services.enable_staff(services.get_staff_by_email("editor@city.example.jp"), Actor.command_line(), utcnow())
        assert db.session.scalar(select(ApiToken.revoked_at)) is not None
    assert staff_app.test_client().get("/api/v1/admin/me", headers=bearer(token)).status_code == 401


def test_a_token_acts_with_its_owner_s_current_role(staff_app):
    create_staff(staff_app, "admin@city.example.jp", "admin")
    create_staff(staff_app, "editor@city.example.jp", "editor")
    token = create_token(staff_app, "editor@city.example.jp")
    client = staff_app.test_client()
    assert client.get("/api/v1/admin/audit", headers=bearer(token)).status_code == 403
    with staff_app.app_context():
        services.change_role(services.get_staff_by_email("editor@city.example.jp"), StaffRole.ADMIN,
                             Actor.command_line(), utcnow())
    assert client.get("/api/v1/admin/audit", headers=bearer(token)).status_code == 200


def _admin_token(app) -> dict:
    create_staff(app, "admin@city.example.jp", "admin")
    return bearer(create_token(app, "admin@city.example.jp"))


def test_the_audit_endpoint_filters_by_action_family_object_and_tokyo_day(staff_app):
    headers = _admin_token(staff_app)
    tokyo_midnight = dt.datetime(2026, 4, 1, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    with staff_app.app_context():
        actor = Actor(None, "someone@city.example.jp", "192.0.2.1", "api")
        record_action(actor, "notice.created", "notice", 7, at=tokyo_midnight - dt.timedelta(minutes=1))
        record_action(actor, "notice.scheduled", "notice", 7, {"publish_at": "2026-04-02T09:00:00+09:00"},
                      at=tokyo_midnight + dt.timedelta(minutes=1))
        record_action(actor, "notice.created", "notice", 8, at=tokyo_midnight + dt.timedelta(hours=23))
        db.session.commit()
    client = staff_app.test_client()

    def query(**params):
        response = client.get("/api/v1/admin/audit", query_string=params, headers=headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    assert query(action="notice.")["total"] == 3
    assert query(action="notice.created")["total"] == 2
    assert query(object_type="notice", object_id="7")["total"] == 2
    april_first = query(since="2026-04-01", until="2026-04-01")
    assert [item["action"] for item in april_first["items"]] == ["notice.created", "notice.scheduled"]  # newest first
    assert april_first["items"][1]["details"] == {"publish_at": "2026-04-02T09:00:00+09:00"}
    assert april_first["items"][0]["ip"] == "192.0.2.1" and april_first["items"][0]["at"].endswith("+00:00")
    assert query(actor="SOMEONE")["total"] == 3
    page = query(action="notice.", per_page=2, page=2)
    assert (len(page["items"]), page["total"], page["page"]) == (1, 3, 2)


def test_the_audit_endpoint_refuses_wrong_types_and_ranges_with_422(staff_app):
    headers = _admin_token(staff_app)
    client = staff_app.test_client()
    for params in ({"since": "yesterday"}, {"per_page": "many"}, {"per_page": 1000}, {"page": 0}):
        response = client.get("/api/v1/admin/audit", query_string=params, headers=headers)
        assert response.status_code == 422 and response.get_json()["errors"]


def test_the_staff_api_needs_no_csrf_token_and_answers_405_as_json(staff_app):
    headers = _admin_token(staff_app)
    response = staff_app.test_client().post("/api/v1/admin/me", headers=headers, json={})
    assert response.status_code == 405 and response.mimetype == "application/json"


def test_token_use_is_recorded_without_a_write_on_every_request(staff_app):
    create_staff(staff_app, "editor@city.example.jp", "editor")
    token = create_token(staff_app, "editor@city.example.jp")
    client = staff_app.test_client()
    client.get("/api/v1/admin/me", headers=bearer(token))
    with staff_app.app_context():
        first = db.session.scalar(select(ApiToken.last_used_at))
    client.get("/api/v1/admin/me", headers=bearer(token))
    with staff_app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) == first
        db.session.execute(update(ApiToken).values(last_used_at=utcnow() - dt.timedelta(minutes=5)))
        db.session.commit()
    client.get("/api/v1/admin/me", headers=bearer(token))
    with staff_app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) != first
        assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "token.used")) is None

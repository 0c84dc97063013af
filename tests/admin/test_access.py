"""Each role against each console route and staff API endpoint: allowed, refused (403), or sent to
sign in (pages) / 401 (API) without a session or token."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.staff.models import ApiToken, StaffRole, StaffUser
from shinjuku_pwa.staff.permissions import ROLE_ACTIONS, Action, role_allows
from tests.admin.conftest import bearer, create_staff, create_token, csrf_token_in, signed_in_client

ANONYMOUS = "anonymous"
ALL_ROLES = ["editor", "publisher", "admin"]
ADMIN_ONLY = ["admin"]

# (method, url, form, roles allowed, status when allowed); {target} and {token} are filled in.
CONSOLE_ROUTES = [
    ("GET", "/admin/", None, ALL_ROLES, 200),
    ("GET", "/admin/password", None, ALL_ROLES, 200),
    ("GET", "/admin/staff", None, ADMIN_ONLY, 200),
    ("POST", "/admin/staff", {"email": "new@city.example.jp", "role": "editor", "password": "a good long passphrase"}, ADMIN_ONLY, 303),
    ("GET", "/admin/staff/{target}", None, ADMIN_ONLY, 200),
    ("POST", "/admin/staff/{target}/role", {"role": "publisher"}, ADMIN_ONLY, 303),
    ("POST", "/admin/staff/{target}/disable", {}, ADMIN_ONLY, 303),
    ("POST", "/admin/staff/{target}/enable", {}, ADMIN_ONLY, 303),
    ("POST", "/admin/staff/{target}/tokens", {"name": "script"}, ADMIN_ONLY, 200),
    ("POST", "/admin/tokens/{token}/revoke", {}, ADMIN_ONLY, 303),
    ("GET", "/admin/audit", None, ADMIN_ONLY, 200),
]
API_ROUTES = [
    ("/api/v1/admin/me", ALL_ROLES),
    ("/api/v1/admin/audit", ADMIN_ONLY),
]


def _target(app) -> tuple[int, int]:
    target_id = create_staff(app, "target@city.example.jp", "editor")
    create_token(app, "target@city.example.jp")
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.staff_id == target_id))
    return target_id, token_id


@pytest.mark.parametrize("role", [ANONYMOUS, *ALL_ROLES])
@pytest.mark.parametrize(("method", "url", "form", "allowed", "status"), CONSOLE_ROUTES,
                         ids=[f"{m} {u}" for m, u, *_ in CONSOLE_ROUTES])
def test_each_role_against_each_console_route(staff_app, role, method, url, form, allowed, status):
    target_id, token_id = _target(staff_app)
    url = url.format(target=target_id, token=token_id)
    client = staff_app.test_client() if role == ANONYMOUS else signed_in_client(staff_app, role)
    if method == "GET":
        response = client.get(url)
    else:
        page = "/admin/login" if role == ANONYMOUS else "/admin/password"
        csrf = csrf_token_in(client.get(page).get_data(as_text=True))
        response = client.post(url, data={"csrf_token": csrf, **form})
    if role == ANONYMOUS:
        assert response.status_code == 303 and response.headers["Location"].startswith("/admin/login")
    elif role in allowed:
        assert response.status_code == status, response.get_data(as_text=True)[:2000]
    else:
        assert response.status_code == 403
        assert "You are not allowed to do this." in client.get(url if method == "GET" else "/admin/staff",
                                                              headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_refused_console_actions_change_nothing(staff_app):
    target_id, _ = _target(staff_app)
    client = signed_in_client(staff_app, "publisher")
    csrf = csrf_token_in(client.get("/admin/password").get_data(as_text=True))
    client.post(f"/admin/staff/{target_id}/role", data={"csrf_token": csrf, "role": "admin"})
    client.post(f"/admin/staff/{target_id}/disable", data={"csrf_token": csrf})
    with staff_app.app_context():
        target = db.session.get(StaffUser, target_id)
        assert (target.role, target.disabled) == (StaffRole.EDITOR, False)


@pytest.mark.parametrize("role", [ANONYMOUS, *ALL_ROLES])
@pytest.mark.parametrize(("url", "allowed"), API_ROUTES, ids=[u for u, _ in API_ROUTES])
def test_each_role_against_each_staff_api_endpoint(staff_app, role, url, allowed):
    headers = {}
    if role != ANONYMOUS:
        create_staff(staff_app, f"{role}@city.example.jp", role)
        headers = bearer(create_token(staff_app, f"{role}@city.example.jp"))
    response = staff_app.test_client().get(url, headers=headers)
    assert response.mimetype == "application/json"
    if role == ANONYMOUS:
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    elif role in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert response.get_json()["code"] == 403


def test_the_api_ignores_session_cookies_and_the_console_ignores_bearer_tokens(staff_app):
    client = signed_in_client(staff_app, "admin")
    assert client.get("/api/v1/admin/me").status_code == 401
    create_staff(staff_app, "api@city.example.jp", "admin")
    token = create_token(staff_app, "api@city.example.jp")
    assert staff_app.test_client().get("/admin/", headers=bearer(token)).status_code == 303


def test_the_role_table_matches_the_issue():
    assert role_allows(StaffRole.EDITOR, Action.DRAFT_NOTICES)
    for action in (Action.SCHEDULE_NOTICES, Action.SEND_NOTICES, Action.CANCEL_NOTICES):
        assert not role_allows(StaffRole.EDITOR, action)
        assert role_allows(StaffRole.PUBLISHER, action)
    for action in (Action.MANAGE_STAFF, Action.VIEW_AUDIT):
        assert not role_allows(StaffRole.PUBLISHER, action)
        assert role_allows(StaffRole.ADMIN, action)
    assert ROLE_ACTIONS[StaffRole.EDITOR] < ROLE_ACTIONS[StaffRole.PUBLISHER] < ROLE_ACTIONS[StaffRole.ADMIN]

"""`flask staff ...`: accounts and tokens from the command line, exactly as the issue describes."""
from __future__ import annotations

from sqlalchemy import select

from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.staff import auth, services
from shinjuku_pwa.staff.models import ApiToken, AuditLog, StaffRole
from tests.admin.conftest import PASSWORD, bearer, sign_in


def _staff(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["staff", *args], input=input)


def test_create_reads_one_line_from_stdin_and_strips_only_the_newline(staff_app):
    result = _staff(staff_app, "create", "Kuyakusho@City.Example.JP", "--role", "publisher", "--password-stdin",
                    input=" spaced passphrase here \n")
    assert result.exit_code == 0, result.output
    assert "kuyakusho@city.example.jp (publisher)" in result.output
    assert sign_in(staff_app.test_client(), "kuyakusho@city.example.jp", " spaced passphrase here ").status_code == 303
    with staff_app.app_context():
        entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "staff.created")).one()
        assert entry.via == "cli" and entry.actor.startswith("command line")


def test_create_prompts_twice_for_the_password_without_stdin(staff_app):
    result = _staff(staff_app, "create", "editor@city.example.jp", "--role", "editor", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output


def test_create_refuses_weak_passwords_duplicates_and_unknown_roles(staff_app):
    weak = _staff(staff_app, "create", "editor@city.example.jp", "--role", "editor", "--password-stdin", input="password1234\n")
    assert weak.exit_code == 1 and "not a common password" in weak.output
    short = _staff(staff_app, "create", "editor@city.example.jp", "--role", "editor", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    assert _staff(staff_app, "create", "editor@city.example.jp", "--role", "boss", "--password-stdin", input=PASSWORD).exit_code == 2
    assert _staff(staff_app, "create", "editor@city.example.jp", "--role", "editor", "--password-stdin", input=PASSWORD).exit_code == 0
    again = _staff(staff_app, "create", "EDITOR@city.example.jp", "--role", "admin", "--password-stdin", input=PASSWORD)
    assert again.exit_code == 1 and "already has an account" in again.output


def test_set_role_disable_and_enable(staff_app):
    _staff(staff_app, "create", "admin@city.example.jp", "--role", "admin", "--password-stdin", input=PASSWORD)
    _staff(staff_app, "create", "editor@city.example.jp", "--role", "editor", "--password-stdin", input=PASSWORD)
    assert "is now publisher" in _staff(staff_app, "set-role", "editor@city.example.jp", "publisher").output
    assert _staff(staff_app, "disable", "editor@city.example.jp").exit_code == 0
    assert sign_in(staff_app.test_client(), "editor@city.example.jp").status_code == 200
    assert _staff(staff_app, "enable", "editor@city.example.jp").exit_code == 0
    assert sign_in(staff_app.test_client(), "editor@city.example.jp").status_code == 303
    with staff_app.app_context():
        assert services.get_staff_by_email("editor@city.example.jp").role == StaffRole.PUBLISHER
    nobody = _staff(staff_app, "disable", "nobody@city.example.jp")
    assert nobody.exit_code == 1 and "no staff account" in nobody.output
    last_admin = _staff(staff_app, "disable", "admin@city.example.jp")
    assert last_admin.exit_code == 1 and "no active admin" in last_admin.output


def test_token_prints_the_token_once_on_stdout_and_stores_only_its_hash(staff_app):
    _staff(staff_app, "create", "admin@city.example.jp", "--role", "admin", "--password-stdin", input=PASSWORD)
    result = staff_app.test_cli_runner().invoke(args=["staff", "token", "admin@city.example.jp", "--name", "ci"])
    assert result.exit_code == 0
    secret = result.stdout.strip()
    assert secret.startswith(auth.API_TOKEN_PREFIX) and "\n" not in secret
    assert "shown only now" in result.stderr
    with staff_app.app_context():
        row = db.session.scalars(select(ApiToken)).one()
        assert row.name == "ci" and row.token_hash == auth.digest(secret) and secret not in (row.prefix,)
    assert staff_app.test_client().get("/api/v1/admin/me", headers=bearer(secret)).get_json()["token"]["name"] == "ci"
    listing = _staff(staff_app, "list").output
    assert "ci" in listing and secret not in listing


def test_revoke_token_by_id_or_by_the_token_itself(staff_app):
    _staff(staff_app, "create", "admin@city.example.jp", "--role", "admin", "--password-stdin", input=PASSWORD)
    first = staff_app.test_cli_runner().invoke(args=["staff", "token", "admin@city.example.jp"]).stdout.strip()
    second = staff_app.test_cli_runner().invoke(args=["staff", "token", "admin@city.example.jp"]).stdout.strip()
    client = staff_app.test_client()
    assert _staff(staff_app, "revoke-token", "1").exit_code == 0
    assert _staff(staff_app, "revoke-token", second).exit_code == 0
    assert client.get("/api/v1/admin/me", headers=bearer(first)).status_code == 401
    assert client.get("/api/v1/admin/me", headers=bearer(second)).status_code == 401
    assert _staff(staff_app, "revoke-token", "99").exit_code == 1
    assert "revoked" in _staff(staff_app, "list").output
    with staff_app.app_context():
        assert [a for a in db.session.scalars(select(AuditLog.action)) if a == "token.revoked"] == ["token.revoked"] * 2


def test_a_disabled_account_gets_no_new_token(staff_app):
    _staff(staff_app, "create", "admin@city.example.jp", "--role", "admin", "--password-stdin", input=PASSWORD)
    _staff(staff_app, "create", "editor@city.example.jp", "--role", "editor", "--password-stdin", input=PASSWORD)
    _staff(staff_app, "disable", "editor@city.example.jp")
    assert _staff(staff_app, "token", "editor@city.example.jp").exit_code == 1


def test_reset_password_sets_a_new_password_and_ends_the_person_s_sessions(staff_app):
    _staff(staff_app, "create", "editor@city.example.jp", "--role", "editor", "--password-stdin", input=PASSWORD)
    client = staff_app.test_client()
    sign_in(client, "editor@city.example.jp")
    assert client.get("/admin/").status_code == 200
    weak = _staff(staff_app, "reset-password", "editor@city.example.jp", "--password-stdin", input="qwerty123456\n")
    assert weak.exit_code == 1
    result = _staff(staff_app, "reset-password", "editor@city.example.jp", "--password-stdin", input="a fresh long passphrase\n")
    assert result.exit_code == 0, result.output
    assert client.get("/admin/").status_code == 303
    assert sign_in(staff_app.test_client(), "editor@city.example.jp", "a fresh long passphrase").status_code == 303
    with staff_app.app_context():
        assert "staff.password_reset" in db.session.scalars(select(AuditLog.action)).all()

"""A signed-in clerk (or a script with a token) sending nonsense also gets a 4xx, never a 500.

The stranger's sweep (tests/test_hostile_requests.py) stops at the sign-in wall; this one goes
past it, with a valid session and CSRF token, or a bearer token, so junk reaches the forms and
schemas behind it.
"""
from __future__ import annotations

from tests.admin.conftest import bearer, create_staff, create_token, csrf_token_in, signed_in_client
from tests.hostile import JUNK_BODIES, JUNK_QUERY, rules, server_errors, urls_for
from tests.push.conftest import add_notice

STAFF_PREFIXES = ("/admin", "/api/v1/admin")
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def _staff_rules(app, method: str):
    # Signing out would end the sweep early; it takes no input anyway.
    return [rule for rule in rules(app, method)
            if rule.rule.startswith(STAFF_PREFIXES) and rule.endpoint != "admin.logout"]


def test_no_console_page_answers_nonsense_from_a_signed_in_admin_with_a_server_error(staff_app):
    client = signed_in_client(staff_app, "admin")
    add_notice(staff_app, state="draft", push=False)  # row 1, so junk reaches its edit and schedule forms
    token = csrf_token_in(client.get("/admin/staff").get_data(as_text=True))
    failures = []
    for rule in _staff_rules(staff_app, "GET"):
        urls = urls_for(rule)
        failures += server_errors(client, "GET", urls[:4] + [urls[0] + JUNK_QUERY])
    for method in WRITES:
        for rule in _staff_rules(staff_app, method):
            for body in JUNK_BODIES:
                if "data" in body and isinstance(body["data"], dict):
                    body = {"data": {**body["data"], "csrf_token": token}}
                failures += server_errors(client, method, urls_for(rule)[:2], **body)
    assert failures == []


def test_no_staff_api_answers_nonsense_sent_with_a_valid_token_with_a_server_error(staff_app):
    create_staff(staff_app, "script@city.example.jp", "admin")
    headers = bearer(create_token(staff_app, "script@city.example.jp"))
    add_notice(staff_app, state="draft", push=False)
    client = staff_app.test_client()
    failures = []
    for rule in _staff_rules(staff_app, "GET"):
        failures += server_errors(client, "GET", [url + JUNK_QUERY for url in urls_for(rule)[:2]], headers=headers)
    for method in WRITES:
        for rule in _staff_rules(staff_app, method):
            for body in JUNK_BODIES:
                failures += server_errors(client, method, urls_for(rule)[:2], headers=headers, **body)
    assert failures == []

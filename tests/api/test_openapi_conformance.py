"""schemathesis against /api/v1/openapi.json: every operation, public and staff (with an admin's
token), is sent generated requests, valid and invalid, and every answer must be what the document
says: never a 5xx, a documented status, content type, headers and body schema, refusals of what the
document says is invalid, and acceptance of what it says is valid (all of schemathesis's checks).

Bounded for CI: a fixed number of examples per operation, derandomized so a run is repeatable.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.search.service import refresh_index
from tests.admin.conftest import create_staff, create_token
from tests.conftest import BUNDLED_CONTENT, AppFactory
from tests.push.conftest import add_notice

EXAMPLES_PER_OPERATION = 25
load_all_checks()
ALL_CHECKS = CHECKS.get_all()
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]
REJECTED = ["400", "401", "403", "404", "405", "406", "409", "413", "414", "415", "422", "428", "429"]
# Where a request the document calls valid may still be refused, and the document says so under 422:
# rules no JSON Schema can state (a real P-256 key and a browser push service; the end after the
# start; answers to the questions of that one life event).
RULES_BEYOND_THE_SCHEMA = [("POST", "/api/v1/push/subscriptions"), ("POST", "/api/v1/life-events/{event_id}/checklist"),
                           ("POST", "/api/v1/admin/notices"), ("PATCH", "/api/v1/admin/notices/{notice_id}")]
CONFIG = schemathesis.Config.from_dict({
    # Query parameters the API does not know are ignored by design (a cache-buster, a campaign tag),
    # as HTTP APIs do; unknown fields in a JSON body are still refused and tested.
    "generation": {"allow-extra-parameters": False},
    # A URL over 4 KB (414) or a body over 1 MiB (413) is a refusal too.
    "checks": {"negative_data_rejection": {"expected-statuses": REJECTED}},
    "operations": [
        {"include-method": method, "include-path": path,
         "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}}}
        for method, path in RULES_BEYOND_THE_SCHEMA
    ],
})


@pytest.fixture(scope="module")
def api_app(tmp_path_factory):
    factory = AppFactory(tmp_path_factory.mktemp("openapi"))
    # Rate limits off: they would turn the generated requests into 429s after a few dozen.
    app = factory(RATELIMIT_ENABLED=False, PASSWORD_HASH_PROFILE="CHEAPEST")
    with app.app_context():
        import_content(BUNDLED_CONTENT)
        # Built here, not by the first generated search in the background: Whoosh names its files
        # with the global `random`, and hypothesis fails a run when that changes during a draw.
        refresh_index()
    create_staff(app, "schemathesis@city.example.jp", "admin")
    app.config["STAFF_TOKEN"] = create_token(app, "schemathesis@city.example.jp")
    for state in ("draft", "scheduled"):
        add_notice(app, state=state, push=False)
    yield app
    factory.close()


@pytest.fixture(scope="module")
def api_schema(api_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app, config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request) -> None:
    # schemathesis 4.32 reads and rewrites the private `_nodeid` that pytest 9 no longer has (only for
    # naming each operation's report); give it one.
    request.node._nodeid = request.node.nodeid


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_every_api_operation_answers_as_its_openapi_document_says(case, api_app):
    # identity: werkzeug's test client hands back brotli as it is, where an HTTP client would decode it.
    headers = {"Authorization": f"Bearer {api_app.config['STAFF_TOKEN']}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=ALL_CHECKS)


@pytest.fixture(scope="module")
def document(api_app):
    return api_app.test_client().get("/api/v1/openapi.json").get_json()


def test_the_notice_list_promises_no_counts_and_sends_none(api_app, document):
    listed = document["paths"]["/api/v1/admin/notices"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listed["schema"]["items"]["$ref"].endswith("/NoticeSummary")
    assert not {"deliveries", "subscribers"} & set(document["components"]["schemas"]["NoticeSummary"]["properties"])
    notices = api_app.test_client().get("/api/v1/admin/notices", headers={
        "Authorization": f"Bearer {api_app.config['STAFF_TOKEN']}"}).get_json()
    assert notices and all("deliveries" not in notice and "subscribers" not in notice for notice in notices)


def test_the_document_says_what_the_server_refuses(document):
    title = document["components"]["schemas"]["NoticeCreateArgs"]["properties"]["title"]
    assert title["minProperties"] == 1 and title["required"] == ["ja"] and title["additionalProperties"] is False
    assert all(text["minLength"] == 1 for text in title["properties"].values())
    endpoint = document["components"]["schemas"]["PushSubscriptionJson"]["properties"]["endpoint"]
    assert endpoint["minLength"] == 1 and endpoint["pattern"].startswith("^https://")
    cancel = document["paths"]["/api/v1/admin/notices/{notice_id}"]["delete"]
    assert "Nothing is deleted" in cancel["description"] and "cancelled" in cancel["description"]
    assert {"401", "403", "404", "409"} <= set(cancel["responses"])

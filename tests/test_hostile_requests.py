"""Whatever a stranger sends to any route, the answer is never a 500.

Every rule in the URL map is requested with awkward path values and junk query strings (GET),
and with junk bodies (POST, PUT, PATCH, DELETE). A 4xx is the right answer to nonsense; a 500
means some input reached code that did not expect it.
"""
from __future__ import annotations

import pytest

from tests.hostile import JUNK_BODIES, JUNK_HEADER_SETS, JUNK_QUERY, rules, server_errors, urls_for


def test_no_get_route_answers_awkward_paths_or_junk_queries_with_a_server_error(content_app):
    client = content_app.test_client()
    failures = []
    for rule in rules(content_app, "GET"):
        urls = urls_for(rule)
        failures += server_errors(client, "GET", urls)
        failures += server_errors(client, "GET", [urls[0] + JUNK_QUERY])
        for headers in JUNK_HEADER_SETS:
            failures += server_errors(client, "GET", urls[:1], headers=headers)
    assert failures == []


def test_junk_forwarded_headers_make_no_server_error_behind_a_trusted_proxy(make_app):
    # With TRUSTED_PROXIES the X-Forwarded-* headers are read (ProxyFix), so their junk reaches the app.
    app = make_app(TRUSTED_PROXIES=1)
    client = app.test_client()
    failures = []
    for method in ("GET", "POST"):
        for rule in rules(app, method):
            for headers in JUNK_HEADER_SETS:
                failures += server_errors(client, method, urls_for(rule)[:1], headers=headers)
    assert failures == []


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_no_route_answers_junk_bodies_with_a_server_error(content_app, method):
    # The shared content app: junk must be refused, so it changes nothing other tests read.
    client = content_app.test_client()
    failures = []
    for rule in rules(content_app, method):
        for body in JUNK_BODIES:
            failures += server_errors(client, method, urls_for(rule)[:2], **body)
    assert failures == []


LONG_QUERY = "?q=" + "ご" * 2000  # 6 KB as UTF-8, 18 KB percent-encoded


def test_an_overlong_api_url_is_a_json_414_in_the_readers_language(client):
    response = client.get("/api/v1/pages" + LONG_QUERY, headers={"Accept-Language": "ko"})
    assert response.status_code == 414 and response.mimetype == "application/json"
    assert response.get_json() == {"code": 414, "message": "주소(URL)가 너무 깁니다."}


def test_an_overlong_page_url_is_the_friendly_error_page_in_the_readers_language(client):
    response = client.get("/vi/search" + LONG_QUERY)
    assert response.status_code == 414 and response.mimetype == "text/html"
    assert "Địa chỉ (URL) quá dài." in response.get_data(as_text=True)


def test_a_url_just_under_four_kilobytes_is_still_served(client):
    assert client.get("/api/v1/pages?q=" + "x" * 4000).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/life-events/moving-in/checklist", "/api/v1/push/subscriptions"])
def test_json_nested_a_thousand_deep_is_a_json_400_in_the_readers_language(client, url):
    body = '{"answers": ' + '{"a": ' * 1000 + "1" + "}" * 1001
    response = client.post(url, data=body, content_type="application/json", headers={"Accept-Language": "zh-Hant"})
    assert response.status_code == 400
    assert response.get_json() == {"code": 400, "message": "無法理解此請求。"}


def test_json_over_the_size_limit_is_a_json_413(client):
    body = '{"topics": [' + ", ".join(['"disaster"'] * 150_000) + "]}"
    response = client.post("/api/v1/push/subscriptions", data=body, content_type="application/json",
                           headers={"Accept-Language": "en"})
    assert response.status_code == 413 and response.get_json()["message"] == "What you sent is too large."


def test_json_a_few_levels_deep_still_reaches_the_schema(client):
    # Real input nests three levels (subscription.keys.p256dh): the depth limit leaves it to the schema's 422.
    body = {"subscription": {"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": [[["x"]]], "auth": "x"}},
            "topics": ["disaster"], "lang": "en"}
    assert client.post("/api/v1/push/subscriptions", json=body).status_code == 422

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.push.models import PushSubscription
from tests.push.browser_keys import BrowserKeys, b64url


def _post(client, subscription, topics=("disaster",), lang="vi", **headers):
    return client.post("/api/v1/push/subscriptions", json={"subscription": subscription, "topics": list(topics), "lang": lang},
                       headers=headers)


def test_the_vapid_public_key_is_an_uncompressed_p256_point(push_app):
    key = push_app.test_client().get("/api/v1/push/vapid-public-key").get_json()["public_key"]
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(raw) == 65 and raw[0] == 4
    assert push_app.test_client().get("/api/v1/push/vapid-public-key").get_json()["public_key"] == key


def test_subscribing_creates_then_updates_and_never_echoes_the_endpoint(push_app, push_service):
    client = push_app.test_client()
    subscription = BrowserKeys().subscription(push_service.endpoint("me"))
    first = _post(client, subscription, topics=("disaster",), lang="vi")
    assert first.status_code == 201 and first.get_json() == {"topics": ["disaster"], "lang": "vi"}
    again = _post(client, subscription, topics=("garbage", "disaster"), lang="ne")
    assert again.status_code == 200 and again.get_json() == {"topics": ["disaster", "garbage"], "lang": "ne"}
    assert push_service.endpoint("me") not in first.get_data(as_text=True) + again.get_data(as_text=True)
    with push_app.app_context():
        rows = db.session.scalars(select(PushSubscription)).all()
        assert len(rows) == 1 and rows[0].lang == "ne"


def test_unsubscribing_forgets_the_browser_and_may_be_repeated(push_app, push_service):
    client = push_app.test_client()
    subscription = BrowserKeys().subscription(push_service.endpoint("bye"))
    _post(client, subscription)
    for _ in range(2):
        response = client.delete("/api/v1/push/subscriptions", json={"endpoint": subscription["endpoint"]})
        assert response.status_code == 204
    with push_app.app_context():
        assert db.session.scalars(select(PushSubscription)).all() == []


def _refusal(client, body):
    response = client.post("/api/v1/push/subscriptions", json=body, headers={"Accept-Language": "en"})
    assert response.status_code == 422, response.get_json()
    return response.get_json()["errors"]["json"]


@pytest.mark.parametrize("endpoint, message", [
    ("http://fcm.googleapis.com/fcm/send/x", "https"),
    ("https://user:pw@fcm.googleapis.com/x", "user name"),
    ("https://10.0.0.1/x", "host name"),
    ("https://evil.example/x", "not supported"),
    ("not a url", "not a valid push address"),
])
def test_bad_endpoints_are_refused_with_field_messages(push_app, endpoint, message):
    errors = _refusal(push_app.test_client(), {"subscription": BrowserKeys().subscription(endpoint), "topics": ["disaster"], "lang": "en"})
    assert message.lower() in " ".join(errors["subscription"]["endpoint"]).lower()


def test_bad_keys_topics_languages_and_unknown_fields_are_refused(push_app, push_service):
    client = push_app.test_client()
    good = BrowserKeys().subscription(push_service.endpoint("k"))
    bad_point = {**good, "keys": {"p256dh": b64url(b"\x04" + b"\x01" * 64), "auth": good["keys"]["auth"]}}
    assert "p256dh" in _refusal(client, {"subscription": bad_point, "topics": ["disaster"], "lang": "en"})["subscription"]["keys"]
    short_auth = {**good, "keys": {"p256dh": good["keys"]["p256dh"], "auth": b64url(b"x" * 8)}}
    assert "auth" in _refusal(client, {"subscription": short_auth, "topics": ["disaster"], "lang": "en"})["subscription"]["keys"]
    assert "topics" in _refusal(client, {"subscription": good, "topics": ["lottery"], "lang": "en"})
    assert "topics" in _refusal(client, {"subscription": good, "topics": [], "lang": "en"})
    assert "lang" in _refusal(client, {"subscription": good, "topics": ["disaster"], "lang": "xx"})
    assert "extra" in _refusal(client, {"subscription": good, "topics": ["disaster"], "lang": "en", "extra": 1})
    assert "topics" in _refusal(client, {"subscription": good, "topics": "disaster", "lang": "en"})


def test_refusals_are_in_the_readers_language(push_app):
    client = push_app.test_client()
    body = {"subscription": BrowserKeys().subscription("https://evil.example/x"), "topics": ["disaster"], "lang": "en"}
    english = client.post("/api/v1/push/subscriptions", json=body, headers={"Accept-Language": "en"}).get_json()
    japanese = client.post("/api/v1/push/subscriptions", json=body, headers={"Accept-Language": "ja"}).get_json()
    assert english["errors"]["json"]["subscription"]["endpoint"] != japanese["errors"]["json"]["subscription"]["endpoint"]


def test_the_settings_page_offers_topics_with_disaster_on_and_explains_iphones(push_app):
    html = push_app.test_client().get("/ne/settings/notifications").get_data(as_text=True)
    assert 'id="topic-disaster" name="topics" value="disaster" checked' in html
    assert 'id="topic-garbage" name="topics" value="garbage">' in html
    assert 'value="ne" selected' in html
    assert "/ne/install" in html


def test_subscribing_is_rate_limited_per_ip(make_app, push_service):
    app = make_app(PUSH_ENDPOINT_ALLOWLIST=push_service.origin, PUSH_SUBSCRIBE_LIMIT_PER_IP="3 per hour")
    client = app.test_client()
    answers = [_post(client, BrowserKeys().subscription(push_service.endpoint(f"r{i}"))).status_code for i in range(4)]
    assert answers == [201, 201, 201, 429]
    elsewhere = client.post("/api/v1/push/subscriptions", environ_base={"REMOTE_ADDR": "10.1.2.3"},
                            json={"subscription": BrowserKeys().subscription(push_service.endpoint("r9")),
                                  "topics": ["disaster"], "lang": "en"})
    assert elsewhere.status_code == 201  # another address has its own allowance

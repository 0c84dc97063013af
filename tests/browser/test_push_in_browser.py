"""Notifications in Chromium: subscribing on the settings page, and the worker's push handler.

Headless Chromium cannot reach a real push service here, so the page's PushManager is replaced by
a stand-in that returns a subscription on our loopback push service, with keys the test holds.
Everything else is real: the settings page and its script, our API and validation, the worker's
RFC 8291 encryption, and the service worker's `push` handler showing the notification.
"""
from __future__ import annotations

import datetime as dt
import json
import time

import pytest
import sqlalchemy as sa

from tests.browser.conftest import LiveServer, wait_for_worker, wait_until
from tests.push.browser_keys import BrowserKeys
from tests.push.fake_push_service import FakePushService

pytestmark = pytest.mark.browser

STAND_IN = """
(() => {
  const subscription = %s;
  let active = null;
  const wrap = () => ({ endpoint: subscription.endpoint, expirationTime: null,
    toJSON: () => subscription, unsubscribe: () => { active = null; return Promise.resolve(true); } });
  PushManager.prototype.subscribe = function () { active = wrap(); return Promise.resolve(active); };
  PushManager.prototype.getSubscription = function () { return Promise.resolve(active); };
})();
"""


@pytest.fixture(scope="module")
def push_service():
    service = FakePushService().start_in_thread()
    yield service
    service.stop()


@pytest.fixture(scope="module")
def push_server(tmp_path_factory, push_service):
    server = LiveServer(tmp_path_factory.mktemp("push-live"), PUSH_ENDPOINT_ALLOWLIST=push_service.origin)
    yield server
    server.stop()


def _subscriptions(server):
    with server.database() as connection:
        rows = connection.execute(sa.text("SELECT topics, lang FROM push_subscriptions")).all()
    return [(json.loads(topics) if isinstance(topics, str) else topics, lang) for topics, lang in rows]


def test_a_resident_subscribes_on_the_settings_page_and_gets_a_notice_in_their_language(
        browser, push_server, push_service):
    keys = BrowserKeys()
    subscription = keys.subscription(push_service.endpoint("resident"))
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.grant_permissions(["notifications"], origin=push_server.url)
    context.add_init_script(STAND_IN % json.dumps(subscription))
    try:
        page = context.new_page()
        page.goto(push_server.url + "/vi/settings/notifications")
        wait_for_worker(page)
        page.locator("#topic-garbage").check()
        page.locator("#push-subscribe").click()
        state = page.locator("#push-state")
        wait_until(page, "document.getElementById('push-unsubscribe').hidden === false")
        assert state.inner_text() == state.get_attribute("data-on")
        assert _subscriptions(push_server) == [(["disaster", "garbage"], "vi")]

        # Staff publish a notice; the worker encrypts and sends it to the push service.
        with push_server.database() as connection:
            connection.execute(sa.text(
                "INSERT INTO notices (title, body, topics, publish_at, push, urgency, ttl, state, created_at, updated_at)"
                " VALUES (:title, :body, :topics, :now, :push, 'high', 3600, 'scheduled', :now, :now)"),
                {"title": json.dumps({"ja": "断水のお知らせ", "vi": "Thông báo cắt nước"}),
                 "body": json.dumps({"ja": "本日は断水します。", "vi": "Hôm nay cắt nước."}),
                 "topics": json.dumps(["garbage"]), "now": push_server.db_time(dt.datetime.now(dt.UTC)), "push": True})
        push_server.flask("push", "send-due", "--once")
        received = push_service.received_at("resident")
        assert len(received) == 1
        payload = keys.decrypt(received[0].body).decode()  # what the phone's browser would decrypt

        # Hand the decrypted message to the service worker, as Chromium does after decrypting.
        cdp = context.new_cdp_session(page)
        registrations = []
        cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
        cdp.send("ServiceWorker.enable")
        deadline = time.monotonic() + 10
        while not registrations and time.monotonic() < deadline:
            page.wait_for_timeout(100)  # lets Playwright deliver the CDP events
        registration_id = next(r["registrationId"] for r in registrations if not r.get("isDeleted"))
        cdp.send("ServiceWorker.deliverPushMessage",
                 {"origin": push_server.url + "/", "registrationId": registration_id, "data": payload})
        shown = wait_until(page, "navigator.serviceWorker.ready.then(r => r.getNotifications())"
                                 ".then(list => list.map(n => ({title: n.title, body: n.body, lang: n.lang, url: n.data.url})))"
                                 ".then(list => list.length ? list : null)")
        assert shown[0]["title"] == "Thông báo cắt nước" and shown[0]["body"] == "Hôm nay cắt nước."
        assert shown[0]["lang"] == "vi" and shown[0]["url"].startswith("/vi/notices/")

        # And off again: the subscription is forgotten by the server.
        page.locator("#push-unsubscribe").click()
        wait_until(page, "document.getElementById('push-unsubscribe').hidden === true")
        assert _subscriptions(push_server) == []
    finally:
        context.close()

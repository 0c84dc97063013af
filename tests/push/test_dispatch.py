"""Sending through a push service on loopback: every answer, decrypted with the browser's keys."""
from __future__ import annotations

import base64
import datetime as dt
import json

from sqlalchemy import select

from shinjuku_pwa.composition.publishing import publish_due
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.notices.models import Notice, NoticeState
from shinjuku_pwa.push.dispatcher import claim_batch, delivery_counts, enqueue_deliveries
from shinjuku_pwa.push.models import Delivery, DeliveryState, PushSubscription
from tests.push.conftest import DAYTIME, add_notice, add_subscription, one_pass
from tests.push.fake_push_service import HOLD_SECONDS, FakePushService


def _delivery(app, notice_id, subscription_id=None):
    with app.app_context():
        query = select(Delivery).where(Delivery.notice_id == notice_id)
        if subscription_id:
            query = query.where(Delivery.subscription_id == subscription_id)
        return db.session.scalars(query).one()


def _jwt_claims(authorization: str) -> dict:
    token = authorization.split("t=", 1)[1].split(",", 1)[0]
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_due_notice_is_published_and_each_subscriber_gets_it_encrypted_in_their_language(push_app, push_service):
    _, keys_en = add_subscription(push_app, push_service.endpoint("en"), lang="en")
    _, keys_ne = add_subscription(push_app, push_service.endpoint("ne"), lang="ne")
    add_subscription(push_app, push_service.endpoint("garbage-only"), topics=("garbage",))
    notice_id = add_notice(push_app, urgency="high", ttl=3600)
    report = one_pass(push_app)
    assert report.published == [notice_id] and report.counts["sent"] == 2
    english = json.loads(keys_en.decrypt(push_service.received_at("en")[0].body))
    assert english == {"id": notice_id, "title": "Evacuation notice", "body": "Evacuation centres are open.",
                       "url": f"/en/notices/{notice_id}", "lang": "en"}
    nepali = json.loads(keys_ne.decrypt(push_service.received_at("ne")[0].body))
    assert nepali["lang"] == "ja" and nepali["title"] == "避難情報"  # no ne or ja-easy text: Japanese
    assert push_service.received_at("garbage-only") == []
    headers = push_service.received_at("en")[0].headers
    assert headers["Urgency"] == "high" and headers["Topic"] == f"notice-{notice_id}"
    assert headers["TTL"] == "3600" and headers["Content-Encoding"] == "aes128gcm"
    claims = _jwt_claims(headers["Authorization"])
    assert claims["aud"] == push_service.origin and claims["sub"]
    with push_app.app_context():
        assert delivery_counts(notice_id) == {"queued": 0, "sent": 2, "retrying": 0, "failed": 0, "gone": 0}
        assert db.session.get(Notice, notice_id).state is NoticeState.PUBLISHED


def test_each_push_service_gets_a_token_for_its_own_origin(push_app, push_service):
    other = FakePushService().start_in_thread()
    try:
        with push_app.app_context():
            push_app.config["PUSH_ENDPOINT_ALLOWLIST"] += f",{other.origin}"
        add_subscription(push_app, push_service.endpoint("a"))
        add_subscription(push_app, other.endpoint("b"))
        add_notice(push_app)
        one_pass(push_app)
        assert _jwt_claims(push_service.received_at("a")[0].headers["Authorization"])["aud"] == push_service.origin
        assert _jwt_claims(other.received_at("b")[0].headers["Authorization"])["aud"] == other.origin
    finally:
        other.stop()


def test_gone_subscriptions_are_deleted(push_app, push_service):
    for name, status in (("gone-404", 404), ("gone-410", 410)):
        push_service.script(name, (status, {}))
    ids = [add_subscription(push_app, push_service.endpoint(n))[0] for n in ("gone-404", "gone-410")]
    notice_id = add_notice(push_app)
    one_pass(push_app)
    with push_app.app_context():
        assert db.session.scalars(select(PushSubscription).where(PushSubscription.id.in_(ids))).all() == []
        assert delivery_counts(notice_id)["gone"] == 2


def test_refusals_fail_without_retry(push_app, push_service):
    push_service.script("too-big", (413, {}))
    push_service.script("bad", (400, {}))
    add_subscription(push_app, push_service.endpoint("too-big"))
    add_subscription(push_app, push_service.endpoint("bad"))
    notice_id = add_notice(push_app)
    one_pass(push_app)
    one_pass(push_app, now=DAYTIME + dt.timedelta(hours=1))
    assert len(push_service.received_at("too-big")) == 1 and len(push_service.received_at("bad")) == 1
    with push_app.app_context():
        assert delivery_counts(notice_id)["failed"] == 2


def test_throttling_and_server_errors_are_retried_with_backoff_honouring_retry_after(push_app, push_service):
    push_service.script("busy", (429, {"Retry-After": "600"}))
    push_service.script("broken", (503, {}), (500, {}))
    busy_id, _ = add_subscription(push_app, push_service.endpoint("busy"))
    broken_id, _ = add_subscription(push_app, push_service.endpoint("broken"))
    notice_id = add_notice(push_app)
    one_pass(push_app)
    busy = _delivery(push_app, notice_id, busy_id)
    assert busy.state is DeliveryState.RETRYING and busy.last_status == 429
    assert busy.next_attempt_at.replace(tzinfo=dt.UTC) >= DAYTIME + dt.timedelta(seconds=600)
    # Not yet due: nothing is sent again.
    one_pass(push_app, now=DAYTIME + dt.timedelta(seconds=4))
    assert len(push_service.received_at("busy")) == 1
    # Later, both are retried; the broken service fails once more, then succeeds.
    for minutes in (11, 30, 90):
        one_pass(push_app, now=DAYTIME + dt.timedelta(minutes=minutes))
    assert _delivery(push_app, notice_id, busy_id).state is DeliveryState.SENT
    assert _delivery(push_app, notice_id, broken_id).state is DeliveryState.SENT
    assert len(push_service.received_at("broken")) == 3
    topics = {r.headers["Topic"] for r in push_service.received_at("broken")}
    assert topics == {f"notice-{notice_id}"}  # a retry replaces, never doubles, on the phone


def test_network_errors_are_retried(push_app, push_service):
    # A port nobody listens on: connection refused.
    dead_origin = "http://127.0.0.1:9"
    push_app.config["PUSH_ENDPOINT_ALLOWLIST"] += f",{dead_origin}"
    sub_id, _ = add_subscription(push_app, f"{dead_origin}/push/x")
    notice_id = add_notice(push_app)
    one_pass(push_app)
    delivery = _delivery(push_app, notice_id, sub_id)
    assert delivery.state is DeliveryState.RETRYING and delivery.last_status is None


def test_retries_stop_when_the_time_to_live_runs_out(push_app, push_service):
    push_service.script("down", *[(503, {})] * 10)
    add_subscription(push_app, push_service.endpoint("down"))
    notice_id = add_notice(push_app, ttl=60)
    one_pass(push_app)
    one_pass(push_app, now=DAYTIME + dt.timedelta(minutes=5))
    assert _delivery(push_app, notice_id).state is DeliveryState.FAILED
    assert len(push_service.received_at("down")) <= 2


def test_a_worker_that_dies_leaves_deliveries_another_reclaims_after_the_lease(push_app, push_service):
    add_subscription(push_app, push_service.endpoint("lease"))
    notice_id = add_notice(push_app)
    with push_app.app_context():

        publish_due(DAYTIME)
        claimed = claim_batch(DAYTIME, 10)  # this worker is then "killed": it never records an outcome
        assert len(claimed) == 1
        assert claim_batch(DAYTIME + dt.timedelta(seconds=15), 10) == []  # still leased (20 s lease)
    one_pass(push_app, now=DAYTIME + dt.timedelta(minutes=3))
    delivery = _delivery(push_app, notice_id)
    assert delivery.state is DeliveryState.SENT and delivery.attempts == 2
    assert len(push_service.received_at("lease")) == 1


def test_quiet_hours_hold_normal_notices_until_morning_but_not_disasters(push_app, push_service):
    add_subscription(push_app, push_service.endpoint("night"), topics=("disaster", "events"))
    night = dt.datetime(2026, 11, 26, 14, 0, tzinfo=dt.UTC)  # 23:00 in Tokyo
    event_id = add_notice(push_app, publish_at=night, topics=("events",), urgency="normal")
    quake_id = add_notice(push_app, publish_at=night, topics=("disaster",), urgency="high")
    one_pass(push_app, now=night)
    received = push_service.received_at("night")
    assert len(received) == 1 and received[0].headers["Topic"] == f"notice-{quake_id}"
    assert _delivery(push_app, event_id).state is DeliveryState.QUEUED
    one_pass(push_app, now=dt.datetime(2026, 11, 26, 21, 59, tzinfo=dt.UTC))  # 06:59
    assert len(push_service.received_at("night")) == 1
    one_pass(push_app, now=dt.datetime(2026, 11, 26, 22, 0, tzinfo=dt.UTC))  # 07:00
    assert _delivery(push_app, event_id).state is DeliveryState.SENT


def test_drafts_cancelled_and_future_notices_are_not_sent(push_app, push_service):
    add_subscription(push_app, push_service.endpoint("all"))
    add_notice(push_app, state="draft")
    add_notice(push_app, state="cancelled")
    add_notice(push_app, publish_at=DAYTIME + dt.timedelta(hours=2))
    silent_id = add_notice(push_app, push=False)
    report = one_pass(push_app)
    assert report.published == [silent_id]  # published on the site, but it sends nothing
    assert push_service.received_at("all") == []


def test_publishing_twice_never_queues_twice(push_app, push_service):
    add_subscription(push_app, push_service.endpoint("once"))
    notice_id = add_notice(push_app)
    with push_app.app_context():

        assert publish_due(DAYTIME) == [notice_id]
        assert publish_due(DAYTIME) == []
        enqueue_deliveries(db.session.get(Notice, notice_id), DAYTIME)  # a repeated enqueue adds nothing
        db.session.commit()
        assert len(db.session.scalars(select(Delivery)).all()) == 1


def test_every_message_of_a_fan_out_decrypts_with_its_own_subscribers_keys(push_app, push_service):
    languages = ("ja", "en", "vi", "ne", "ko", "zh-Hans")
    subscribers = {f"d{i}": add_subscription(push_app, push_service.endpoint(f"d{i}"), lang=languages[i % 6])
                   for i in range(30)}
    notice_id = add_notice(push_app, urgency="high",
                           title={"ja": "避難指示", "en": "Evacuation order", "vi": "Lệnh sơ tán"},
                           body={"ja": "直ちに避難してください。", "en": "Evacuate now.", "vi": "Hãy sơ tán ngay."})
    assert one_pass(push_app).counts["sent"] == 30
    bodies = set()
    for name, (_, keys) in subscribers.items():
        [received] = push_service.received_at(name)
        message = json.loads(keys.decrypt(received.body))
        assert message["id"] == notice_id and message["url"].endswith(f"/notices/{notice_id}")
        assert message["title"] == {"en": "Evacuation order", "vi": "Lệnh sơ tán"}.get(message["lang"], "避難指示")
        bodies.add(received.body[:16])
    assert len(bodies) == 30  # a fresh salt for every message


def test_an_endpoint_no_request_can_carry_fails_alone_and_the_rest_of_the_batch_goes(push_app, push_service):
    add_subscription(push_app, push_service.endpoint("fine"))
    bad_id, _ = add_subscription(push_app, push_service.endpoint("caf\u00e9"))
    notice_id = add_notice(push_app)
    report = one_pass(push_app)
    assert report.counts["sent"] == 1 and report.counts["failed"] == 1
    assert len(push_service.received_at("fine")) == 1
    assert _delivery(push_app, notice_id, bad_id).state is DeliveryState.FAILED


def _pass_against_a_held_first_answer(make_app, subscribers: tuple[str, ...], batch_size: int, hold_until: int,
                                      hold_seconds: float = HOLD_SECONDS):
    """One pass to `subscribers` through a push service that holds its first answer until `hold_until`
    requests have arrived (at most `hold_seconds`): (app, service, report), the service stopped."""
    service = FakePushService(hold_first_answer_until=hold_until, hold_seconds=hold_seconds).start_in_thread()
    try:
        app = make_app(PUSH_ENDPOINT_ALLOWLIST=service.origin)
        for name in subscribers:
            add_subscription(app, service.endpoint(name))
        add_notice(app, urgency="high")
        return app, service, one_pass(app, batch_size=batch_size)
    finally:
        service.stop()


def test_the_next_batch_goes_out_while_the_last_answer_of_the_batch_before_is_still_awaited(make_app):
    # The service holds its first answer until a second request arrives. With one delivery per claim
    # (batch size 2, two claims overlapping), only a worker that claims and sends the next batch
    # before the first batch's answer is in makes that request; one that waits for every answer
    # first leaves the hold to run out.
    app, service, report = _pass_against_a_held_first_answer(make_app, ("first", "second"), batch_size=2, hold_until=2)
    assert service.seen_by_first_answer == 2
    assert report.counts["sent"] == 2
    assert sorted(r.path for r in service.received) == ["/push/first", "/push/second"]
    with app.app_context():
        assert delivery_counts(1)["sent"] == 2


def test_overlapping_batches_never_hold_more_deliveries_than_the_batch_size(make_app):
    # What a killed worker may leave to be sent twice is what it holds: overlapping claims take half
    # the batch size each. The service holds its first answer until a third request arrives (1.5 s at
    # most); with batch size 2 the worker holds two deliveries, so no third request comes before it.
    _, service, report = _pass_against_a_held_first_answer(
        make_app, ("first", "second", "third"), batch_size=2, hold_until=3, hold_seconds=1.5)
    assert service.seen_by_first_answer == 2
    assert report.counts["sent"] == 3 and len(service.received) == 3


def test_a_batch_size_of_one_sends_one_delivery_at_a_time_and_all_of_them(make_app):
    _, service, report = _pass_against_a_held_first_answer(
        make_app, ("first", "second", "third"), batch_size=1, hold_until=2, hold_seconds=1.0)
    assert service.seen_by_first_answer == 1  # no second request while the first was held
    assert report.counts["sent"] == 3 and len(service.received) == 3

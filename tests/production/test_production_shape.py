"""Two web hosts and two push workers on PostgreSQL and Redis behave as one service
(conftest.py starts them). Runs in .ci/run's PostgreSQL pass.
The worker-killing check runs last: it leaves one push worker.
"""
from __future__ import annotations

import uuid

import pytest

from tests.production.conftest import BATCH_SIZE, ProductionShape
from tests.serving import Browser, wait_for, wrong_passwords_until_locked

pytestmark = pytest.mark.production

DOCUMENTED_ACCOUNT_LIMIT = 5  # README: 5 failed sign-ins per account in 15 minutes


def test_both_hosts_are_ready_each_with_its_own_instance_folder(shape: ProductionShape):
    assert shape.host_a.instance != shape.host_b.instance
    for host in (shape.host_a, shape.host_b):
        ready = Browser().request(host.url + "/readyz")
        assert ready.status == 200 and ready.json()["status"] == "ok", ready.body


def test_a_notice_published_through_host_a_shows_on_host_b_home_page_within_15_seconds(shape: ProductionShape):
    subscribers = shape.subscribe(3)
    title = f"Evacuation drill {uuid.uuid4().hex[:6]}"
    shape.publish_notice(title, host=shape.host_a)
    wait_for(lambda: title in shape.home_page(shape.host_b), 15, f"host B's home page shows {title!r}")
    # The push workers sent it to every subscriber too (high urgency: no quiet hours).
    wait_for(lambda: set(subscribers) <= shape.received_by_subscribers(), 30, "every subscriber got the notice")


def test_wrong_passwords_alternated_across_both_hosts_lock_the_account_at_the_documented_count(shape: ProductionShape):
    statuses = wrong_passwords_until_locked([shape.host_a, shape.host_b], "publisher@city.example.jp",
                                            DOCUMENTED_ACCOUNT_LIMIT + 2)
    assert statuses == [200] * DOCUMENTED_ACCOUNT_LIMIT + [429, 429]


def test_search_on_host_b_finds_a_notice_published_through_host_a_within_15_seconds(shape: ProductionShape):
    title = f"Water distribution point {uuid.uuid4().hex[:6]}"
    shape.publish_notice(title, host=shape.host_a)
    # Host B's search keeper follows the database's version row (SEARCH_FOLLOW_SECONDS) and rebuilds its own index.
    wait_for(lambda: title in shape.search(shape.host_b, title), 15, f"host B's search finds {title!r}")


def test_a_push_worker_killed_mid_fan_out_leaves_no_subscriber_without_the_notice(shape: ProductionShape):
    """Worker 1 is frozen while worker 0 takes the first batch, so the killed worker certainly holds one;
    worker 1 then sends the rest, and the killed batch once its lease (PUSH_LEASE_SECONDS, 20 s) runs out."""
    subscribers = set(shape.subscribe(3 * BATCH_SIZE))
    shape.slow_push_service(1.0)  # each answer takes a second: the batch is in flight for a while
    shape.pause_worker(1)
    try:
        notice = shape.publish_notice(f"Tsunami warning drill {uuid.uuid4().hex[:6]}")
        wait_for(lambda: subscribers & shape.received_by_subscribers(), 30, "worker 0 starts the fan-out")
        shape.kill_worker(0)
    finally:
        shape.resume_worker(1)
    # Within 30 s of the kill: the lease is 20 s, renewed only while the batch's worker lives.
    everyone = len(shape.subscribers)  # the residents earlier checks subscribed chose disaster notices too
    wait_for(lambda: shape.delivery_states(notice["id"]) == {"sent": everyone}, 30,
             lambda: f"all {everyone} deliveries sent, the killed batch included; "
                     f"states {shape.delivery_states(notice['id'])}, messages {sorted(shape.messages_per_subscriber().values())}")
    shape.slow_push_service(0)

    messages = shape.messages_per_subscriber()
    assert subscribers <= set(messages)
    twice = {name for name in subscribers if messages[name] > 1}
    assert all(messages[name] <= 2 for name in subscribers), messages
    assert 0 < len(twice) <= BATCH_SIZE, twice  # the in-flight batch, and only it, went out twice
    topics = {received.headers.get("Topic") or received.headers.get("topic")
              for received in shape.push_service.received if received.path.rsplit("/", 1)[-1] in subscribers}
    assert topics == {f"notice-{notice['id']}"}  # the push service replaces the first copy with the second

"""Two web hosts and two push workers on PostgreSQL and Redis behave as one service
(conftest.py starts them). Runs in .ci/run's PostgreSQL pass.

To be added with the work that makes them pass (the fixtures are ready, see conftest.py):
  - test_search_on_host_b_finds_a_notice_published_through_host_a_within_15_seconds:
        shape.publish_notice(title); wait_for(lambda: title in shape.search(shape.host_b, title), 15, ...)
  - test_a_push_worker_killed_mid_fan_out_leaves_no_subscriber_without_the_notice:
        shape.subscribe(n); shape.slow_push_service(0.05); shape.publish_notice(title);
        wait until some are received; shape.kill_worker(0); wait_for(lambda: shape.received_by_subscribers()
        >= set(shape.subscribers), 30, ...)
"""
from __future__ import annotations

import uuid

import pytest

from tests.production.conftest import ProductionShape, wait_for
from tests.serving import Browser, wrong_passwords_until_locked

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

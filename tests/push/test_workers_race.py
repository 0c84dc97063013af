"""Two worker processes on one database never send a delivery twice (SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter

from sqlalchemy import func, select

from bench.loopback_push_service import CountingService
from shinjuku_pwa.composition.publishing import publish_due
from shinjuku_pwa.core.config import PROJECT_ROOT
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.push.models import Delivery, DeliveryState, PushSubscription
from tests.push.browser_keys import BrowserKeys
from tests.push.conftest import add_notice
from tests.push.fake_push_service import FakePushService

SUBSCRIBERS = 600
MANY = 50_000


def _database_url(app) -> str:
    """The test app's database for a worker in another process (on PostgreSQL, with the test's schema)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("connect_args", {}).get("options")
    return url + "?options=" + options.replace("=", "%3D") if options else url


def test_two_workers_racing_on_fifty_thousand_deliveries_send_each_exactly_once(make_app):
    with CountingService() as service:
        app = make_app(PUSH_ENDPOINT_ALLOWLIST=service.origin)
        keys = [BrowserKeys() for _ in range(20)]
        now = dt.datetime.now(dt.UTC)
        with app.app_context():
            db.session.execute(PushSubscription.__table__.insert(), [
                {"endpoint": f"{service.origin}/push/s{i}", "endpoint_origin": service.origin, "p256dh": keys[i % 20].p256dh,
                 "auth": keys[i % 20].auth, "topics": ["disaster"], "lang": "ja", "created_at": now, "updated_at": now}
                for i in range(MANY)
            ])
            db.session.commit()
        add_notice(app, urgency="high", publish_at=now)
        with app.app_context():
            publish_due(now)
        env = {**os.environ, "DATABASE_URL": _database_url(app), "INSTANCE_PATH": app.instance_path, "SECRET_KEY": "race",
               "PUSH_ENDPOINT_ALLOWLIST": service.origin, "PUSH_BATCH_SIZE": "1000", "PYTHONWARNINGS": "ignore"}
        command = [sys.executable, "-m", "flask", "--app", "shinjuku_pwa", "push", "send-due", "--once"]
        workers = [subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                   for _ in range(2)]
        outputs = [worker.communicate(timeout=300) for worker in workers]
        assert [worker.returncode for worker in workers] == [0, 0], outputs
        assert len(service.paths) == MANY and set(service.paths.values()) == {1}
    with app.app_context():
        states = dict(db.session.execute(select(Delivery.state, func.count()).group_by(Delivery.state)).all())
        attempts = db.session.scalar(select(func.max(Delivery.attempts)))
    assert states == {DeliveryState.SENT: MANY} and attempts == 1
    assert all(b"'sent': 0," not in out for out, _ in outputs), outputs  # both workers took part


def test_two_workers_racing_send_each_delivery_exactly_once(push_app, push_service):
    keys = BrowserKeys()  # one key pair is enough: the race is about rows, not crypto
    with push_app.app_context():
        db.session.add_all([
            PushSubscription(endpoint=push_service.endpoint(f"s{i}"), endpoint_origin=push_service.origin,
                             p256dh=keys.p256dh, auth=keys.auth, topics=["disaster"], lang="ja")
            for i in range(SUBSCRIBERS)
        ])
        db.session.commit()
    now = dt.datetime.now(dt.UTC)
    add_notice(push_app, urgency="high", publish_at=now)
    with push_app.app_context():
        publish_due(now)
        url = push_app.config["SQLALCHEMY_DATABASE_URI"]
        options = push_app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("connect_args", {}).get("options")
    if options:  # PostgreSQL: the test's own schema
        url += "?options=" + options.replace("=", "%3D")
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": push_app.instance_path, "SECRET_KEY": "race",
           "PUSH_ENDPOINT_ALLOWLIST": push_service.origin, "PUSH_BATCH_SIZE": "25", "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "flask", "--app", "shinjuku_pwa", "push", "send-due", "--once"]
    workers = [subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for _ in range(2)]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    per_endpoint = Counter(r.path for r in push_service.received)
    assert len(per_endpoint) == SUBSCRIBERS and max(per_endpoint.values()) == 1
    with push_app.app_context():
        states = dict(db.session.execute(select(Delivery.state, func.count()).group_by(Delivery.state)).all())
    assert states == {DeliveryState.SENT: SUBSCRIBERS}
    # Both workers took part (the claims interleaved rather than one doing everything).
    assert all(b"deliveries: {'sent': " in out and b"'sent': 0," not in out for out, _ in outputs), outputs


def test_the_worker_command_runs_several_processes_and_stops_cleanly(push_app, push_service):
    keys = BrowserKeys()
    with push_app.app_context():
        db.session.add_all([
            PushSubscription(endpoint=push_service.endpoint(f"p{i}"), endpoint_origin=push_service.origin,
                             p256dh=keys.p256dh, auth=keys.auth, topics=["disaster"], lang="en")
            for i in range(40)
        ])
        db.session.commit()
    add_notice(push_app, urgency="high", publish_at=dt.datetime.now(dt.UTC))
    with push_app.app_context():
        url = push_app.config["SQLALCHEMY_DATABASE_URI"]
        options = push_app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("connect_args", {}).get("options")
    if options:
        url += "?options=" + options.replace("=", "%3D")
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": push_app.instance_path, "SECRET_KEY": "w",
           "PUSH_ENDPOINT_ALLOWLIST": push_service.origin, "PUSH_BATCH_SIZE": "5", "PYTHONWARNINGS": "ignore"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "shinjuku_pwa", "push", "worker", "--processes", "2"],
                              env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(push_service.received) < 40 and time.monotonic() < deadline:
        time.sleep(0.2)
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=30)
    assert len(push_service.received) == 40, err
    assert worker.returncode == 0, err
    assert b"2 process(es)" in out


def _subscribe(app, service, count: int, prefix: str) -> None:
    keys = BrowserKeys()
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        db.session.execute(PushSubscription.__table__.insert(), [
            {"endpoint": service.endpoint(f"{prefix}{i}"), "endpoint_origin": service.origin, "p256dh": keys.p256dh,
             "auth": keys.auth, "topics": ["disaster"], "lang": "ja", "created_at": now, "updated_at": now}
            for i in range(count)
        ])
        db.session.commit()


def _worker(app, service, **settings: str) -> subprocess.Popen:
    """`push worker` (one process) in the background, with these settings."""
    env = {**os.environ, "DATABASE_URL": _database_url(app), "INSTANCE_PATH": app.instance_path, "SECRET_KEY": "lease",
           "PUSH_ENDPOINT_ALLOWLIST": service.origin, "PYTHONWARNINGS": "ignore", **settings}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "shinjuku_pwa", "push", "worker", "--processes", "1"],
                            env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _all_sent(app) -> bool:
    with app.app_context():
        states = dict(db.session.execute(select(Delivery.state, func.count()).group_by(Delivery.state)).all())
        db.session.rollback()
    return set(states) == {DeliveryState.SENT}


def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _stop(*workers: subprocess.Popen) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.communicate(timeout=30)


def test_a_batch_slower_than_its_lease_stays_with_its_live_worker_thanks_to_the_heartbeat(make_app):
    # Every answer takes 2.5 s and the lease is 1 s: without renewal the other worker would take
    # (and send again) every batch in flight.
    service = FakePushService(delay=2.5).start_in_thread()
    try:
        app = make_app(PUSH_ENDPOINT_ALLOWLIST=service.origin)
        _subscribe(app, service, 30, "slow")
        now = dt.datetime.now(dt.UTC)
        add_notice(app, urgency="high", publish_at=now)
        with app.app_context():
            publish_due(now)
        settings = {"PUSH_LEASE_SECONDS": "1", "PUSH_BATCH_SIZE": "10", "PUSH_CONCURRENCY": "10"}
        workers = [_worker(app, service, **settings) for _ in range(2)]
        try:
            assert _wait_until(lambda: _all_sent(app), 90), [w.stderr.read1() if w.poll() else b"" for w in workers]
        finally:
            _stop(*workers)
        per_endpoint = Counter(r.path for r in service.received)
        assert len(per_endpoint) == 30 and max(per_endpoint.values()) == 1, per_endpoint.most_common(3)
    finally:
        service.stop()


def test_a_worker_killed_mid_fan_out_leaves_its_disaster_deliveries_to_another_within_30_seconds(make_app):
    service = FakePushService(delay=0.3).start_in_thread()
    batch = 100
    try:
        app = make_app(PUSH_ENDPOINT_ALLOWLIST=service.origin)
        _subscribe(app, service, 400, "k")
        now = dt.datetime.now(dt.UTC)
        notice_id = add_notice(app, urgency="high", publish_at=now)
        with app.app_context():
            publish_due(now)
        settings = {"PUSH_BATCH_SIZE": str(batch), "PUSH_CONCURRENCY": "50"}  # the default lease (20 s)
        doomed = _worker(app, service, **settings)
        # Its first batch is in flight: requests have arrived, none answered yet (0.3 s each).
        assert _wait_until(lambda: service.count >= 10, 60)
        survivor = _worker(app, service, **settings)
        doomed.send_signal(signal.SIGKILL)
        doomed.communicate(timeout=10)
        killed_at = time.monotonic()
        try:
            every_subscriber = {f"/push/k{i}" for i in range(400)}
            assert _wait_until(lambda: {r.path for r in service.received} >= every_subscriber, 30), \
                f"{len(every_subscriber - {r.path for r in service.received})} subscribers still waiting"
            reached_all = time.monotonic() - killed_at
            assert _wait_until(lambda: _all_sent(app), 10)
        finally:
            _stop(survivor)
        per_endpoint = Counter(r.path for r in service.received)
        sent_twice = [path for path, count in per_endpoint.items() if count > 1]
        assert max(per_endpoint.values()) <= 2 and len(sent_twice) <= batch  # at most the dead worker's batch
        assert {r.headers["Topic"] for r in service.received} == {f"notice-{notice_id}"}  # the phone keeps one
        assert reached_all < 30
    finally:
        service.stop()

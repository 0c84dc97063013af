"""The production shape on loopback (README "Running in production"): two web hosts (gunicorn,
each its own INSTANCE_PATH, the same SECRET_KEY and VAPID key), two push workers
(`flask --app shinjuku_pwa push worker`), one PostgreSQL database, one Redis, and the loopback
push service standing in for the browsers' push services.

It needs PostgreSQL (DATABASE_URL) and Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379/3):
`.ci/run` runs it in its PostgreSQL pass (`make test` with DATABASE_URL on PostgreSQL, where it is
part of the suite) and sets REQUIRE_PRODUCTION_TESTS=1, so a missing Redis there is an error,
never a skip. In the SQLite pass every test here is reported as skipped with that reason.

What the checks use (methods of ProductionShape, module-scoped fixture `shape`):
  - search following the database:   shape.search(shape.host_b, "words")  -> result titles
  - a push worker killed mid fan-out: shape.slow_push_service(delay)  (fan-out that takes a while),
    shape.pause_worker(1) / shape.resume_worker(1)  (SIGSTOP/SIGCONT: which worker holds the batch
    is then known), shape.kill_worker(0)  (SIGKILL), shape.messages_per_subscriber(),
    shape.delivery_states(notice_id)  (from the database)
"""
from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
import sqlalchemy as sa

from tests.conftest import ON_POSTGRES
from tests.content_factory import make_content
from tests.push.browser_keys import BrowserKeys
from tests.push.fake_push_service import FakePushService
from tests.serving import Browser, Deployment, Host

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
REQUIRED = os.environ.get("REQUIRE_PRODUCTION_TESTS") == "1" or bool(os.environ.get("CI") and ON_POSTGRES)
PUBLISHER = "publisher@city.example.jp"
BATCH_SIZE = 10


def _requirements_missing() -> str | None:
    if not ON_POSTGRES:
        return "the production shape runs on PostgreSQL: .ci/run's PostgreSQL pass (DATABASE_URL=postgresql+psycopg://...)"
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"the production shape needs Redis at TEST_REDIS_URL={TEST_REDIS_URL} ({error})"
    return None




class ProductionShape:
    def __init__(self, folder: Path) -> None:
        self.push_service = FakePushService().start_in_thread()
        self.redis_prefix = f"production-{uuid.uuid4().hex[:8]}"
        self.deployment = Deployment(folder, extra_env={
            "REDIS_URL": TEST_REDIS_URL,
            "RATELIMIT_KEY_PREFIX": self.redis_prefix,  # CI runs may share one Redis database
            "PUSH_ENDPOINT_ALLOWLIST": self.push_service.origin,
            "LOG_FORMAT": "json",
            # Batches of 10 (production: 1,000) so that a killed worker's in-flight batch is a part
            # of a fan-out, and "at most that batch twice" can be told apart from "everything twice".
            "PUSH_BATCH_SIZE": str(BATCH_SIZE),
            "PUSH_SUBSCRIBE_LIMIT_PER_IP": "200 per hour",  # every test resident subscribes from 127.0.0.1
        })
        self.subscribers: list[str] = []
        self.host_a: Host
        self.host_b: Host
        try:
            self._deploy(folder)
        except BaseException:
            self.stop()
            raise

    def _deploy(self, folder: Path) -> None:
        deployment = self.deployment
        # The release step, once: schema, content (and keys and staff, which a real deploy has already).
        deployment.migrate()
        deployment.make_vapid_key()
        deployment.import_content(make_content(folder / "content"))
        deployment.create_staff(PUBLISHER, "publisher")
        self.token = deployment.flask("staff", "token", PUBLISHER, "--name", "production-test").strip().splitlines()[-1]
        # Each web host builds its own search index in its own INSTANCE_PATH, then serves.
        hosts = []
        for name in ("a", "b"):
            instance = folder / f"instance-{name}"
            deployment.build_search_index(instance)
            hosts.append(deployment.start_host(name, instance=instance, workers=2, wait_path="/readyz"))
        self.host_a, self.host_b = hosts
        self.workers = [deployment.start_push_worker(name) for name in ("a", "b")]

    # --- what the checks use ---------------------------------------------------------------

    def subscribe(self, count: int, host: Host | None = None) -> list[str]:
        """`count` residents subscribe to disaster notices (through host B unless told)."""
        host = host or self.host_b
        names = []
        for _ in range(count):
            name = uuid.uuid4().hex
            body = {"subscription": BrowserKeys().subscription(self.push_service.endpoint(name)),
                    "topics": ["disaster"], "lang": "en"}
            answer = Browser().request(f"{host.url}/api/v1/push/subscriptions", body=json.dumps(body).encode(),
                                       headers={"Content-Type": "application/json"})
            assert answer.status == 201, answer.body
            names.append(name)
        self.subscribers += names
        return names

    def publish_notice(self, title_en: str, host: Host | None = None) -> dict:
        """A high-urgency disaster notice, due now, through the staff API of host A (unless told)."""
        host = host or self.host_a
        body = {"title": {"ja": f"{title_en}（訓練）", "en": title_en}, "body": {"ja": "本文", "en": "Body text"},
                "topics": ["disaster"], "urgency": "high", "push": True,
                "publish_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())}
        answer = Browser().request(f"{host.url}/api/v1/admin/notices", body=json.dumps(body).encode(), headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
        assert answer.status == 201, answer.body
        return answer.json()

    def home_page(self, host: Host, lang: str = "en") -> str:
        answer = Browser().request(f"{host.url}/{lang}/")
        assert answer.status == 200, answer.status
        return answer.body

    def search(self, host: Host, query: str, lang: str = "en") -> list[str]:
        """Titles of the results host's search API gives (the hook for the index-follows-the-database check)."""
        answer = Browser().request(f"{host.url}/api/v1/search?" + urlencode({"q": query, "lang": lang}))
        assert answer.status == 200, answer.body
        return [result.get("title", "") for result in answer.json().get("results", [])]

    def received_by_subscribers(self) -> set[str]:
        """The subscribers the push service has received at least one message for."""
        return {received.path.rsplit("/", 1)[-1] for received in self.push_service.received}

    def messages_per_subscriber(self) -> Counter[str]:
        """How many messages the push service has received for each subscriber."""
        return Counter(received.path.rsplit("/", 1)[-1] for received in self.push_service.received)

    def delivery_states(self, notice_id: int) -> dict[str, int]:
        """The notice's deliveries by state, read from the shared database."""
        engine = sa.create_engine(self.deployment.database_url)
        try:
            with engine.connect() as connection:
                rows = connection.execute(sa.text("SELECT state, count(*) FROM push_deliveries WHERE notice_id = :id"
                                                  " GROUP BY state"), {"id": notice_id}).all()
        finally:
            engine.dispose()
        return {str(state).lower(): count for state, count in rows}

    def slow_push_service(self, delay: float) -> None:
        """Make each push answer take `delay` seconds, so a fan-out is still running when a worker is killed."""
        self.push_service.delay = delay

    def kill_worker(self, index: int, sig: int = signal.SIGKILL) -> None:
        worker = self.workers[index]
        worker.send_signal(sig)
        worker.wait(timeout=20)

    def pause_worker(self, index: int) -> None:
        """Freeze a worker (SIGSTOP): it claims nothing until resumed, but is alive all along."""
        self.workers[index].send_signal(signal.SIGSTOP)

    def resume_worker(self, index: int) -> None:
        self.workers[index].send_signal(signal.SIGCONT)

    def start_push_worker(self, name: str) -> None:
        self.workers.append(self.deployment.start_push_worker(name))

    def stop(self) -> None:
        for worker in self.workers:  # a worker a failed check left frozen would not hear SIGTERM
            if worker.poll() is None:
                worker.send_signal(signal.SIGCONT)
        self.deployment.stop()
        self.push_service.stop()
        client = redis.Redis.from_url(TEST_REDIS_URL)
        for key in client.scan_iter(f"*{self.redis_prefix}*"):
            client.delete(key)
        client.close()


@pytest.fixture(scope="module")
def shape(tmp_path_factory) -> Iterator[ProductionShape]:
    missing = _requirements_missing()
    if missing:
        if REQUIRED:
            raise RuntimeError(missing)
        pytest.skip(missing)
    production = ProductionShape(tmp_path_factory.mktemp("production"))
    yield production
    production.stop()

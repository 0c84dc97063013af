"""Fan-out benchmark: one notice to 50,000 subscriptions through a loopback push service.

    .venv/bin/python bench/push_fanout.py [--subscriptions 50000] [--delay 0.02] [--baseline 2000]

The push service stand-in answers 201 after 20 ms (a realistic push-service latency), in its own
process. Prints deliveries per second, total time and peak memory for our worker, and for a plain
loop calling pywebpush.webpush() one message at a time on a sample, as the baseline.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from pywebpush import webpush  # noqa: E402

from bench import loopback_push_service  # noqa: E402
from shinjuku_pwa import create_app  # noqa: E402
from shinjuku_pwa.composition.publishing import run_pass
from shinjuku_pwa.core.config import PROJECT_ROOT  # noqa: E402
from shinjuku_pwa.core.extensions import db  # noqa: E402
from shinjuku_pwa.notices.models import Notice, NoticeState, Urgency  # noqa: E402
from shinjuku_pwa.push.models import PushSubscription  # noqa: E402
from shinjuku_pwa.push.sender import PushSender  # noqa: E402
from shinjuku_pwa.push.vapid import (
    app_vapid,  # noqa: E402
    signer_for,  # noqa: E402
)
from tests.push.browser_keys import BrowserKeys  # noqa: E402


def serve(port_queue, delay: float) -> None:
    async def main():
        _server, port, _count = await loopback_push_service.start(delay)
        port_queue.put(port)
        await asyncio.Event().wait()

    asyncio.run(main())


def work(config: dict, concurrency: int, batch: int, results) -> None:
    """One worker process: publish if due (only one process wins), then send until nothing is due."""
    app = create_app(config)

    async def fan_out():
        async with PushSender(signer_for(app), concurrency=concurrency, timeout_seconds=10) as sender:
            return await run_pass(sender, batch_size=batch)

    with app.app_context():
        report = asyncio.run(fan_out())
    results.put({**report.counts, "peak_mb": peak_rss_mb()})


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=50_000)
    parser.add_argument("--delay", type=float, default=0.02)
    parser.add_argument("--baseline", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes sharing the queue (one per core)")
    args = parser.parse_args()

    ports = multiprocessing.Queue()
    service = multiprocessing.Process(target=serve, args=(ports, args.delay), daemon=True)
    service.start()
    origin = f"http://127.0.0.1:{ports.get(timeout=10)}"

    folder = Path(tempfile.mkdtemp(prefix="push-bench-"))
    app = create_app({
        "INSTANCE_PATH": str(folder), "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}",
        "PUSH_ENDPOINT_ALLOWLIST": origin,
    })
    keys = BrowserKeys()
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        db.session.execute(PushSubscription.__table__.insert(), [
            {"endpoint": f"{origin}/push/{i}", "endpoint_origin": origin, "p256dh": keys.p256dh, "auth": keys.auth,
             "topics": ["disaster"], "lang": ("ja", "en", "vi", "ne")[i % 4],
             "created_at": dt.datetime.now(dt.UTC), "updated_at": dt.datetime.now(dt.UTC)}
            for i in range(args.subscriptions)
        ])
        now = dt.datetime.now(dt.UTC)
        db.session.add(Notice(title={"ja": "避難指示", "en": "Evacuation order"},
                              body={"ja": "直ちに避難してください。", "en": "Evacuate now."}, topics=["disaster"],
                              publish_at=now, urgency=Urgency.HIGH, ttl=3600, state=NoticeState.SCHEDULED))
        db.session.commit()

        vapid_key = app_vapid(app)
        config = {key: app.config[key] for key in ("INSTANCE_PATH", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI",
                                                    "PUSH_ENDPOINT_ALLOWLIST")}

    results = multiprocessing.Queue()
    started = time.perf_counter()
    workers = [multiprocessing.Process(target=work, args=(config, args.concurrency, args.batch, results))
               for _ in range(args.workers)]
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=600) for _ in workers]
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    sent = sum(r["sent"] for r in reports)
    print(f"worker:   {sent} deliveries in {elapsed:.2f} s = {sent / elapsed:,.0f} deliveries/s with {args.workers} "
          f"worker process(es) (concurrency {args.concurrency} each, batch {args.batch}, service delay "
          f"{args.delay * 1000:.0f} ms); peak memory per worker {max(r['peak_mb'] for r in reports):.0f} MB; "
          f"failed {sum(r['failed'] for r in reports)}, retrying {sum(r['retrying'] for r in reports)}")

    subscription = keys.subscription(f"{origin}/push/baseline")
    started = time.perf_counter()
    for _ in range(args.baseline):
        webpush(subscription, data='{"title":"x"}', vapid_private_key=vapid_key,
                vapid_claims={"sub": "https://www.city.shinjuku.lg.jp"}, timeout=10)
    baseline = time.perf_counter() - started
    print(f"baseline: {args.baseline} pywebpush.webpush() calls one by one in {baseline:.2f} s = "
          f"{args.baseline / baseline:,.0f} deliveries/s")
    print(f"ratio:    {(sent / elapsed) / (args.baseline / baseline):.1f}x the plain loop")
    print(f"total:    a ward-wide notice to 100,000 phones would take about {100_000 / (sent / elapsed):.0f} s")
    service.terminate()


if __name__ == "__main__":
    main()

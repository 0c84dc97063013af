"""Fan-out benchmark: one notice to many subscriptions through a loopback push service.

    .venv/bin/python bench/push_fanout.py [--subscriptions 20000] [--workers 2] [--delay 0.02]

Everything is measured in the same run, on the same machine, in this order:
1. the encryption floor: the sender's own encrypt() on `--workers` processes at once, no
   network, no database (what the fan-out cannot beat); measured again after step 3 and
   averaged, because the load on a shared machine drifts;
2. the loopback push service's capacity: the sender's own connection pools, prebuilt bodies
   (no encryption, no database), `--workers` client processes with `--service-connections` each
   against the service's `--service-processes` processes; it must stay well above the fan-out's
   figure. Beside it, the service's own CPU per answer during step 3 (from /proc);
3. the fan-out: `--workers` worker processes run the real worker pass (claim, build, encrypt,
   send, record outcomes in the database) on one notice to `--subscriptions` subscriptions;
4. the baseline: plain pywebpush.webpush() one message at a time (`--baseline` messages).
The service answers 201 after `--delay` seconds (a push service's latency). It is nginx with the
echo module where installed (`--service auto`): on these 2 cores it shares the CPU with the
workers, and a Python stand-in took about a third of it. SQLite unless
DATABASE_URL is set (then the bench uses a schema of its own and drops it).
"""
from __future__ import annotations

import argparse
import asyncio
import atexit
import cProfile
import datetime as dt
import multiprocessing
import os
import queue
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

# Run as a script: import the project from the repository root, not from this folder.
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from pywebpush import webpush  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from bench import loopback_push_service  # noqa: E402
from shinjuku_pwa import create_app  # noqa: E402
from shinjuku_pwa.composition.publishing import publish_due, run_pass, sender_for  # noqa: E402
from shinjuku_pwa.core.config import PROJECT_ROOT  # noqa: E402
from shinjuku_pwa.core.extensions import db  # noqa: E402
from shinjuku_pwa.notices.models import Notice, NoticeState, Urgency  # noqa: E402
from shinjuku_pwa.push.connections import OriginPool  # noqa: E402
from shinjuku_pwa.push.models import PushSubscription  # noqa: E402
from shinjuku_pwa.push.payload import build_payload  # noqa: E402
from shinjuku_pwa.push.sender import PushJob, encrypt  # noqa: E402
from shinjuku_pwa.push.vapid import app_vapid  # noqa: E402
from tests.push.browser_keys import BrowserKeys  # noqa: E402

TITLE = {"ja": "避難指示", "en": "Evacuation order", "vi": "Lệnh sơ tán", "ne": "खाली गर्ने आदेश"}
BODY = {"ja": "直ちに避難してください。最寄りの避難所は区のホームページで確認できます。",
        "en": "Evacuate now. Find your nearest evacuation site on the city's website.",
        "vi": "Hãy sơ tán ngay.", "ne": "तुरुन्त खाली गर्नुहोस्।"}
LANGS = ("ja", "en", "vi", "ne")


def waited_on_runqueue() -> float:
    """Seconds this process's main thread has spent ready to run but waiting for a core (/proc schedstat)."""
    try:
        return int(Path("/proc/self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def serve(port_queue: multiprocessing.Queue, delay: float, port: int) -> None:
    async def main() -> None:
        _server, bound, _count = await loopback_push_service.start(delay, port, reuse_port=True)
        port_queue.put(bound)
        await asyncio.Event().wait()

    asyncio.run(main())


def start_service(processes: int, delay: float, port: int = 0) -> tuple[str, list[multiprocessing.Process]]:
    ports: multiprocessing.Queue = multiprocessing.Queue()
    first = multiprocessing.Process(target=serve, args=(ports, delay, port), daemon=True)
    first.start()
    port = ports.get(timeout=10)
    rest = [multiprocessing.Process(target=serve, args=(ports, delay, port), daemon=True) for _ in range(processes - 1)]
    for process in rest:
        process.start()
        ports.get(timeout=10)
    return f"http://127.0.0.1:{port}", [first, *rest]


def stop_service(service: list) -> None:
    """Stop the stand-in and wait until it is gone: a next run may take the same --port."""
    for process in service:
        if process.pid and (process.poll() is None if hasattr(process, "poll") else process.is_alive()):
            process.terminate()
    for process in service:
        if isinstance(process, multiprocessing.Process):
            process.join(10)
        else:
            process.wait(10)


def in_processes(target, count: int, *args) -> list[dict]:
    """Run target(results, barrier, *args) in `count` processes started together; their reports."""
    results: multiprocessing.Queue = multiprocessing.Queue()
    barrier = multiprocessing.Barrier(count + 1)
    processes = [multiprocessing.Process(target=target, args=(results, barrier, *args)) for _ in range(count)]
    for process in processes:
        process.start()
    barrier.wait(timeout=120)
    reports: list[dict] = []
    deadline = time.monotonic() + 600
    while len(reports) < count:
        try:
            reports.append(results.get(timeout=1))
        except queue.Empty:
            failed = [p.exitcode for p in processes if p.exitcode]
            if failed or time.monotonic() > deadline:  # a process died without its report: do not wait for it
                raise RuntimeError(f"{target.__name__}: processes ended with {failed or 'no report in time'}") from None
    for process in processes:
        process.join()
    return reports


def sample_job(keys: BrowserKeys, origin: str, lang: str = "ja") -> PushJob:
    payload = build_payload(1, TITLE, BODY, lang, f"/{lang}/notices/1")
    return PushJob(1, f"{origin}/push/x", origin, keys.p256dh, keys.auth, payload, 3600, "high", "notice-1")


def encrypt_floor(results: multiprocessing.Queue, barrier, messages: int) -> None:
    """The same encrypt() the sender calls, as fast as one process can, nothing else."""
    jobs = [sample_job(BrowserKeys(), "https://push.example") for _ in range(50)]
    barrier.wait()
    started, cpu_started = time.perf_counter(), time.process_time()
    for i in range(messages):
        encrypt(jobs[i % 50])
    results.put({"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu_started, "messages": messages})


def drive_service(results: multiprocessing.Queue, barrier, origin: str, requests: int, connections: int) -> None:
    """The sender's connection pool with a ready-made body: how fast the stand-in answers."""
    body = encrypt(sample_job(BrowserKeys(), origin))
    assert body is not None
    head = b"TTL: 60\r\nUrgency: high\r\nTopic: t\r\nContent-Encoding: aes128gcm\r\n"

    async def run() -> float:
        pool = OriginPool(origin, connections)
        barrier.wait()
        started = time.perf_counter()
        waiting = iter(range(requests))
        statuses: list[int] = []

        async def lane() -> None:  # as the sender does: each connection sends its next request when answered
            for i in waiting:
                statuses.append((await pool.post(f"/push/{i}", head, body))[0])

        await asyncio.gather(*(lane() for _ in range(connections)))
        elapsed = time.perf_counter() - started
        pool.close()
        assert statuses == [201] * requests
        return elapsed

    results.put({"seconds": asyncio.run(run()), "messages": requests})


def work(results: multiprocessing.Queue, barrier, config: dict, profile: str | None) -> None:
    """One worker process: the worker's pass (the notice is already published), until nothing is due."""
    app = create_app(config)
    # CPU time, not wall time: on a shared machine a preempted call would look slow.
    profiler = cProfile.Profile(time.process_time) if profile else None

    async def fan_out():
        async with sender_for(app) as sender:
            return await run_pass(sender, batch_size=app.config["PUSH_BATCH_SIZE"])

    with app.app_context():
        db.session.execute(text("SELECT 1"))  # connect before the clock starts
        db.session.commit()
        barrier.wait()
        started = time.perf_counter()
        cpu_started = time.process_time()
        queued_started = waited_on_runqueue()
        if profiler:
            profiler.enable()
        report = asyncio.run(fan_out())
        if profiler:
            profiler.disable()
            profiler.dump_stats(f"{profile}.{os.getpid()}")
    results.put({**report.counts, "seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu_started,
                 "queued": waited_on_runqueue() - queued_started, "peak_mb": peak_rss_mb()})


def aggregate_rate(reports: list[dict]) -> float:
    """Messages per second of processes running at once: all messages over the slowest one's time."""
    return sum(r["messages"] for r in reports) / max(r["seconds"] for r in reports)


def make_database(folder: Path) -> tuple[str, dict, object]:
    """SQLite in the bench's folder, or a schema of its own in DATABASE_URL's database."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{folder / 'bench.sqlite3'}", {}, None
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    options = {"connect_args": {"options": f"-csearch_path={schema}"}}

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

    return url, options, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscriptions", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes sharing the queue (one per core)")
    parser.add_argument("--delay", type=float, default=0.02, help="the push service's answer delay, seconds")
    parser.add_argument("--baseline", type=int, default=200, help="messages sent one by one with pywebpush.webpush()")
    parser.add_argument("--floor-messages", type=int, default=10_000, help="messages each process encrypts for the floor")
    parser.add_argument("--service-processes", type=int, default=2)
    parser.add_argument("--service", choices=("auto", "nginx", "python"), default="auto",
                        help="the push-service stand-in: nginx with the echo module (auto: when installed), or Python")
    parser.add_argument("--port", type=int, default=0, help="the stand-in's port (default: any free one)")
    parser.add_argument("--service-requests", type=int, default=20_000, help="requests per client process")
    parser.add_argument("--service-connections", type=int, default=400,
                        help="connections per client process measuring the service (more than a worker's: "
                             "at 100 connections the answer delay, not the service, sets the rate)")
    parser.add_argument("--concurrency", type=int, default=None, help="PUSH_CONCURRENCY (default: the app's)")
    parser.add_argument("--connections", type=int, default=None, help="PUSH_CONNECTIONS_PER_ORIGIN (default: the app's)")
    parser.add_argument("--batch", type=int, default=None, help="PUSH_BATCH_SIZE (default: the app's)")
    parser.add_argument("--profile", help="write each worker's cProfile stats to PROFILE.<pid>")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="push-bench-"))
    use_nginx = args.service == "nginx" or (args.service == "auto" and loopback_push_service.nginx_available())
    if use_nginx:
        origin, nginx = loopback_push_service.start_nginx(args.delay, args.service_processes, folder / "nginx",
                                                         args.port)
        service: list = [nginx]
    else:
        origin, service = start_service(args.service_processes, args.delay, args.port)
    service_name = "nginx (echo module)" if use_nginx else "Python asyncio"
    atexit.register(stop_service, service)  # also when the bench fails half way: no stand-in left behind
    url, engine_options, drop = make_database(folder)
    overrides = {key: value for key, value in (("PUSH_CONCURRENCY", args.concurrency),
                                               ("PUSH_CONNECTIONS_PER_ORIGIN", args.connections),
                                               ("PUSH_BATCH_SIZE", args.batch)) if value}
    config = {"INSTANCE_PATH": str(folder), "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
              "SQLALCHEMY_ENGINE_OPTIONS": engine_options, "PUSH_ENDPOINT_ALLOWLIST": origin, **overrides}
    app = create_app(config)
    keys = [BrowserKeys() for _ in range(100)]  # subscribers' keys differ: the sender may not reuse anything
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        now = dt.datetime.now(dt.UTC)
        db.session.execute(PushSubscription.__table__.insert(), [
            {"endpoint": f"{origin}/push/{i}", "endpoint_origin": origin, "p256dh": keys[i % 100].p256dh,
             "auth": keys[i % 100].auth, "topics": ["disaster"], "lang": LANGS[i % 4], "created_at": now, "updated_at": now}
            for i in range(args.subscriptions)
        ])
        db.session.add(Notice(title=TITLE, body=BODY, topics=["disaster"], publish_at=now, urgency=Urgency.HIGH,
                              ttl=3600, state=NoticeState.SCHEDULED))
        db.session.commit()
        vapid_key = app_vapid(app)
        settings = {key: app.config[key] for key in ("PUSH_CONCURRENCY", "PUSH_CONNECTIONS_PER_ORIGIN", "PUSH_BATCH_SIZE")}

    floor_runs = in_processes(encrypt_floor, args.workers, args.floor_messages)
    floor_before = aggregate_rate(floor_runs)
    capacity = aggregate_rate(in_processes(drive_service, args.workers, origin, args.service_requests,
                                           args.service_connections))
    with app.app_context():
        began = time.perf_counter()
        publish_due(dt.datetime.now(dt.UTC))  # what a worker does first: one transaction queues every delivery
        publish_seconds = time.perf_counter() - began
    service_pids = [process.pid for process in service if process.pid]
    service_cpu = loopback_push_service.cpu_seconds(service_pids)
    reports = in_processes(work, args.workers, config, args.profile)
    service_cpu = loopback_push_service.cpu_seconds(service_pids) - service_cpu
    elapsed = max(r["seconds"] for r in reports)  # from the moment all workers start to the last one's end
    sent = sum(r["sent"] for r in reports)
    rate = sent / elapsed
    # The floor again right after: on a shared machine the load drifts, so the ratio uses both.
    floor_runs += (after := in_processes(encrypt_floor, args.workers, args.floor_messages))
    floor_after = aggregate_rate(after)
    floor = (floor_before + floor_after) / 2

    subscription = keys[0].subscription(f"{origin}/push/baseline")
    began = time.perf_counter()
    for _ in range(args.baseline):
        webpush(subscription, data=build_payload(1, TITLE, BODY, "ja", "/ja/notices/1").decode(),
                vapid_private_key=vapid_key, vapid_claims={"sub": "https://www.city.shinjuku.lg.jp"}, timeout=10)
    baseline = args.baseline / (time.perf_counter() - began)
    stop_service(service)
    if drop:
        drop()

    database = "PostgreSQL" if drop else "SQLite"
    print(f"setup:          {args.workers} worker process(es), {database}, push service answers after "
          f"{args.delay * 1000:.0f} ms; concurrency {settings['PUSH_CONCURRENCY']}, "
          f"{settings['PUSH_CONNECTIONS_PER_ORIGIN']} connections per origin, batch {settings['PUSH_BATCH_SIZE']} "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"floor:          {floor:,.0f} messages/s encrypted by {args.workers} process(es), no network, no database "
          f"(mean of {floor_before:,.0f} before and {floor_after:,.0f} after the fan-out)")
    print(f"push service:   {capacity:,.0f} answers/s from {args.service_processes} {service_name} process(es) "
          f"({capacity / rate:.1f}x the fan-out: not the limit)" if capacity > 1.5 * rate else
          f"push service:   {capacity:,.0f} answers/s: too close to the fan-out, add --service-processes")
    # That figure is a floor: the Python clients driving the service spend more CPU per request than
    # it does. What the service itself spent on the fan-out's answers says how far it is from the limit.
    cores = os.cpu_count() or 1
    per_answer = max(service_cpu, 1e-3) / max(sent, 1)  # at least one clock tick
    print(f"                {per_answer * 1e6:,.0f} us CPU per answer in the service during the fan-out "
          f"({service_cpu / elapsed / cores:.0%} of the {cores} cores; all of them would answer "
          f"{cores / per_answer:,.0f}/s, {cores / per_answer / rate:,.0f}x the fan-out)")
    print(f"fan-out:        {sent:,} deliveries in {elapsed:.2f} s = {rate:,.0f} deliveries/s; "
          f"failed {sum(r['failed'] for r in reports)}, retrying {sum(r['retrying'] for r in reports)}")
    ceiling = args.workers * settings["PUSH_CONNECTIONS_PER_ORIGIN"] / args.delay if args.delay else float("inf")
    print(f"                the workers' connections allow at most {ceiling:,.0f} deliveries/s "
          f"({args.workers} x {settings['PUSH_CONNECTIONS_PER_ORIGIN']} connections, one answer each per "
          f"{args.delay * 1000:.0f} ms)")
    for number, r in enumerate(reports, 1):
        print(f"  worker {number}:     sent {r['sent']:,} in {r['seconds']:.2f} s, peak {r['peak_mb']:.0f} MB, "
              f"on the CPU {r['cpu'] / r['seconds']:.0%} of the time, "
              f"waiting for a core {r['queued'] / r['seconds']:.0%}, idle (its own waits) "
              f"{max(0.0, 1 - (r['cpu'] + r['queued']) / r['seconds']):.0%}")
    print(f"ratio to floor: {rate / floor:.0%} (target at least 40% with 2 workers)")
    # CPU time per message moves far less with the machine's load than wall-clock rates do.
    floor_cpu = sum(r["cpu"] for r in floor_runs) / sum(r["messages"] for r in floor_runs)
    worker_cpu = sum(r["cpu"] for r in reports) / max(sent, 1)
    print(f"CPU:            {worker_cpu * 1e6:,.0f} us per delivery in the workers, {floor_cpu * 1e6:,.0f} us per message "
          f"for the encryption alone: {floor_cpu / worker_cpu:.0%} of the workers' CPU is the encryption")
    print(f"baseline:       {baseline:,.1f} deliveries/s with pywebpush.webpush() one by one ({args.baseline} messages)")
    print(f"ratio:          {rate / baseline:,.0f}x the plain loop (target at least 100x)")
    verb = "took" if args.subscriptions == 100_000 else "would take"
    total = publish_seconds * 100_000 / args.subscriptions + 100_000 / rate
    print(f"publishing:     {publish_seconds:.2f} s to queue {args.subscriptions:,} deliveries (one transaction)")
    print(f"100,000 phones: {verb} {total:.1f} s, publishing included (target under 30 s)")
    print(f"peak memory:    {max(r['peak_mb'] for r in reports):.0f} MB per worker (max RSS)")


if __name__ == "__main__":
    main()

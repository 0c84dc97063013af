"""CPU per request, in one process: the app's WSGI callable against a one-line Flask app's.

    .venv/bin/python bench/request_cpu.py [--requests 400] [--rounds 5] [--pages checklist,page-view]
                                          [--profile checklist] [--sort tottime] [--top 40]

Uses the instance `make setup` made (INSTANCE_PATH, DATABASE_URL and the bundled content as the
environment says; SQLite by default) and calls the app as gunicorn would: a WSGI environ per
request with `Accept-Encoding: gzip, br`, the body read to its end, the request log written as
JSON (to /dev/null). Every URL is requested twice first and the loaded objects frozen out of the
garbage collector (gunicorn.conf.py does the same), so rows are the steady state: a checklist
(every life event answered as bench/http_load.py answers it, in every locale; never cached), a
page view (served from the page cache by core/fast_path.py), and the floor, a Flask app whose one
view returns "ok". Each round times `--requests` requests of a type with time.process_time; a row
shows the best and the median round in CPU milliseconds per request and the median as a multiple
of the floor's (CPU, so a machine shared with other work changes it little). `--profile TYPE`
prints cProfile's table for one more round of that type.
"""
from __future__ import annotations

import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(PROJECT_ROOT)

import argparse  # noqa: E402
import cProfile  # noqa: E402
import datetime as dt  # noqa: E402
import gc  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from flask import Flask  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from bench.http_load import LOCALES, checklist_query  # noqa: E402
from shinjuku_pwa import create_app  # noqa: E402
from shinjuku_pwa.core.request_log import configure_logging  # noqa: E402

HEADERS = {"Accept-Encoding": "gzip, br", "Host": "127.0.0.1:8000"}


def environ_for(url: str) -> dict[str, Any]:
    path, _, query = url.partition("?")
    environ = EnvironBuilder(path=path, query_string=query, headers=HEADERS).get_environ()
    environ["RAW_URI"] = url  # as gunicorn gives it (request_limits reads it)
    return environ


def call(app: Callable, environ: dict[str, Any]) -> tuple[str, bytes]:
    """One request as a WSGI server makes it: a fresh environ and input, the body read to its end."""
    answer: list[str] = []

    def start_response(status: str, headers: list, exc_info: Any = None) -> Callable:
        answer.append(status)
        return lambda data: None

    request_environ = dict(environ, **{"wsgi.input": io.BytesIO(b"")})
    result = app(request_environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return answer[0], body


def cpu_per_request(app: Callable, environs: list[dict[str, Any]], count: int, threads: int = 1) -> float:
    """CPU milliseconds per request over `count` requests rotating through `environs`, made by
    `threads` threads at once as a gthread worker makes them (the process's CPU, every thread's)."""
    def run(first: int) -> None:
        for index in range(first, count, threads):
            call(app, environs[index % len(environs)])

    started = time.process_time()
    if threads == 1:
        run(0)
    else:
        workers = [threading.Thread(target=run, args=(first,)) for first in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    return (time.process_time() - started) * 1000 / count


def checklist_urls(client) -> list[str]:
    today = dt.date.today()
    events = [e["id"] for e in client.get("/api/v1/life-events").get_json()]
    queries = {e: checklist_query(client.get(f"/api/v1/life-events/{e}").get_json()["questions"], today) for e in events}
    return [f"/{lang}/life-events/{e}?{query}" for lang in LOCALES for e, query in queries.items()]


def page_view_urls(client) -> list[str]:
    slugs = sorted({p["slug"] for p in client.get("/api/v1/pages?lang=ja").get_json()["items"]})[:40]
    return [f"/{lang}/pages/{slug}" for lang in LOCALES for slug in slugs]


# What each page type requests (bench/request_instructions.py counts the same).
URL_BUILDERS = {"checklist": checklist_urls, "page-view": page_view_urls}


def quiet_json_log() -> None:
    """The request log as production writes it (JSON), into a temporary file rather than the
    terminal (a real write per line, as to a journal or a file; /dev/null would cost nothing)."""
    handler = configure_logging("json")
    handler.setStream(tempfile.TemporaryFile("w"))  # noqa: SIM115 - open for the whole run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=400, help="requests per round and page type")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads calling the app at once (gunicorn.conf.py's gthread workers run 16)")
    parser.add_argument("--pages", default="checklist,page-view")
    parser.add_argument("--profile", default="", help="a page type to profile (one more round, under cProfile)")
    parser.add_argument("--sort", default="tottime", help="cProfile sort key (tottime, cumulative)")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--json", help="write the rows here too")
    args = parser.parse_args()

    os.environ.setdefault("LOG_FORMAT", "json")
    app = create_app()
    quiet_json_log()
    client = app.test_client()
    environs: dict[str, list[dict[str, Any]]] = {}
    for page_type in args.pages.split(","):
        urls = URL_BUILDERS[page_type](client)
        environs[page_type] = [environ_for(url) for url in urls]
        for environ in environs[page_type] * 2:
            status, _ = call(app, environ)
            if not status.startswith("200"):
                raise SystemExit(f"{page_type}: {environ['RAW_URI']} answered {status}")
    floor = Flask("floor")
    floor.get("/")(lambda: "ok")
    environs["floor"] = [environ_for("/")]
    apps: dict[str, Callable] = {"floor": floor, **{page_type: app for page_type in args.pages.split(",")}}
    for page_type, target in apps.items():
        cpu_per_request(target, environs[page_type], 50)
    gc.collect()
    gc.freeze()

    rounds: dict[str, list[float]] = {page_type: [] for page_type in apps}
    for _ in range(args.rounds):  # page types take turns, so drift touches each alike
        for page_type, target in apps.items():
            rounds[page_type].append(cpu_per_request(target, environs[page_type], args.requests, args.threads))
    floor_ms = statistics.median(rounds["floor"])
    urls = len(environs.get("checklist", []))
    print(f"CPU ms per request ({args.rounds} rounds of {args.requests}; one process, {args.threads} thread(s); "
          f"{urls} checklist URLs)")
    print(f"{'page type':<12} {'best':>8} {'median':>8} {'x floor':>8}")
    rows = []
    for page_type, measured in rounds.items():
        median = statistics.median(measured)
        rows.append({"page": page_type, "best_ms": min(measured), "median_ms": median, "floor_multiple": median / floor_ms})
        print(f"{page_type:<12} {min(measured):8.3f} {median:8.3f} {median / floor_ms:8.1f}")
    if "checklist" in rounds:
        print(f"floor / checklist CPU: {floor_ms / statistics.median(rounds['checklist']):.1%} "
              "(the floor's requests/s a checklist could reach on CPU alone)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        cpu_per_request(apps[args.profile], environs[args.profile], args.requests)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.top)
    logging.shutdown()


if __name__ == "__main__":
    main()

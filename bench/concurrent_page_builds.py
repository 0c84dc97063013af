"""Every page view built in many threads at once, the page cache emptied before each round: the
load of a warm-up after a content change, in one process, without gunicorn.

    .venv/bin/python bench/concurrent_page_builds.py [--rounds 10] [--threads 16] [--only /en/]

Written to reproduce a crash found on 2026-12-07 (README, "Fixed fault"): under
bench/http_load.py an app worker sometimes died of a segmentation fault (or "free(): invalid
pointer") while building pages, and here the process usually dies within the first round. It
survives with one thread, and with the garbage collector disabled; it still dies without
SQLAlchemy's and MarkupSafe's compiled extensions, with brotli serialised, with NullPool and with
sqlite3's statement cache off, and on PostgreSQL too. gdb shows the collector meeting a freed object inside a dict
(visit_decref from dict_traverse). With `--safe-points` (collections started from Python code only,
as the workers now collect: core/garbage_collection.py) it survives. Exits 0 when every round finished.

The cause (README, "Fixed fault"): CPython 3.11 can start a collection while it turns an object's inline
attributes into a __dict__, and the object can gain an attribute while it runs, so the new dict's count
is wrong. Run it with Debian's `python3.11-dbg` to see the assertion at once, and
scripts/gdb_dict_materialization.py under gdb to catch the change.
"""
from __future__ import annotations

import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(PROJECT_ROOT)

import argparse  # noqa: E402
import faulthandler  # noqa: E402
import gc  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

from bench import request_cpu  # noqa: E402
from shinjuku_pwa import create_app  # noqa: E402
from shinjuku_pwa.core.garbage_collection import start_safe_point_collector  # noqa: E402
from shinjuku_pwa.core.page_cache import cache_of  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--only", default="/", help="comma-separated URL prefixes (default: every locale)")
    parser.add_argument("--no-gc", action="store_true", help="disable the garbage collector (then it survives)")
    parser.add_argument("--safe-points", action="store_true",
                        help="collect as gunicorn.conf.py's workers do (core/garbage_collection.py): it survives")
    args = parser.parse_args()
    faulthandler.enable()
    app = create_app()
    prefixes = tuple(args.only.split(","))
    urls = [url for url in request_cpu.page_view_urls(app.test_client()) if url.startswith(prefixes)]
    gc.collect()
    gc.freeze()  # as gunicorn.conf.py does after loading the app
    if args.no_gc:
        gc.disable()
    if args.safe_points:
        start_safe_point_collector()

    def fetch(url: str) -> None:
        status = app.test_client().get(url).status_code
        if status != 200:
            raise SystemExit(f"{url} answered {status}")

    started = time.monotonic()
    for _ in range(args.rounds):
        with app.app_context():
            cache_of().clear()
        with ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(fetch, urls))
    print(f"survived {args.rounds} rounds of {len(urls)} page builds in {args.threads} threads "
          f"({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()

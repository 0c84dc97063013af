"""Garbage collection at safe points (core/garbage_collection.py): a web worker collects only from
Python code, which keeps it alive where CPython 3.11's automatic collections corrupted its heap."""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from shinjuku_pwa.core.garbage_collection import due_generation

PROJECT_ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS = (700, 10, 10)


@pytest.mark.parametrize(("counts", "full_allowed", "expected"), [
    ((0, 0, 0), True, None),
    ((700, 0, 0), True, None),  # at the threshold is not past it, as in CPython
    ((701, 0, 0), True, 0),
    ((701, 11, 0), True, 1),
    ((701, 11, 11), True, 2),
    ((701, 11, 11), False, 1),  # a full collection waits for its turn; the younger ones do not
    ((0, 0, 11), False, None),
])
def test_the_collection_due_is_the_oldest_generation_past_its_threshold(counts, full_allowed, expected):
    assert due_generation(counts, THRESHOLDS, full_allowed) == expected


def test_a_first_threshold_of_zero_turns_collection_off_as_in_cpython():
    assert due_generation((10**6, 10**6, 10**6), (0, 10, 10), True) is None
    assert due_generation((10**6, 10**6, 0), (700, 0, 10), True) == 0  # an older one at 0 is only skipped


COLLECTS_CYCLES = """
import gc, sys, time, weakref
sys.path.insert(0, {root!r})
from shinjuku_pwa.core.garbage_collection import start_safe_point_collector
assert start_safe_point_collector() and not start_safe_point_collector()
assert not gc.isenabled()
class Node:
    pass
node = Node(); node.me = node
gone = weakref.ref(node)
del node
kept = [[] for _ in range(2000)]  # enough new objects to pass the first threshold
deadline = time.monotonic() + 5
while gone() is not None and time.monotonic() < deadline:
    time.sleep(0.01)
print("freed" if gone() is None else "kept")
"""


def test_a_worker_with_automatic_collection_off_still_frees_cycles_from_its_own_thread():
    done = subprocess.run([sys.executable, "-c", COLLECTS_CYCLES.format(root=str(PROJECT_ROOT))],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "freed"


def _database_url_of(app) -> str:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args", {}).get("options")
    return f"{url}?{urllib.parse.urlencode({'options': options})}" if options else url


def test_many_threads_building_pages_at_once_do_not_crash_a_worker_that_collects_at_safe_points(content_app):
    # bench/concurrent_page_builds.py without --safe-points died of a segmentation fault in most runs
    # (CPython 3.11.7); each round empties the page cache, so every page is built again.
    env = {**os.environ, "DATABASE_URL": _database_url_of(content_app), "INSTANCE_PATH": content_app.instance_path,
           "LOG_FORMAT": "text", "LOG_LEVEL": "WARNING", "SEARCH_FOLLOW_SECONDS": "0"}
    done = subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "concurrent_page_builds.py"),
                           "--safe-points", "--rounds", "3"], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "survived 3 rounds" in done.stdout

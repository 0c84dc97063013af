"""bench/http_load.py says when an app worker died during a run. A worker that crashed in C code
(README, "Fixed fault") is restarted by gunicorn within a second, so a run's figures can look
fine while residents' requests on it got no answer; only gunicorn's log tells."""
from __future__ import annotations

import os
import signal
import time
from collections.abc import Collection

import pytest

from bench.http_load import Gunicorn
from shinjuku_pwa.core.config import PROJECT_ROOT
from tests.browser.conftest import LiveServer
from tests.serving import child_processes


@pytest.fixture
def bench_server(tmp_path):
    prepared = LiveServer(tmp_path / "instance")  # a migrated database with the bundled content
    prepared.process.terminate()
    prepared.process.wait(timeout=15)
    server = Gunicorn("app", "wsgi:app", {**prepared.env, "WORKERS": "2"}, PROJECT_ROOT, tmp_path, "/ja/")
    yield server
    server.stop()
    prepared.stop()


def _wait_for_workers(pid: int, count: int, other_than: Collection[int] = ()) -> list[int]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = [child for child in child_processes(pid) if child not in other_than]
        if len(children) >= count:
            return children
        time.sleep(0.1)
    raise AssertionError(f"gunicorn (pid {pid}) did not have {count} new workers within 30 s")


def test_a_worker_killed_by_a_signal_is_reported_and_a_clean_stop_is_not(bench_server):
    workers = _wait_for_workers(bench_server.process.pid, 2)
    assert bench_server.worker_deaths() == []

    os.kill(workers[0], signal.SIGSEGV)
    _wait_for_workers(bench_server.process.pid, 1, other_than=set(workers))  # gunicorn booted a new one
    deaths = bench_server.worker_deaths()
    assert len(deaths) == 1 and f"pid:{workers[0]}" in deaths[0] and "SIGSEGV" in deaths[0]

    bench_server.stop()  # the shutdown's SIGTERM to every worker is no death
    assert bench_server.worker_deaths() == deaths

"""Slow clients cannot starve the server: `make run`'s gunicorn settings keep answering other
residents while connections send their request headers a byte at a time (slowloris, or a phone
on a bad line). With the old two sync workers, four such connections took the whole server."""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import pytest

from bench.http_load import TricklingClients
from shinjuku_pwa.core.config import PROJECT_ROOT
from tests.browser.conftest import LiveServer

SLOW_CONNECTIONS = 8
OTHER_REQUESTS = 5
# A cheap route, so the second measures waiting for a free worker, not rendering on a shared machine.
OTHER_PATH = "/api/v1/categories"


class MakeRunServer(LiveServer):
    """LiveServer's database and content, served as `make run` serves them: gunicorn.conf.py and
    the Makefile's environment decide the workers, not test options."""

    def __init__(self, folder, **extra_env: str):
        super().__init__(folder, **extra_env)
        self.process.terminate()
        self.process.wait(timeout=15)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
            env={**self.env, "HOST": "127.0.0.1", "PORT": str(self.port), "WORKERS": "2"},
            cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.wait_until_up()


@pytest.fixture(scope="module")
def make_run_server(tmp_path_factory):
    server = MakeRunServer(tmp_path_factory.mktemp("slow-clients"))
    yield server
    server.stop()


def seconds_to_answer(url: str, timeout: float) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        assert response.status == 200
        response.read()
    return time.perf_counter() - started


def test_other_clients_are_served_within_a_second_while_eight_connections_trickle_their_headers(make_run_server):
    url = make_run_server.url + OTHER_PATH
    seconds_to_answer(url, timeout=10)  # warm: the first answer of a process loads what it caches
    with TricklingClients(make_run_server.port, SLOW_CONNECTIONS) as slow:
        time.sleep(1.0)  # every slow connection is inside its headers by now
        timings = []
        for _ in range(OTHER_REQUESTS):
            try:
                timings.append(seconds_to_answer(url, timeout=1.0))
            except OSError as error:  # refused, reset or timed out: not served within the second
                pytest.fail(f"request {len(timings) + 1} of {OTHER_REQUESTS} was not served within 1 s "
                            f"while {SLOW_CONNECTIONS} connections trickled headers ({error})")
        assert slow.sent > 10, "the slow connections were not trickling meanwhile"
    assert max(timings) < 1.0

"""The keeper: builds run in its own thread, many requests make one build, a failed build is logged and retried."""
from __future__ import annotations

import itertools
import logging
import threading

from flask import Flask

from shinjuku_pwa.search.keeper import IndexKeeper
from tests.search.conftest import poll_until


def test_builds_run_in_the_keepers_thread_not_the_callers():
    threads: list[str] = []
    keeper = IndexKeeper(Flask(__name__), lambda reason: threads.append(threading.current_thread().name) or "built")
    keeper.request("missing")
    poll_until(lambda: keeper.builds == 1, timeout=10)
    keeper.stop()
    assert threads == ["search-index-keeper"]


def test_requests_while_a_build_runs_are_coalesced_into_one_more_build():
    release = threading.Event()
    reasons: list[str] = []

    def build(reason: str) -> str:
        reasons.append(reason)
        release.wait(10)
        return "built"

    keeper = IndexKeeper(Flask(__name__), build)
    keeper.request("first")
    poll_until(lambda: reasons, timeout=10)
    for _ in range(20):
        keeper.request("content or notices changed")
    release.set()
    poll_until(lambda: keeper.builds == 2, timeout=10)
    keeper.stop()
    assert reasons == ["first", "content or notices changed"]


def test_a_failed_build_is_logged_and_tried_again_until_it_succeeds(caplog):
    caplog.set_level(logging.WARNING)
    attempts = itertools.count(1)

    def build(reason: str) -> str:
        if next(attempts) < 3:
            raise OSError("database away")
        return "built"

    ticks = itertools.count(0, 100)  # each reading of the clock is 100 s later: no real waiting between tries
    keeper = IndexKeeper(Flask(__name__), build, clock=lambda: float(next(ticks)))
    keeper.request("damaged")
    poll_until(lambda: keeper.builds == 1, timeout=10)
    keeper.stop()
    failures = [r for r in caplog.records if "rebuild (damaged) failed" in r.getMessage()]
    assert len(failures) == 2 and any("rebuilt in the background" in r.getMessage() for r in caplog.records)


def test_stopping_says_whether_a_build_still_runs_so_its_connection_is_not_disposed_under_it():
    release = threading.Event()
    started = threading.Event()

    def build(reason: str) -> str:
        started.set()
        release.wait(10)
        return "built"

    keeper = IndexKeeper(Flask(__name__), build)
    keeper.request("missing")
    assert started.wait(10)
    assert keeper.stop(wait=0.05) is False  # still building: not yet safe to close the database
    release.set()
    assert keeper.stop(wait=10) is True
    assert keeper.builds == 1

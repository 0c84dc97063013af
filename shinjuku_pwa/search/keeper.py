"""The one background thread per process that builds this host's search index.

A resident's request never builds an index: it answers from what there is (the live build,
the last good one, or the database) and asks the keeper for a build. The keeper runs builds
one after another in its own thread, inside an app context, and coalesces requests: asking
while a build is pending or running costs nothing, and a build that finds the index already
current (another process on this host built it) is skipped by the build function itself.

Optionally (`follow_seconds`) the thread also reads the state versions every few seconds, so a
change made on another host reaches this one even when nobody is asking it anything.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask

log = logging.getLogger(__name__)

RETRY_AFTER_FAILURE_SECONDS = 30.0  # a build that failed (the database away) is not retried sooner


class IndexKeeper:
    """Runs `build(reason)` in a background thread when asked; `poll()` every `follow_seconds` if set.

    build returns a short description of what it did (for the log) or None when it had nothing to do.
    """

    def __init__(self, app: Flask, build: Callable[[str], str | None], poll: Callable[[], object] | None = None,
                 follow_seconds: float = 0.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self._build = build
        self._poll = poll
        self.follow_seconds = follow_seconds
        self._clock = clock
        self._wanted = threading.Event()
        self._pause = threading.Event()  # never set: the wait between a failed build and the next try
        self._reasons: list[str] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._failed_at: float | None = None
        self._stopping = False
        self.builds = 0  # completed builds, for tests and the log

    def request(self, reason: str) -> None:
        """Ask for a build (cheap and safe from any thread, any number of times)."""
        with self._lock:
            if reason not in self._reasons:
                self._reasons.append(reason)
        self._wanted.set()
        self.start()

    def start(self) -> None:
        """Start the thread unless it runs (also after a fork, which leaves no threads behind)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._run, name="search-index-keeper", daemon=True)
            self._thread.start()

    def stop(self, wait: float = 0.0) -> bool:
        """End the thread after what it is doing (for tests and orderly shutdowns); with `wait`, wait
        up to that many seconds for it. False while the thread still runs: a build may still hold a
        database connection, which an engine disposed meanwhile would leave to the garbage collector."""
        self._stopping = True
        self._pause.set()
        self._wanted.set()
        thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join(wait)
        return thread is None or not thread.is_alive()

    def _run(self) -> None:
        while not self._stopping:
            timeout = self.follow_seconds if self.follow_seconds > 0 else None
            asked = self._wanted.wait(timeout)
            if not asked:
                self._follow()
                continue
            if self._failed_at is not None and self._clock() - self._failed_at < RETRY_AFTER_FAILURE_SECONDS:
                self._pause.wait(RETRY_AFTER_FAILURE_SECONDS - (self._clock() - self._failed_at))
            if self._stopping:
                return
            self._wanted.clear()
            with self._lock:
                reasons, self._reasons = self._reasons, []
            self._build_once(", ".join(reasons) or "asked")

    def _follow(self) -> None:
        if self._poll is None:
            return
        try:
            with self.app.app_context():
                self._poll()
        except Exception:  # never let the thread die: log and poll again next time
            log.exception("search keeper: reading the state versions failed")

    def _build_once(self, reason: str) -> None:
        started = self._clock()
        try:
            with self.app.app_context():
                done = self._build(reason)
        except Exception:
            self._failed_at = self._clock()
            log.exception("Search index rebuild (%s) failed; retrying in %.0f s", reason, RETRY_AFTER_FAILURE_SECONDS)
            self.request(reason)  # tried again after the pause, until it succeeds or finds nothing to do
            return
        self._failed_at = None
        if done is not None:
            self.builds += 1
            log.warning("Search index rebuilt in the background (%s): %s in %.1f s", reason, done, self._clock() - started)

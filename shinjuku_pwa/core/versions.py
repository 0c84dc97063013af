"""Versions of what every process builds from the database: rendered anonymous pages and the
search index. Kept in the database, so a change made through any process on any host is seen by
all of them: a content import bumps CONTENT, publishing or expiring notices bumps NOTICES.

Each process holds a VersionWatcher that reads the versions at most every few seconds (one small
query) and tells its listeners (the page cache, the search index) what changed.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Mapping

from flask import Flask, current_app, request
from sqlalchemy import Integer, String, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .clock import utcnow
from .database import UtcDateTime
from .extensions import Model, db

log = logging.getLogger(__name__)

CONTENT = "content"  # pages, procedures, counters, life events and whatever content/ holds
NOTICES = "notices"  # which notices residents can see
NAMES = (CONTENT, NOTICES)

Versions = Mapping[str, int]
Listener = Callable[[Versions, Versions], None]  # (before, after)
# Health checks (composition/health.py) answer without the database: no version read for them.
UNWATCHED_PATHS = frozenset({"/healthz", "/readyz"})


class StateVersion(Model):
    __tablename__ = "state_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


def bump(session: Session, name: str) -> None:
    """Count one change of `name`, inside the caller's transaction (so it commits with the change)."""
    session.execute(
        update(StateVersion).where(StateVersion.name == name)
        .values(version=StateVersion.version + 1, changed_at=utcnow())
    )


def read_versions() -> dict[str, int]:
    return {name: version for name, version in db.session.execute(select(StateVersion.name, StateVersion.version))}


class VersionWatcher:
    """One per process: the versions as last read, refreshed at most every `interval` seconds.

    A failed read (the database away) keeps the last versions: what was built from them stays
    served, and the next read after the interval tries again.
    """

    def __init__(self, interval: float, read: Callable[[], Versions] = read_versions,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self._read = read
        self._clock = clock
        self._versions: Versions = {}
        self._checked_at: float | None = None
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def fresh(self) -> Versions | None:
        """The versions when they were read within the interval, else None: a caller that must
        not touch the database (core/fast_path.py) leaves the request to one that calls current()."""
        checked_at = self._checked_at
        if checked_at is None or self._clock() - checked_at >= self.interval:
            return None
        return self._versions

    def current(self) -> Versions:
        """The versions, read again when the last read is older than the interval."""
        now = self._clock()
        if self._checked_at is not None and now - self._checked_at < self.interval:
            return self._versions
        with self._lock:
            if self._checked_at is not None and now - self._checked_at < self.interval:
                return self._versions  # another thread read them meanwhile
            self._checked_at = now
            try:
                fresh = dict(self._read())
            except SQLAlchemyError:
                log.warning("could not read state versions; keeping %s", dict(self._versions))
                db.session.rollback()
                return self._versions
            before, self._versions = self._versions, fresh
        if before != fresh:
            for listener in self._listeners:
                listener(before, fresh)
        return fresh


def init_app(app: Flask) -> None:
    """Give the app its watcher; every request checks it (a query at most every interval)."""
    watcher = VersionWatcher(app.config["VERSION_POLL_SECONDS"])
    app.extensions["versions"] = watcher

    @app.before_request
    def check_versions() -> None:  # returns nothing: a value here would become the response
        if request.path not in UNWATCHED_PATHS:
            watcher.current()


def watcher_of(app: Flask | None = None) -> VersionWatcher:
    """The process's watcher, for listeners to subscribe (the page cache, the search index)."""
    watcher: VersionWatcher = (app or current_app).extensions["versions"]
    return watcher

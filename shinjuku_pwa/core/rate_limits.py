"""Where rate limits and lock-outs are counted, so every process counts the same attempts.

With REDIS_URL: Redis (flask-limiter's own storage), shared by every process on every host.
Without it (the embedded default): a small SQLite file beside the instance's other machine-local
state, `INSTANCE_PATH/rate_limits.sqlite3`, shared by every process of this host (gunicorn's
workers, `make run`, several apps on one instance folder). A count is one row per attempt; an
attempt is taken under SQLite's write lock (BEGIN IMMEDIATE), so two processes never both take
the last one. Not the application database: it works the same whatever DATABASE_URL is, and a
database outage does not unlock sign-in. Several hosts without Redis would each count their own:
set REDIS_URL when there is more than one host (README "Running in production").
"""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from limits.storage import MovingWindowSupport, Storage

SCHEME = "shinjuku-sqlite"
FILE_NAME = "rate_limits.sqlite3"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at REAL NOT NULL, expires REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS hits_key_at ON hits (key, at)",
    "CREATE INDEX IF NOT EXISTS hits_expires ON hits (expires)",
    "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL)",
)


def local_storage_uri(instance_path: str | Path) -> str:
    """The storage URI for this host's shared file (an absolute path: four slashes)."""
    return f"{SCHEME}:///{Path(instance_path).resolve() / FILE_NAME}"


class SqliteFileStorage(Storage, MovingWindowSupport):
    """A `limits` storage in one SQLite file; flask-limiter finds it by its URI scheme."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        if not uri or not uri.startswith(f"{SCHEME}:///"):
            raise ValueError(f"expected {SCHEME}:///path/to/file, got {uri!r}")
        self.path = uri[len(f"{SCHEME}://"):]
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        with self._transaction() as connection:
            for statement in _SCHEMA:
                connection.execute(statement)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction on a fresh connection (safe across threads and forks)."""
        with closing(sqlite3.connect(self.path, timeout=15, isolation_level=None)) as connection:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    # Moving window: one row per attempt, counted while it is younger than the window.

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        with self._transaction() as connection:
            connection.execute("DELETE FROM hits WHERE expires <= ?", (now,))
            (count,) = connection.execute("SELECT COUNT(*) FROM hits WHERE key = ? AND at > ?", (key, now - expiry)).fetchone()
            if count + amount > limit:
                return False
            connection.executemany("INSERT INTO hits (key, at, expires) VALUES (?, ?, ?)", [(key, now, now + expiry)] * amount)
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        with self._transaction() as connection:
            oldest, count = connection.execute(
                "SELECT MIN(at), COUNT(*) FROM hits WHERE key = ? AND at > ?", (key, now - expiry)
            ).fetchone()
        return (oldest if count else now), count

    # Fixed window (flask-limiter's other strategies): one counter per key with its expiry.

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._transaction() as connection:
            connection.execute("DELETE FROM counters WHERE key = ? AND expires <= ?", (key, now))
            connection.execute(
                "INSERT INTO counters (key, value, expires) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
                (key, amount, now + expiry),
            )
            (value,) = connection.execute("SELECT value FROM counters WHERE key = ?", (key,)).fetchone()
        return int(value)

    def get(self, key: str) -> int:
        with self._transaction() as connection:
            row = connection.execute("SELECT value FROM counters WHERE key = ? AND expires > ?", (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        with self._transaction() as connection:
            row = connection.execute("SELECT expires FROM counters WHERE key = ?", (key,)).fetchone()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            with self._transaction() as connection:
                connection.execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        with self._transaction() as connection:
            removed = connection.execute("DELETE FROM hits").rowcount + connection.execute("DELETE FROM counters").rowcount
        return removed

    def clear(self, key: str) -> None:
        with self._transaction() as connection:
            connection.execute("DELETE FROM hits WHERE key = ?", (key,))
            connection.execute("DELETE FROM counters WHERE key = ?", (key,))

"""Database behaviour that differs between SQLite and PostgreSQL, in one place.

SQLite: WAL so readers never wait for the worker, a busy timeout instead of instant
"database is locked", and BEGIN IMMEDIATE on request for claims that must not race
(pysqlite's own transaction handling would start them as deferred reads).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import DateTime, Dialect, event
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from .extensions import db

# Largest value of an INTEGER column on PostgreSQL (SQLite's is larger); ids from outside are checked against it.
MAX_ROW_ID = 2**31 - 1

IMMEDIATE = "shinjuku_begin_immediate"


def _configure_sqlite(engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 15000")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def init_app(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


@contextmanager
def write_transaction() -> Iterator[Session]:
    """A transaction that holds the write lock from its first statement (SQLite), committed at the end.

    On PostgreSQL row locks (FOR UPDATE SKIP LOCKED, UPDATE ... RETURNING) do this job, so it is a
    plain transaction there.
    """
    session = db.session()  # the request's (or CLI's) Session behind the scoped proxy
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={IMMEDIATE: True} if is_sqlite() else {})
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on SQLite (which stores no zone) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give times with a timezone")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)

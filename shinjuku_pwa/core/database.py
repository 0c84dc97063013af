"""Database behaviour that differs between SQLite and PostgreSQL, in one place.

SQLite: WAL so readers never wait for writers, a busy timeout instead of instant "database is
locked", and every write under a write lock taken with BEGIN IMMEDIATE:

- claims that must not race ask for it up front (`write_transaction`);
- any other transaction starts as a plain (deferred) read and takes the lock at its first write.
  A read transaction cannot be upgraded to a write once another process has written since it
  began: SQLite answers "database is locked" at once, without waiting out the busy timeout. So
  before the first write the read part is ended (it wrote nothing) and BEGIN IMMEDIATE waits for
  the lock within the busy timeout. The write then sees the database as of that moment, as a
  statement does under PostgreSQL's READ COMMITTED; rules that must hold across the read and the
  write are written as one statement (an upsert, a conditional UPDATE) or in `write_transaction`.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import DateTime, Dialect, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from .extensions import db

# Largest value of an INTEGER column on PostgreSQL (SQLite's is larger); ids from outside are checked against it.
MAX_ROW_ID = 2**31 - 1

IMMEDIATE = "shinjuku_begin_immediate"
# Per SQLite connection: False while its transaction has only read (BEGIN), True once it holds the write lock.
_HOLDS_WRITE_LOCK = "shinjuku_holds_write_lock"
# Statements that never write; anything else (INSERT, UPDATE, DELETE, DDL, SAVEPOINT, WITH ...) takes the lock first.
_READS = ("SELECT", "PRAGMA", "EXPLAIN", "BEGIN", "COMMIT", "ROLLBAC")


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
        immediate = bool(connection.get_execution_options().get(IMMEDIATE))
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        connection.info[_HOLDS_WRITE_LOCK] = immediate

    @event.listens_for(engine, "before_cursor_execute")
    def lock_before_first_write(connection, cursor, statement, parameters, context, executemany) -> None:
        if connection.info.get(_HOLDS_WRITE_LOCK, True) or statement.lstrip()[:7].upper().startswith(_READS):
            return
        if not cursor.connection.in_transaction:  # no read snapshot to upgrade: the statement waits itself
            return
        connection.info[_HOLDS_WRITE_LOCK] = True
        try:
            cursor.execute("COMMIT")  # only reads so far: nothing is lost
        except sqlite3.OperationalError:
            return  # a read still in progress holds the snapshot: write within it, as SQLite alone would
        cursor.execute("BEGIN IMMEDIATE")

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def on_end(connection) -> None:
        connection.info.pop(_HOLDS_WRITE_LOCK, None)


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


def insert_unless_exists(model: Any, values: dict[str, Any], unique: list[str]) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the new row's id, or None when a row with the
    same unique key is already there. Two requests racing to create the same row both succeed
    (one creates it, the other finds it) instead of one failing on the unique constraint."""
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(model).values(**values).on_conflict_do_nothing(index_elements=unique).returning(model.id)
    return db.session.execute(statement).scalar()


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

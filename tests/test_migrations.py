"""The schema is made by migrations alone, and they match the models, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.notices.models import Notice
from shinjuku_pwa.staff.models import AuditLog
from tests.conftest import MIGRATIONS, ON_POSTGRES


def test_migrations_create_exactly_what_the_models_describe(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_run_down_and_up_again(app):
    with app.app_context():
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=MIGRATIONS)
        assert {"pages", "page_translations", "categories", "departments", "page_feedback"} <= set(
            inspect(db.engine).get_table_names()
        )


def test_the_suite_runs_on_the_database_it_was_asked_for(app):
    with app.app_context():
        assert db.engine.dialect.name == ("postgresql" if ON_POSTGRES else "sqlite")


def _chain() -> list[tuple[str, str]]:
    """(file name, revision) from the first migration to the head, following down_revision."""
    revisions = {}
    for path in Path(MIGRATIONS, "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision = re.search(r"^revision = '([^']+)'", text, re.M).group(1)
        down = re.search(r"^down_revision = (?:'([^']+)'|None)", text, re.M).group(1)
        revisions[down] = (path.name, revision)
    chain, down = [], None
    while down in revisions:
        name, down = revisions[down]
        chain.append((name, down))
    assert len(chain) == len(revisions), "every migration is on one chain"
    return chain


def test_migration_files_sort_in_the_order_they_run():
    names = [name for name, _revision in _chain()]
    assert names == sorted(names)


def test_times_stored_by_older_code_are_read_back_as_utc(app):
    """0007: text with an offset (SQLite) or a column without a time zone (PostgreSQL) becomes UTC."""
    with app.app_context():
        downgrade(directory=MIGRATIONS, revision="0006_furigana")
        with db.engine.begin() as connection:
            if ON_POSTGRES:
                connection.execute(text("ALTER TABLE notices ALTER COLUMN publish_at TYPE timestamp without time zone"))
                written = "2020-01-01 00:30:00"
            else:
                written = "2020-01-01T09:30:00+09:00"
            connection.execute(text(
                "INSERT INTO notices (title, body, topics, publish_at, push, urgency, ttl, state, created_at, updated_at)"
                " VALUES ('{}', '{}', '[]', :at, false, 'normal', 60, 'draft', :made, :made)"),
                {"at": written, "made": "2020-01-01 00:30:00+00:00"})
            connection.execute(text(
                "INSERT INTO audit_log (at, actor, action, object_type, details, via) VALUES (:at, 'test', 'x', 'y', '{}', 'cli')"),
                {"at": written})
        upgrade(directory=MIGRATIONS)
        expected = dt.datetime(2020, 1, 1, 0, 30, tzinfo=dt.UTC)
        assert db.session.scalars(select(Notice.publish_at)).one() == expected
        assert db.session.scalars(select(AuditLog.at).where(AuditLog.actor == "test")).one() == expected
        # Compared in SQL too (text on SQLite): due a quarter of an hour later, not due before.
        later, earlier = expected + dt.timedelta(minutes=15), expected - dt.timedelta(minutes=15)
        assert db.session.scalars(select(Notice.id).where(Notice.publish_at <= later)).all() != []
        assert db.session.scalars(select(Notice.id).where(Notice.publish_at <= earlier)).all() == []
        assert db.session.scalars(select(AuditLog.id).where(AuditLog.at <= later, AuditLog.actor == "test")).all() != []
        if ON_POSTGRES:
            kind = db.session.execute(text(
                "SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name = 'notices' AND column_name = 'publish_at'")).scalar()
            assert kind == "timestamp with time zone"

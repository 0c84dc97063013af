"""The schema is made by migrations alone, and they match the models, on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from shinjuku_pwa.core.extensions import db
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

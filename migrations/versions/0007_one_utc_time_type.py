"""one UTC time type: every timestamp column is stored as UTC

Revision ID: 0007_utc_times
Revises: 0006_furigana
Create Date: 2026-12-06 18:00:00

Every timestamp column now uses core.database.UtcDateTime. On PostgreSQL each is
`timestamp with time zone`; a column that is not (made by hand, or by an old tool) is converted,
reading its values as UTC. On SQLite, which keeps text, a value written with an offset
('2026-12-06T09:00:00+09:00', '...Z') is rewritten as the naive UTC text UtcDateTime reads,
so comparisons between rows stay right.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_utc_times'
down_revision = '0006_furigana'
branch_labels = None
depends_on = None

TIMESTAMP_COLUMNS = {
    'pages': ['updated_at'],
    'page_translations': ['updated_at'],
    'procedures': ['updated_at'],
    'procedure_translations': ['updated_at'],
    'counters': ['updated_at'],
    'life_events': ['updated_at'],
    'staff_users': ['created_at', 'password_changed_at', 'last_sign_in_at'],
    'staff_sessions': ['created_at', 'last_seen_at'],
    'api_tokens': ['created_at', 'last_used_at', 'revoked_at'],
    'audit_log': ['at'],
    'notices': ['publish_at', 'expires_at', 'created_at', 'updated_at', 'published_at'],
    'push_subscriptions': ['created_at', 'updated_at'],
    'push_deliveries': ['next_attempt_at', 'lease_until', 'sent_at'],
}


def _existing(bind):
    tables = set(sa.inspect(bind).get_table_names())
    for table, columns in TIMESTAMP_COLUMNS.items():
        if table in tables:
            present = {c['name'] for c in sa.inspect(bind).get_columns(table)}
            yield table, [c for c in columns if c in present]


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        for table, columns in _existing(bind):
            for column in columns:
                kind = bind.execute(sa.text(
                    "SELECT data_type FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND table_name = :t AND column_name = :c"),
                    {'t': table, 'c': column}).scalar()
                if kind == 'timestamp without time zone':
                    op.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE timestamptz'
                               f' USING "{column}" AT TIME ZONE \'UTC\'')
    elif bind.dialect.name == 'sqlite':
        for table, columns in _existing(bind):
            if table == 'audit_log':
                # Its triggers refuse any UPDATE; the values change form only, never meaning.
                for event in ('update', 'delete'):
                    op.execute(f'DROP TRIGGER IF EXISTS audit_log_no_{event}')
            for column in columns:
                # strftime() reads the offset and answers in UTC; microseconds are kept from the text.
                op.execute(
                    f'UPDATE "{table}" SET "{column}" = strftime(\'%Y-%m-%d %H:%M:%S\', "{column}")'
                    f' || CASE WHEN instr("{column}", \'.\') > 0 THEN substr("{column}", instr("{column}", \'.\'), 7)'
                    f' ELSE \'.000000\' END'
                    f' WHERE "{column}" LIKE \'%T%\' OR "{column}" LIKE \'%+__:__\''
                    f' OR "{column}" LIKE \'%-__:__\' OR "{column}" LIKE \'%Z\'')
            if table == 'audit_log':
                for event in ('UPDATE', 'DELETE'):
                    op.execute(f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                               "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")


def downgrade():
    pass  # the normalised values are what every earlier revision expects too

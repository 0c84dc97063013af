"""state versions: what pages and the search index are built from, counted in the database

Revision ID: 0008_state_versions
Revises: 0007_utc_times
Create Date: 2026-12-06 20:00:00

"""
import datetime as dt

from alembic import op
import sqlalchemy as sa


revision = '0008_state_versions'
down_revision = '0007_utc_times'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'state_versions',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)  # UTC, as UtcDateTime stores it
    op.bulk_insert(table, [{'name': name, 'version': 0, 'changed_at': now} for name in ('content', 'notices')])


def downgrade():
    op.drop_table('state_versions')

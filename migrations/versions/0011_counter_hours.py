"""counters: opening hours as data (days, times, closures), worded per language when shown (issue 16)

Revision ID: 0011_counter_hours
Revises: 0009_notice_templates
Create Date: 2026-12-07 00:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_counter_hours'
down_revision = '0009_notice_templates'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('counters') as batch_op:
        batch_op.add_column(sa.Column('hours', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('counters') as batch_op:
        batch_op.drop_column('hours')

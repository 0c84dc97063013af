"""departments: which locales of a free-text location are machine translations, so pages say so

Revision ID: 0012_department_location_mt
Revises: 0011_counter_hours
Create Date: 2026-12-07 04:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_department_location_mt'
down_revision = '0011_counter_hours'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('departments') as batch_op:
        batch_op.add_column(sa.Column('location_machine_translated', sa.JSON(), nullable=False, server_default='[]'))
    # The import compares departments by file hash alone: forget it, so the next import fills the column.
    op.execute("UPDATE departments SET content_hash = ''")


def downgrade():
    with op.batch_alter_table('departments') as batch_op:
        batch_op.drop_column('location_machine_translated')

"""notice templates: reviewed texts with typed blanks, their value lists, a notice's template and its machine-translated locales

Revision ID: 0009_notice_templates
Revises: 0009_garbage_open_data
Create Date: 2026-12-06 20:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_notice_templates'
down_revision = '0009_garbage_open_data'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notice_templates',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('definition', sa.JSON(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('published', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'notice_template_values',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('definition', sa.JSON(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('published', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    with op.batch_alter_table('notices') as batch:
        batch.add_column(sa.Column('template_id', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('template_fields', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('machine_translated', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('notices') as batch:
        batch.drop_column('machine_translated')
        batch.drop_column('template_fields')
        batch.drop_column('template_id')
    op.drop_table('notice_template_values')
    op.drop_table('notice_templates')

"""garbage sorting dictionary, official open datasets, wide-area evacuation sites

Revision ID: 0009_garbage_open_data
Revises: 0008_state_versions
Create Date: 2026-12-06 20:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_garbage_open_data'
down_revision = '0008_state_versions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('garbage_categories',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('group', sa.String(length=32), nullable=False),
    sa.Column('oversized', sa.Boolean(), nullable=False),
    sa.Column('page', sa.String(length=100), nullable=True),
    sa.Column('colour', sa.String(length=16), nullable=False),
    sa.Column('icon', sa.String(length=32), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('garbage_items',
    sa.Column('official_id', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('official_name', sa.Text(), nullable=False),
    sa.Column('official_category', sa.Text(), nullable=False),
    sa.Column('official_note', sa.Text(), nullable=True),
    sa.Column('category_id', sa.String(length=64), nullable=True),
    sa.Column('reading', sa.Text(), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('official_id')
    )
    op.create_index(op.f('ix_garbage_items_listed'), 'garbage_items', ['listed'], unique=False)
    op.create_table('garbage_item_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.String(length=32), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('also', sa.JSON(), nullable=False),
    sa.Column('translation', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['official_id'], ['garbage_items.official_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('official_id', 'locale', name='uq_garbage_item_translation_locale')
    )
    op.create_index(op.f('ix_garbage_item_translations_official_id'), 'garbage_item_translations', ['official_id'],
                    unique=False)
    op.create_table('garbage_differences',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('official_ids', sa.JSON(), nullable=False),
    sa.Column('category_now', sa.String(length=64), nullable=True),
    sa.Column('notices', sa.JSON(), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('open_datasets',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('evacuation_sites',
    sa.Column('official_id', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('kana', sa.Text(), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('postal_code', sa.String(length=16), nullable=True),
    sa.Column('hazards', sa.JSON(), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('official_id')
    )


def downgrade():
    op.drop_table('evacuation_sites')
    op.drop_table('open_datasets')
    op.drop_table('garbage_differences')
    op.drop_index(op.f('ix_garbage_item_translations_official_id'), table_name='garbage_item_translations')
    op.drop_table('garbage_item_translations')
    op.drop_index(op.f('ix_garbage_items_listed'), table_name='garbage_items')
    op.drop_table('garbage_items')
    op.drop_table('garbage_categories')

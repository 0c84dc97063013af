"""search misses: queries with no result, counted per locale

Revision ID: 0002_search
Revises: 0001
Create Date: 2026-11-26 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_search'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_misses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('query', sa.String(length=200), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('query', 'locale', name='uq_search_miss_query_locale')
    )


def downgrade():
    op.drop_table('search_misses')

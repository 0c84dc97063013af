"""furigana: page bodies with ruby readings, made at import

Revision ID: 0006_furigana
Revises: 0004_admin
Create Date: 2026-11-26 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_furigana'
down_revision = '0004_admin'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable: rows imported before this stay NULL (shown without furigana) until the next import.
    op.add_column('page_translations', sa.Column('body_ruby_html', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('page_translations') as batch_op:
        batch_op.drop_column('body_ruby_html')

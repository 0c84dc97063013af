"""procedures, procedure translations, counters, life events

Revision ID: 0003_procedures
Revises: 0002_search
Create Date: 2026-11-26 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_procedures'
down_revision = '0002_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('counters',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('address', sa.JSON(), nullable=False),
    sa.Column('handles', sa.JSON(), nullable=False),
    sa.Column('note', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('reviewed', sa.Date(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('life_events',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('procedures',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('department_id', sa.String(length=64), nullable=True),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedures_published'), ['published'], unique=False)

    op.create_table('procedure_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.String(length=100), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('who', sa.Text(), nullable=False),
    sa.Column('deadline_text', sa.String(length=300), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('fee_note', sa.String(length=300), nullable=False),
    sa.Column('online_service', sa.String(length=200), nullable=False),
    sa.Column('where_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('reviewed', sa.Date(), nullable=False),
    sa.Column('translation', sa.String(length=16), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('procedure_id', 'locale', name='uq_procedure_translation_locale')
    )
    with op.batch_alter_table('procedure_translations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_translations_procedure_id'), ['procedure_id'], unique=False)


def downgrade():
    with op.batch_alter_table('procedure_translations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_translations_procedure_id'))

    op.drop_table('procedure_translations')
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedures_published'))

    op.drop_table('procedures')
    op.drop_table('life_events')
    op.drop_table('counters')

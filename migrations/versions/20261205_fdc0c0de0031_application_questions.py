"""application questions: a listing's instructions for the supporting statement and its own questions

Revision ID: fdc0c0de0031
Revises: fdb0c0de0030
Create Date: 2026-12-05 06:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "fdc0c0de0031"
down_revision = "fdb0c0de0030"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statement_instructions", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("application_questions", sa.JSON(), server_default="[]", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.drop_column("application_questions")
        batch_op.drop_column("statement_instructions")

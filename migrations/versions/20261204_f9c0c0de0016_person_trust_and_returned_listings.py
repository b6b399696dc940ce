"""why a listing waits for review, and what a returned listing said when changes were requested

Revision ID: f9c0c0de0016
Revises: f8b0c0de0015
Create Date: 2026-12-04 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f9c0c0de0016"
down_revision = "f8b0c0de0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("vacancies") as batch:
        batch.add_column(sa.Column("review_reasons", sa.JSON(), nullable=False, server_default="[]"))
    # Null for decisions other than changes requested, and for requests made before this column.
    with op.batch_alter_table("moderation_decisions") as batch:
        batch.add_column(sa.Column("snapshot", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("moderation_decisions") as batch:
        batch.drop_column("snapshot")
    with op.batch_alter_table("vacancies") as batch:
        batch.drop_column("review_reasons")

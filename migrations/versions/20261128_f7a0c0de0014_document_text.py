"""the words of each supporting document, read at upload for moderation

Revision ID: f7a0c0de0014
Revises: f6f0c0de0013
Create Date: 2026-11-28 17:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f7a0c0de0014"
down_revision = "f6f0c0de0013"
branch_labels = None
depends_on = None


def upgrade():
    # Null: not read (a Word 97-2003 file, a scanned or protected PDF, or uploaded before this column).
    with op.batch_alter_table("vacancy_documents") as batch:
        batch.add_column(sa.Column("text", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("vacancy_documents") as batch:
        batch.drop_column("text")

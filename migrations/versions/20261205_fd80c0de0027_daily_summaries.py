"""daily summaries: staff who asked for one email a day about new applications

Revision ID: fd80c0de0027
Revises: fd50c0de0024
Create Date: 2026-12-05 03:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "fd80c0de0027"
down_revision = "fd50c0de0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "daily_summaries",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("covered_until", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_daily_summaries_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_daily_summaries")),
    )


def downgrade():
    op.drop_table("daily_summaries")

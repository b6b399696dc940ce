"""form submissions: one-time keys, so a form sent twice (a double click) makes one thing

Revision ID: fd20c0de0021
Revises: fd10c0de0020
Create Date: 2026-12-04 23:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "fd20c0de0021"
down_revision = "fd10c0de0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("result_path", sa.String(length=500), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("message_category", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_form_submissions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submissions")),
        sa.UniqueConstraint("key", name=op.f("uq_form_submissions_key")),
    )
    op.create_index(op.f("ix_form_submissions_created_at"), "form_submissions", ["created_at"])


def downgrade():
    op.drop_index(op.f("ix_form_submissions_created_at"), table_name="form_submissions")
    op.drop_table("form_submissions")

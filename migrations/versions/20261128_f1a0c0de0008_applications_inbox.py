"""applications inbox: notes, interview times, anonymised shortlisting

Revision ID: f1a0c0de0008
Revises: e4b2c0de0004
Create Date: 2026-11-28 14:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f1a0c0de0008"
down_revision = "e4b2c0de0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shortlisted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("interview_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("anonymise_applications", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    op.create_table(
        "application_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_notes_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_application_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_notes")),
    )
    with op.batch_alter_table("application_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_notes_application_id"), ["application_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("application_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_notes_application_id"))
    op.drop_table("application_notes")

    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.drop_column("anonymise_applications")

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("interview_at")
        batch_op.drop_column("shortlisted_at")

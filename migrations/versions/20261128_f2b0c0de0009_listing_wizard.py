"""listing wizard: supporting documents and rich text

Revision ID: f2b0c0de0009
Revises: f1a0c0de0008
Create Date: 2026-11-28 14:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f2b0c0de0009"
down_revision = "f1a0c0de0008"
branch_labels = None
depends_on = None


def upgrade():
    # Listings that exist already were written in one go: every section is answered.
    with op.batch_alter_table("vacancies") as batch:
        batch.add_column(sa.Column("unanswered_steps", sa.JSON(), server_default="[]", nullable=False))
    op.create_table(
        "vacancy_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_vacancy_documents_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["vacancies.id"],
            name=op.f("fk_vacancy_documents_vacancy_id_vacancies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vacancy_documents")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_vacancy_documents_stored_name")),
    )
    with op.batch_alter_table("vacancy_documents") as batch:
        batch.create_index(batch.f("ix_vacancy_documents_vacancy_id"), ["vacancy_id"], unique=False)


def downgrade():
    with op.batch_alter_table("vacancy_documents") as batch:
        batch.drop_index(batch.f("ix_vacancy_documents_vacancy_id"))
    op.drop_table("vacancy_documents")
    with op.batch_alter_table("vacancies") as batch:
        batch.drop_column("unanswered_steps")

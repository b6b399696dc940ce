"""listing management: extensions, endings and listing statistics

Revision ID: f3c0c0de0010
Revises: f2b0c0de0009
Create Date: 2026-11-28 14:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f3c0c0de0010"
down_revision = "f2b0c0de0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "closing_date_extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("extended_by_id", sa.Integer(), nullable=True),
        sa.Column("extended_at", sa.DateTime(), nullable=False),
        sa.Column("previous_closes_at", sa.DateTime(), nullable=False),
        sa.Column("closes_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["extended_by_id"],
            ["users.id"],
            name=op.f("fk_closing_date_extensions_extended_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["vacancies.id"],
            name=op.f("fk_closing_date_extensions_vacancy_id_vacancies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closing_date_extensions")),
    )
    with op.batch_alter_table("closing_date_extensions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_closing_date_extensions_vacancy_id"), ["vacancy_id"], unique=False
        )
    op.create_table(
        "vacancy_endings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.Column("filled", sa.Boolean(), nullable=True),
        sa.Column("through_marketplace", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ended_by_id"],
            ["users.id"],
            name=op.f("fk_vacancy_endings_ended_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["vacancies.id"],
            name=op.f("fk_vacancy_endings_vacancy_id_vacancies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vacancy_endings")),
        sa.UniqueConstraint("vacancy_id", name=op.f("uq_vacancy_endings_vacancy_id")),
    )


def downgrade():
    op.drop_table("vacancy_endings")
    with op.batch_alter_table("closing_date_extensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_closing_date_extensions_vacancy_id"))
    op.drop_table("closing_date_extensions")

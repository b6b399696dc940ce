"""equal opportunities: anonymous questionnaire answers, and whether an application's were given

Revision ID: fdb0c0de0030
Revises: fda0c0de0029
Create Date: 2026-12-05 04:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "fdb0c0de0030"
down_revision = "fda0c0de0029"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "equal_opportunities_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["vacancies.id"],
            name=op.f("fk_equal_opportunities_responses_vacancy_id_vacancies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_equal_opportunities_responses_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equal_opportunities_responses")),
    )
    op.create_index(
        op.f("ix_equal_opportunities_responses_vacancy_id"),
        "equal_opportunities_responses",
        ["vacancy_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_equal_opportunities_responses_organisation_id"),
        "equal_opportunities_responses",
        ["organisation_id"],
        unique=False,
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("equal_opportunities_answered", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("equal_opportunities_answered")
    op.drop_table("equal_opportunities_responses")

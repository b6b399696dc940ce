"""the schools of a trust that one listing covers

Revision ID: f6f0c0de0013
Revises: f5e0c0de0012
Create Date: 2026-11-28 15:35:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f6f0c0de0013"
down_revision = "f5e0c0de0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "vacancy_schools",
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["vacancies.id"],
            name=op.f("fk_vacancy_schools_vacancy_id_vacancies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_vacancy_schools_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("vacancy_id", "organisation_id", name=op.f("pk_vacancy_schools")),
    )
    op.create_index(
        op.f("ix_vacancy_schools_organisation_id"), "vacancy_schools", ["organisation_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_vacancy_schools_organisation_id"), table_name="vacancy_schools")
    op.drop_table("vacancy_schools")

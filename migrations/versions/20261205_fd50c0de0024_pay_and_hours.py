"""pay and hours: hours per week, full-time equivalent, term time only, actual pay and hourly rate on
vacancies

Revision ID: fd50c0de0024
Revises: fd40c0de0023
Create Date: 2026-12-05 03:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "fd50c0de0024"
down_revision = "fd40c0de0023"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hours_per_week", sa.Numeric(precision=4, scale=1), nullable=True))
        batch_op.add_column(sa.Column("fte", sa.Numeric(precision=3, scale=2), nullable=True))
        batch_op.add_column(
            sa.Column("term_time_only", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("actual_salary", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hourly_rate_pence", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.drop_column("hourly_rate_pence")
        batch_op.drop_column("actual_salary")
        batch_op.drop_column("term_time_only")
        batch_op.drop_column("fte")
        batch_op.drop_column("hours_per_week")

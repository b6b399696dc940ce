"""equal opportunities: the spell of a listing (times re-opened after closing) each answer was given in

Revision ID: fdf0c0de0034
Revises: fdd0c0de0032
Create Date: 2026-12-05 06:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "fdf0c0de0034"
down_revision = "fdd0c0de0032"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("equal_opportunities_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reopenings", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("equal_opportunities_responses", schema=None) as batch_op:
        batch_op.drop_column("reopenings")

"""withdrawal reason: why a candidate withdrew an application, when they chose to say

Revision ID: fd40c0de0023
Revises: fd30c0de0022
Create Date: 2026-12-05 03:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "fd40c0de0023"
down_revision = "fd30c0de0022"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("withdrawal_reason")

"""remember when an inactive account was warned before deletion

Revision ID: e7d4c0de0007
Revises: d36bf34515e0
Create Date: 2026-11-28 12:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e7d4c0de0007"
down_revision = "d36bf34515e0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inactivity_warned_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("inactivity_warned_at")

"""reports remember their source: a keyed digest of the network address, and when the reporter was verified

Revision ID: fad0c0de0017
Revises: f9c0c0de0016
Create Date: 2026-12-04 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "fad0c0de0017"
down_revision = "f9c0c0de0016"
branch_labels = None
depends_on = None


def upgrade():
    # Both null on older reports: their source was not recorded and they were never verified, so they
    # still reach moderators but no longer count towards hiding a listing.
    with op.batch_alter_table("listing_reports") as batch:
        batch.add_column(sa.Column("network_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("listing_reports") as batch:
        batch.drop_column("confirmed_at")
        batch.drop_column("network_key")

"""jobseeker profiles and application sections

Revision ID: f4d0c0de0011
Revises: f3c0c0de0010
Create Date: 2026-11-28 14:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f4d0c0de0011"
down_revision = "f3c0c0de0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "jobseeker_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("discoverable", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_jobseeker_profiles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobseeker_profiles")),
        sa.UniqueConstraint("user_id", name=op.f("uq_jobseeker_profiles_user_id")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answers", sa.JSON(), server_default=sa.text("'{}'"), nullable=False))


def downgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("answers")
    op.drop_table("jobseeker_profiles")

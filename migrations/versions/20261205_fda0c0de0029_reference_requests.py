"""reference requests: referees asked for a reference through an emailed single-use link

Revision ID: fda0c0de0029
Revises: fd90c0de0028
Create Date: 2026-12-05 04:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "fda0c0de0029"
down_revision = "fd90c0de0028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reference_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("referee_name", sa.String(length=200), nullable=False),
        sa.Column("referee_email", sa.String(length=320), nullable=False),
        sa.Column("referee_job_title", sa.String(length=200), nullable=False),
        sa.Column("referee_organisation", sa.String(length=200), nullable=False),
        sa.Column("relationship_given", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "requested", "received", "declined", name="referencestatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("link_expires_at", sa.DateTime(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("responded_at", sa.DateTime(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_reference_requests_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_reference_requests_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_requests")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_reference_requests_token_hash")),
    )
    op.create_index(
        op.f("ix_reference_requests_application_id"), "reference_requests", ["application_id"], unique=False
    )


def downgrade():
    op.drop_table("reference_requests")

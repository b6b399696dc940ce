"""application messages: the conversation between a school and a candidate, and schools' message templates

Revision ID: fd90c0de0028
Revises: fd80c0de0027
Create Date: 2026-12-05 03:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "fd90c0de0028"
down_revision = "fd80c0de0027"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "application_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("from_school", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_messages_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["users.id"],
            name=op.f("fk_application_messages_sender_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_messages")),
    )
    op.create_index(
        op.f("ix_application_messages_application_id"),
        "application_messages",
        ["application_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_application_messages_sender_id"), "application_messages", ["sender_id"], unique=False
    )
    op.create_table(
        "message_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_message_templates_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_templates")),
    )
    op.create_index(
        op.f("ix_message_templates_organisation_id"), "message_templates", ["organisation_id"], unique=False
    )


def downgrade():
    op.drop_table("message_templates")
    op.drop_table("application_messages")

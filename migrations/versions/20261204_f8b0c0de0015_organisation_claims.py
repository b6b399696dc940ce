"""claims to join an organisation carry the person's role and the decision's reason; known email domains

Revision ID: f8b0c0de0015
Revises: f7a0c0de0014
Create Date: 2026-12-04 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f8b0c0de0015"
down_revision = "f7a0c0de0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("join_requests") as batch:
        batch.add_column(sa.Column("statement", sa.String(length=1000), server_default="", nullable=False))
        batch.add_column(sa.Column("decision_reason", sa.String(length=2000), nullable=True))
    op.create_table(
        "organisation_email_domains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_organisation_email_domains_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_email_domains_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_email_domains")),
        sa.UniqueConstraint(
            "organisation_id", "domain", name=op.f("uq_organisation_email_domains_organisation_id")
        ),
    )
    with op.batch_alter_table("organisation_email_domains") as batch:
        batch.create_index(
            batch.f("ix_organisation_email_domains_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("organisation_email_domains") as batch:
        batch.drop_index(batch.f("ix_organisation_email_domains_organisation_id"))
    op.drop_table("organisation_email_domains")
    with op.batch_alter_table("join_requests") as batch:
        batch.drop_column("decision_reason")
        batch.drop_column("statement")

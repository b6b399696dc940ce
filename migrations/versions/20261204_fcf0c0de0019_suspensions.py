"""suspensions: an organisation's suspension and the listings it took down, as state, not read back from the log

Revision ID: fcf0c0de0019
Revises: fbe0c0de0018
Create Date: 2026-12-04 23:40:00

"""

import json

import sqlalchemy as sa
from alembic import op

revision = "fcf0c0de0019"
down_revision = "fbe0c0de0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "suspensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("suspended_at", sa.DateTime(), nullable=False),
        sa.Column("suspended_by_id", sa.Integer(), nullable=True),
        sa.Column("lifted_at", sa.DateTime(), nullable=True),
        sa.Column("lifted_by_id", sa.Integer(), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_suspensions_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["suspended_by_id"],
            ["users.id"],
            name=op.f("fk_suspensions_suspended_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lifted_by_id"],
            ["users.id"],
            name=op.f("fk_suspensions_lifted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suspensions")),
    )
    op.create_index(op.f("ix_suspensions_organisation_id"), "suspensions", ["organisation_id"])
    op.create_table(
        "suspended_listings",
        sa.Column("suspension_id", sa.Integer(), nullable=False),
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["suspension_id"],
            ["suspensions.id"],
            name=op.f("fk_suspended_listings_suspension_id_suspensions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["vacancies.id"],
            name=op.f("fk_suspended_listings_vacancy_id_vacancies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("suspension_id", "vacancy_id", name=op.f("pk_suspended_listings")),
    )
    _carry_over_open_suspensions()


def _carry_over_open_suspensions():
    """Organisations suspended before this table existed: their suspension comes from the last audit event."""
    connection = op.get_bind()
    suspended = connection.execute(
        sa.text("SELECT id, suspended_at FROM organisations WHERE suspended_at IS NOT NULL")
    ).all()
    for organisation_id, suspended_at in suspended:
        event = connection.execute(
            sa.text(
                "SELECT actor_id, reason, data FROM audit_events WHERE action = 'organisation.suspend'"
                " AND subject_type = 'organisation' AND subject_id = :id ORDER BY id DESC LIMIT 1"
            ),
            {"id": organisation_id},
        ).first()
        actor_id, reason, data = event if event else (None, "", {})
        if isinstance(data, str):  # SQLite hands JSON back as text
            data = json.loads(data)
        suspension_id = connection.execute(
            sa.text(
                "INSERT INTO suspensions (organisation_id, reason, suspended_at, suspended_by_id, lift_reason)"
                " VALUES (:organisation_id, :reason, :suspended_at, :actor_id, '') RETURNING id"
            ),
            {
                "organisation_id": organisation_id,
                "reason": reason or "",
                "suspended_at": suspended_at,
                "actor_id": actor_id,
            },
        ).scalar_one()
        for vacancy_id in (data or {}).get("removed_vacancy_ids", []):
            connection.execute(
                sa.text("INSERT INTO suspended_listings (suspension_id, vacancy_id) VALUES (:s, :v)"),
                {"s": suspension_id, "v": vacancy_id},
            )


def downgrade():
    op.drop_table("suspended_listings")
    op.drop_index(op.f("ix_suspensions_organisation_id"), table_name="suspensions")
    op.drop_table("suspensions")

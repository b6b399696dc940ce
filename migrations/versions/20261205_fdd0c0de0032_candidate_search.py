"""candidate search: jobseekers' opt-in preferences, the organisations they hide from, invitations to
apply and the messages about them, and the change log that feeds the candidate index

Revision ID: fdd0c0de0032
Revises: fdc0c0de0031
Create Date: 2026-12-05 06:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "fdd0c0de0032"
down_revision = "fdc0c0de0031"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "candidate_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("visible", sa.Boolean(), nullable=False),
        sa.Column("job_roles", sa.JSON(), nullable=False),
        sa.Column("phases", sa.JSON(), nullable=False),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("working_patterns", sa.JSON(), nullable=False),
        sa.Column("location", sa.String(length=100), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("radius", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_candidate_preferences_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_preferences")),
        sa.UniqueConstraint("user_id", name=op.f("uq_candidate_preferences_user_id")),
    )
    op.create_table(
        "candidate_excluded_organisations",
        sa.Column("preferences_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_candidate_excluded_organisations_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["preferences_id"],
            ["candidate_preferences.id"],
            name=op.f("fk_candidate_excluded_organisations_preferences_id_candidate_preferences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "preferences_id", "organisation_id", name=op.f("pk_candidate_excluded_organisations")
        ),
    )
    op.create_table(
        "candidate_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("jobseeker_id", sa.Integer(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("sent", "declined", "applied", name="invitationstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("responded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_candidate_invitations_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["jobseeker_id"],
            ["users.id"],
            name=op.f("fk_candidate_invitations_jobseeker_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_candidate_invitations_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["vacancies.id"],
            name=op.f("fk_candidate_invitations_vacancy_id_vacancies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_invitations")),
        sa.UniqueConstraint("vacancy_id", "jobseeker_id", name=op.f("uq_candidate_invitations_vacancy_id")),
    )
    op.create_index(
        op.f("ix_candidate_invitations_organisation_id"),
        "candidate_invitations",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_candidate_invitations_jobseeker_id"), "candidate_invitations", ["jobseeker_id"], unique=False
    )
    op.create_table(
        "candidate_invitation_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("from_school", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["candidate_invitations.id"],
            name=op.f("fk_candidate_invitation_messages_invitation_id_candidate_invitations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["users.id"],
            name=op.f("fk_candidate_invitation_messages_sender_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_invitation_messages")),
    )
    op.create_index(
        op.f("ix_candidate_invitation_messages_invitation_id"),
        "candidate_invitation_messages",
        ["invitation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_candidate_invitation_messages_sender_id"),
        "candidate_invitation_messages",
        ["sender_id"],
        unique=False,
    )
    op.create_table(
        "candidate_search_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_search_changes")),
    )
    op.create_index(
        op.f("ix_candidate_search_changes_user_id"), "candidate_search_changes", ["user_id"], unique=False
    )


def downgrade():
    op.drop_table("candidate_search_changes")
    op.drop_table("candidate_invitation_messages")
    op.drop_table("candidate_invitations")
    op.drop_table("candidate_excluded_organisations")
    op.drop_table("candidate_preferences")

"""saved jobs and job alerts

Revision ID: f5e0c0de0012
Revises: f4d0c0de0011
Create Date: 2026-11-28 14:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f5e0c0de0012"
down_revision = "f4d0c0de0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "saved_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("reminder_sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_saved_jobs_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["vacancies.id"],
            name=op.f("fk_saved_jobs_vacancy_id_vacancies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_jobs")),
        sa.UniqueConstraint("user_id", "vacancy_id", name=op.f("uq_saved_jobs_user_id")),
    )
    with op.batch_alter_table("saved_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_jobs_vacancy_id"), ["vacancy_id"], unique=False)

    op.create_table(
        "job_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("criteria_key", sa.String(length=64), nullable=False),
        sa.Column(
            "frequency",
            sa.Enum("daily", "weekly", name="alertfrequency", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("covered_until", sa.DateTime(), nullable=False),
        sa.Column("last_digest_at", sa.DateTime(), nullable=True),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_job_alerts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_alerts")),
    )
    with op.batch_alter_table("job_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_alerts_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_alerts_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_alerts_criteria_key"), ["criteria_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_alerts_frequency"), ["frequency"], unique=False)

    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["job_alerts.id"],
            name=op.f("fk_alert_deliveries_alert_id_job_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["vacancies.id"],
            name=op.f("fk_alert_deliveries_vacancy_id_vacancies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint("alert_id", "vacancy_id", name=op.f("uq_alert_deliveries_alert_id")),
    )
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_deliveries_vacancy_id"), ["vacancy_id"], unique=False)


def downgrade():
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_deliveries_vacancy_id"))
    op.drop_table("alert_deliveries")
    with op.batch_alter_table("job_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_alerts_frequency"))
        batch_op.drop_index(batch_op.f("ix_job_alerts_criteria_key"))
        batch_op.drop_index(batch_op.f("ix_job_alerts_email"))
        batch_op.drop_index(batch_op.f("ix_job_alerts_user_id"))
    op.drop_table("job_alerts")
    with op.batch_alter_table("saved_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_jobs_vacancy_id"))
    op.drop_table("saved_jobs")

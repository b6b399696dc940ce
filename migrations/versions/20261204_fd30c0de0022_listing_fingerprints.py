"""listing fingerprints: a content hash and MinHash band keys for duplicate checks by index; indexes on
vacancies.external_reference (the import's upsert key) and organisations.trust_id

Revision ID: fd30c0de0022
Revises: fd20c0de0021
Create Date: 2026-12-05 00:50:00

"""

import sqlalchemy as sa
from alembic import op

# The stored values must be exactly what the application computes, so the backfill uses the
# application's own pure functions (a later change to them needs a migration that recomputes).
from marketplace.vacancies import fingerprints

revision = "fd30c0de0022"
down_revision = "fd20c0de0021"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_vacancies_content_hash"), ["content_hash"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_vacancies_external_reference"), ["external_reference"], unique=False
        )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisations_trust_id"), ["trust_id"], unique=False)
    op.create_table(
        "vacancy_bands",
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["vacancies.id"],
            name=op.f("fk_vacancy_bands_vacancy_id_vacancies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("vacancy_id", "band", name=op.f("pk_vacancy_bands")),
    )
    op.create_index(
        "ix_vacancy_bands_organisation_id_key", "vacancy_bands", ["organisation_id", "key"], unique=False
    )
    _backfill()


def _backfill():
    """Fingerprint every existing listing, a batch at a time (keyset by id, so memory stays flat)."""
    connection = op.get_bind()
    vacancies = sa.table(
        "vacancies",
        sa.column("id", sa.Integer),
        sa.column("organisation_id", sa.Integer),
        sa.column("title", sa.String),
        sa.column("about_role", sa.Text),
        sa.column("content_hash", sa.String),
    )
    bands = sa.table(
        "vacancy_bands",
        sa.column("vacancy_id", sa.Integer),
        sa.column("band", sa.SmallInteger),
        sa.column("key", sa.BigInteger),
        sa.column("organisation_id", sa.Integer),
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(vacancies.c.id, vacancies.c.organisation_id, vacancies.c.title, vacancies.c.about_role)
            .where(vacancies.c.id > last)
            .order_by(vacancies.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        hashes, keys = [], []
        for vacancy_id, organisation_id, title, about_role in rows:
            hashes.append({"row_id": vacancy_id, "digest": fingerprints.content_hash(title, about_role)})
            keys += [
                {"vacancy_id": vacancy_id, "band": band, "key": key, "organisation_id": organisation_id}
                for band, key in enumerate(fingerprints.band_keys(title, about_role))
            ]
        connection.execute(
            vacancies.update()
            .where(vacancies.c.id == sa.bindparam("row_id"))
            .values(content_hash=sa.bindparam("digest")),
            hashes,
        )
        if keys:
            connection.execute(bands.insert(), keys)
        last = rows[-1][0]


def downgrade():
    op.drop_index("ix_vacancy_bands_organisation_id_key", table_name="vacancy_bands")
    op.drop_table("vacancy_bands")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisations_trust_id"))
    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vacancies_external_reference"))
        batch_op.drop_index(batch_op.f("ix_vacancies_content_hash"))
        batch_op.drop_column("content_hash")

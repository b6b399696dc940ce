"""organisation slugs, ages, region and suspension

Revision ID: d36bf34515e0
Revises: bc4ca09a42be
Create Date: 2026-11-28 11:53:50.648777

"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "d36bf34515e0"
down_revision = "bc4ca09a42be"
branch_labels = None
depends_on = None


def _slugify(text: str) -> str:
    # A frozen copy of marketplace.organisations.slugs.slugify: migrations must not change when the app does.
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return (
        re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace("&", " and ")).strip("-")[:120]
        or "organisation"
    )


def upgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slug", sa.String(length=130), nullable=True))
        batch_op.add_column(sa.Column("statutory_low_age", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("statutory_high_age", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("region", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("suspended_at", sa.DateTime(), nullable=True))

    connection = op.get_bind()
    organisations = sa.table("organisations", sa.column("id"), sa.column("name"), sa.column("slug"))
    taken: set[str] = set()
    for row in connection.execute(
        sa.select(organisations.c.id, organisations.c.name).order_by(organisations.c.id)
    ):
        slug = _slugify(row.name)
        if slug in taken:
            slug = f"{slug}-{row.id}"
        taken.add(slug)
        connection.execute(organisations.update().where(organisations.c.id == row.id).values(slug=slug))

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.alter_column("slug", existing_type=sa.String(length=130), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_organisations_slug"), ["slug"])


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_organisations_slug"), type_="unique")
        batch_op.drop_column("suspended_at")
        batch_op.drop_column("region")
        batch_op.drop_column("statutory_high_age")
        batch_op.drop_column("statutory_low_age")
        batch_op.drop_column("slug")

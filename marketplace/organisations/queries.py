"""Read side for organisations: which ones a member of staff may act for."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.organisations.models import Membership, Organisation


def organisation_ids_for(user: User) -> set[int]:
    """Organisations the user belongs to, plus every school of a trust they belong to."""
    direct = set(
        db.session.scalars(sa.select(Membership.organisation_id).where(Membership.user_id == user.id))
    )
    if not direct:
        return direct
    schools_of_trusts = db.session.scalars(
        sa.select(Organisation.id).where(Organisation.trust_id.in_(direct))
    )
    return direct | set(schools_of_trusts)


def organisations_for(user: User) -> list[Organisation]:
    ids = organisation_ids_for(user)
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)
        )
    )

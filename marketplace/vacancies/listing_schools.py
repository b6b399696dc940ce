"""The schools one listing covers: a trust can post one job that is at several of its schools.

A listing belongs to one organisation (the trust or a school) and may name further schools of the same
trust. Only schools of that trust can be named, so a listing never reaches into another trust's schools,
and who manages the listing is still decided by its own organisation alone.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.organisations.models import Organisation, OrganisationKind
from marketplace.vacancies.models import Vacancy


class SchoolsProblem(ValueError):
    """Schools that a listing cannot cover: the message is written for the person who chose them."""


def trust_of(organisation: Organisation) -> Organisation | None:
    """The trust whose schools a listing of this organisation may cover."""
    if organisation.kind == OrganisationKind.TRUST:
        return organisation
    return organisation.trust


def schools_of_trust(trust: Organisation) -> list[Organisation]:
    """The trust's schools, by name (the choices a trust's listing offers)."""
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.trust_id == trust.id, Organisation.kind == OrganisationKind.SCHOOL)
            .order_by(Organisation.name, Organisation.id)
        )
    )


def checked_schools(organisation: Organisation, school_ids: Iterable[int]) -> list[Organisation]:
    """The schools a listing of `organisation` would cover, checked: every one a school of its trust, and at
    least one when the listing is the trust's own. Raises SchoolsProblem otherwise."""
    wanted = list(dict.fromkeys(school_ids))
    is_trust = organisation.kind == OrganisationKind.TRUST
    if is_trust and not wanted:
        raise SchoolsProblem("Select at least one school the job is at")
    if not wanted:
        return []
    trust = trust_of(organisation)
    offered = {school.id: school for school in schools_of_trust(trust)} if trust is not None else {}
    if any(school_id not in offered for school_id in wanted):
        if trust is None:
            raise SchoolsProblem("This school is not part of a trust")
        raise SchoolsProblem(f"Select only schools of {trust.name}")
    return [offered[school_id] for school_id in wanted if school_id != organisation.id]


def set_schools(vacancy: Vacancy, schools: list[Organisation]) -> bool:
    """Make the listing cover these schools (already checked); says whether anything changed. Changing
    the collection marks the listing changed, so the search replica re-indexes it."""
    before = {school.id for school in vacancy.additional_schools}
    after = {school.id for school in schools}
    if before == after:
        return False
    vacancy.additional_schools = sorted(schools, key=lambda school: (school.name, school.id))
    return True


def still_fitting(vacancy: Vacancy, organisation: Organisation) -> list[Organisation]:
    """The listing's schools that still fit once it belongs to `organisation` (moving a draft)."""
    trust = trust_of(organisation)
    if trust is None:
        return []
    return [
        school
        for school in vacancy.additional_schools
        if school.trust_id == trust.id and school.id != organisation.id
    ]

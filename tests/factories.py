"""Factories with traits for building test data: `VacancyFactory(published=True)`."""

from __future__ import annotations

import datetime as dt

import factory
from factory.alchemy import SQLAlchemyModelFactory

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.db import uk_today, utcnow
from marketplace.extensions import db
from marketplace.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationEmailDomain,
    OrganisationKind,
)
from marketplace.permissions import Role
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: argon2id is deliberately slow


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password_hash = _PASSWORD_HASH
    role = Role.JOBSEEKER
    email_verified_at = factory.LazyFunction(utcnow)

    class Params:
        unverified = factory.Trait(email_verified_at=None)
        moderator = factory.Trait(role=Role.MODERATOR)
        hiring_staff = factory.Trait(role=Role.HIRING_STAFF)


class OrganisationFactory(BaseFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.SCHOOL
    urn = factory.Sequence(lambda n: str(100000 + n))
    name = factory.Sequence(lambda n: f"Riverside Academy {n}")
    phase = "secondary"
    type_name = "Academy converter"
    type_group = "Academies"
    religious_character = "Does not apply"
    street = "1 School Lane"
    town = "Leeds"
    county = "West Yorkshire"
    postcode = "LS1 1AA"
    latitude = 53.7997
    longitude = -1.5492
    website = "https://www.riverside.example.org"
    verified_at = factory.LazyFunction(utcnow)


class MembershipFactory(BaseFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, hiring_staff=True)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.ADMINISTRATOR
    # Members have been at their school for a year unless a test says otherwise (`new=True`): the
    # moderation policy reviews listings from members who joined recently.
    created_at = factory.LazyFunction(lambda: utcnow() - dt.timedelta(days=365))

    class Params:
        new = factory.Trait(created_at=factory.LazyFunction(utcnow))


class EmailDomainFactory(BaseFactory):
    """A domain a moderator recorded for the organisation: confirmed addresses on it join at once."""

    class Meta:
        model = OrganisationEmailDomain

    organisation = factory.SubFactory(OrganisationFactory)
    domain = "riverside.example.org"


def _in_days(days: int) -> dt.datetime:
    return (utcnow() + dt.timedelta(days=days)).replace(microsecond=0)


class VacancyFactory(BaseFactory):
    class Meta:
        model = Vacancy

    organisation = factory.SubFactory(OrganisationFactory)
    title = "Teacher of Mathematics"
    job_roles = factory.LazyFunction(lambda: ["teacher"])
    phases = factory.LazyFunction(lambda: ["secondary"])
    key_stages = factory.LazyFunction(lambda: ["ks3", "ks4"])
    subjects = factory.LazyFunction(lambda: ["Mathematics"])
    working_patterns = factory.LazyFunction(lambda: ["full_time"])
    contract_type = "permanent"
    salary = "Main pay range (MPR)"
    salary_minimum = 32916
    salary_maximum = 45352
    # The day it went live, when it did (never a later day than today): newest-first goes by it.
    publish_on = factory.LazyAttribute(
        lambda o: min(uk_today(getattr(o, "published_at", None) or utcnow()), uk_today())
    )
    closes_at = factory.LazyFunction(lambda: _in_days(21))
    ect_status = "ect_suitable"
    about_role = "We are looking for an enthusiastic teacher of mathematics to join our friendly department."
    what_school_offers = "Supportive colleagues and a generous training budget."
    how_to_apply = "marketplace"
    contact_email = "recruitment@riverside.example.org"
    status = VacancyStatus.DRAFT

    class Params:
        published = factory.Trait(status=VacancyStatus.PUBLISHED, published_at=factory.LazyFunction(utcnow))
        pending = factory.Trait(
            status=VacancyStatus.PENDING_REVIEW, submitted_at=factory.LazyFunction(utcnow)
        )


def listing_history(membership: Membership, count: int = 2) -> list[Vacancy]:
    """Listings this member posted for their organisation that went live before: enough (two, the default
    MARKETPLACE_MODERATION_PERSON_TRUSTED_AFTER) for the policy to stop reviewing theirs first."""
    return [
        VacancyFactory(
            organisation=membership.organisation,
            created_by=membership.user,
            published=True,
            title=f"Caretaker {number}",
            about_role="Look after the site and grounds.",
        )
        for number in range(1, count + 1)
    ]


class ApplicationFactory(BaseFactory):
    class Meta:
        model = Application

    vacancy = factory.SubFactory(VacancyFactory, published=True)
    jobseeker = factory.SubFactory(UserFactory)
    full_name = factory.LazyAttribute(lambda a: a.jobseeker.full_name)
    email = factory.LazyAttribute(lambda a: a.jobseeker.email)
    supporting_statement = "I have taught mathematics for six years and led our KS3 curriculum."
    status = ApplicationStatus.SUBMITTED
    submitted_at = factory.LazyFunction(utcnow)

    class Params:
        shortlisted = factory.Trait(
            status=ApplicationStatus.SHORTLISTED, shortlisted_at=factory.LazyFunction(utcnow)
        )
        interviewing = factory.Trait(
            status=ApplicationStatus.INTERVIEWING,
            shortlisted_at=factory.LazyFunction(utcnow),
            interview_at=factory.LazyFunction(lambda: _in_days(7)),
        )
        offered = factory.Trait(
            status=ApplicationStatus.OFFERED,
            shortlisted_at=factory.LazyFunction(utcnow),
            interview_at=factory.LazyFunction(lambda: _in_days(-1)),
        )

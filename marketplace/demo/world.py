"""The demo world: a seeded plan of organisations, vacancies, accounts and applications, and loading it.

The plan is a pure function of the current time and a fixed seed, so two loads into empty databases on
the same day produce the same world. Loading adds only what is missing, matching organisations on URN or
group UID, accounts on email address, vacancies on organisation and reference, applications on vacancy
and applicant; it never commits (the command does).
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password, verify_password
from marketplace.applications import summaries
from marketplace.applications.candidates import CandidateInvitation
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.db import utcnow
from marketplace.demo.adverts import Opening, parse_opening, write_advert
from marketplace.demo.candidates import load_demo_candidate
from marketplace.demo.claims import load_pending_claim
from marketplace.demo.conversation import load_conversation_and_references
from marketplace.demo.fair_recruitment import REFERENCE as CLOSED_REFERENCE
from marketplace.demo.fair_recruitment import load_closed_listing, load_recent_applications
from marketplace.demo.organisations import DEMO_SCHOOL_URN, ORGANISATIONS, DemoOrganisation
from marketplace.demo.reports import load_report_burst
from marketplace.demo.returned import load_returned_listing
from marketplace.extensions import db
from marketplace.organisations.models import Membership, MembershipRole, Organisation, OrganisationKind
from marketplace.permissions import Role
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.vocabulary import CLOSING_TIMES

SEED = 2026
# Shared by every demo account and printed by `marketplace demo`: published on purpose, never a secret.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105
REFERENCE_PREFIX = "DEMO-"
UK = ZoneInfo("Europe/London")

# How often schools pick each closing time: mid-morning and midday deadlines are the most common.
_CLOSING_TIME_WEIGHTS = {"08:00": 1, "09:00": 3, "12:00": 4, "15:00": 1, "23:59": 3}
assert set(_CLOSING_TIME_WEIGHTS) == set(CLOSING_TIMES)

# Statuses other than published, drawn at random from the listings of every organisation except the
# demo school (whose own mix is fixed in its openings, so its dashboard always shows each tab).
_RANDOM_STATUSES = {
    VacancyStatus.PENDING_REVIEW: 5,
    VacancyStatus.DRAFT: 2,
    VacancyStatus.SCHEDULED: 2,
    VacancyStatus.CLOSED: 2,
    VacancyStatus.EXPIRED: 1,
}


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: Role
    start_endpoint: str
    start_path: str  # used when the endpoint cannot be resolved
    start_note: str


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "school@demo.example.org",
        "Helen Ashworth",
        Role.HIRING_STAFF,
        "schools.dashboard",
        "/school",
        "the school dashboard of Kirkstall Valley Academy (administrator), with its applications inbox",
    ),
    DemoAccount(
        "moderator@demo.example.org",
        "Daniel Okafor",
        Role.MODERATOR,
        "moderators.queue",
        "/moderation",
        "the moderation queue of listings waiting for review",
    ),
    DemoAccount(
        "jobseeker@demo.example.org",
        "Priya Shah",
        Role.JOBSEEKER,
        "jobseekers.dashboard",
        "/your-account",
        "their account: profile, jobs that match it, and two applications to Kirkstall Valley Academy",
    ),
)
SCHOOL_ACCOUNT, MODERATOR_ACCOUNT, JOBSEEKER_ACCOUNT = ACCOUNTS

# The jobseeker's applications to the demo school: (opening at the demo school, supporting statement).
APPLICATIONS: tuple[tuple[str, str], ...] = (
    (
        "teacher Mathematics",
        "I have taught mathematics for six years in two comprehensive schools in West Yorkshire and currently "
        "teach Year 7 to Year 13 at an 11 to 18 academy in Bradford, where I lead our key stage 3 "
        "curriculum.\n\nOver the last two years I have rewritten our Year 7 and Year 8 schemes of work around a "
        "mastery approach, with short daily retrieval quizzes and carefully sequenced worked examples, and our "
        "end-of-year assessments show the gap between disadvantaged students and their peers narrowing. I also "
        "run the UKMT challenge club and mentor a trainee teacher each year.\n\nI was drawn to Kirkstall Valley "
        "Academy by your department's shared planning and your emphasis on calm, orderly classrooms, and I "
        "would love to teach A level again in your sixth form.",
    ),
    (
        "teacher Physics",
        "I studied physics at the University of Leeds and have taught science, specialising in physics, for six "
        "years, alongside mathematics.\n\nI enjoy making practical work count: I have reorganised our required "
        "practicals so that students plan, predict and explain rather than follow a recipe, and I run a Year 9 "
        "astronomy club that has doubled the number of students choosing triple science.\n\nI would welcome the "
        "chance to help more of your students choose physics beyond GCSE.",
    ),
)


# The demo school's live listing that received applications within the last day (for the daily summary).
RECENT_OPENING = "teacher Psychology"


@dataclass(frozen=True)
class PlannedVacancy:
    organisation_key: str
    reference: str
    opening: Opening
    values: dict[str, Any]  # Vacancy column values, except the organisation and who created it


@dataclass(frozen=True)
class PlannedApplication:
    reference: str
    supporting_statement: str
    submitted_at: dt.datetime


@dataclass(frozen=True)
class DemoPlan:
    organisations: tuple[DemoOrganisation, ...]
    verified_at: dict[str, dt.datetime]
    vacancies: tuple[PlannedVacancy, ...]
    applications: tuple[PlannedApplication, ...]


@dataclass
class DemoReport:
    """What a load added, what it found already there and what it had to leave alone."""

    created: Counter[str] = field(default_factory=Counter)
    vacancy_statuses: Counter[str] = field(default_factory=Counter)
    # Accounts that were already there and do not accept the demo password.
    accounts_with_other_passwords: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())


# --- planning ----------------------------------------------------------------------------------------------


def _uk_time(day: dt.date, hhmm: str) -> dt.datetime:
    """A wall-clock time in the UK on `day`, as an aware UTC datetime (GMT or BST as the date requires)."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=UK).astimezone(dt.UTC)


def _in_christmas_holiday(day: dt.date) -> bool:
    return (day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 3)


def _school_day(day: dt.date, step: int) -> dt.date:
    """Move to a weekday outside the Christmas holiday, searching forwards (step 1) or backwards (step -1)."""
    while not _is_school_day(day):
        day += dt.timedelta(days=step)
    return day


def _is_school_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not _in_christmas_holiday(day)


def _future_school_day(start: dt.date, fewest: int, most: int, rng: random.Random) -> dt.date:
    """A school day `fewest` to `most` days after `start`, evenly spread (no pile-up after a holiday)."""
    for _ in range(50):
        day = start + dt.timedelta(days=rng.randint(fewest, most))
        if _is_school_day(day):
            return day
    return _school_day(day, 1)


def _closing(rng: random.Random, day: dt.date) -> dt.datetime:
    times, weights = zip(*_CLOSING_TIME_WEIGHTS.items(), strict=True)
    return _uk_time(day, rng.choices(times, weights)[0])


def _working_hours(
    rng: random.Random, day: dt.date, now: dt.datetime, first: int = 7, last: int = 19
) -> dt.datetime:
    """Some time between `first` and `last` o'clock (UK) on `day`, but never later than a minute ago."""
    moment = _uk_time(day, f"{rng.randint(first, last):02d}:{rng.randrange(0, 60, 5):02d}")
    return min(moment, now - dt.timedelta(minutes=1))


def _dates(status: VacancyStatus, today: dt.date, now: dt.datetime, rng: random.Random) -> dict[str, Any]:
    """Publication, closing and status timestamps that make sense together for a listing in `status`."""
    days = dt.timedelta

    def closing_after(start: dt.date, fewest: int, most: int) -> dt.datetime:
        return _closing(rng, _future_school_day(start, fewest, most, rng))

    values: dict[str, Any] = {"submitted_at": None, "published_at": None}
    if status in (VacancyStatus.PUBLISHED, VacancyStatus.CLOSED, VacancyStatus.EXPIRED):
        if status is VacancyStatus.PUBLISHED:
            publish_on = today - days(rng.randint(0, 21))
            closes_at = closing_after(today, 7, 56)
            changed_at = None
        else:
            back = (14, 28) if status is VacancyStatus.CLOSED else (35, 56)
            publish_on = today - days(rng.randint(*back))
            closes_at = _closing(rng, _school_day(today - days(rng.randint(1, 10)), -1))
            changed_at = closes_at
        published_at = _working_hours(rng, publish_on, now, 7, 10)
        submitted_at = published_at - days(minutes=rng.randint(10, 180))
        values.update(
            publish_on=publish_on,
            closes_at=closes_at,
            submitted_at=submitted_at,
            published_at=published_at,
            status_changed_at=changed_at or published_at,
            created_at=submitted_at - days(hours=rng.randint(1, 72)),
        )
    elif status is VacancyStatus.PENDING_REVIEW:
        submitted_at = _working_hours(rng, today - days(rng.randint(0, 2)), now)
        values.update(
            publish_on=max(today, submitted_at.astimezone(UK).date()),
            closes_at=closing_after(today, 14, 56),
            submitted_at=submitted_at,
            status_changed_at=submitted_at,
            created_at=submitted_at - days(hours=rng.randint(1, 48)),
        )
    elif status is VacancyStatus.SCHEDULED:
        publish_on = today + days(rng.randint(2, 9))
        submitted_at = _working_hours(rng, today - days(rng.randint(1, 3)), now)
        values.update(
            publish_on=publish_on,
            closes_at=closing_after(publish_on, 14, 42),
            submitted_at=submitted_at,
            status_changed_at=min(submitted_at + days(hours=2), now),
            created_at=submitted_at - days(hours=rng.randint(1, 48)),
        )
    elif status is VacancyStatus.DRAFT:
        publish_on = today + days(rng.randint(0, 10))
        created_at = _working_hours(rng, today - days(rng.randint(0, 5)), now)
        values.update(
            publish_on=publish_on,
            closes_at=closing_after(publish_on, 14, 42),
            status_changed_at=created_at,
            created_at=created_at,
        )
    else:
        raise ValueError(f"the demo world has no {status} listings")
    values["updated_at"] = values["status_changed_at"]
    return values


def _assign_statuses(
    openings: list[tuple[DemoOrganisation, Opening]], rng: random.Random
) -> list[VacancyStatus]:
    statuses = [
        VacancyStatus(opening.status) if opening.status else VacancyStatus.PUBLISHED
        for _, opening in openings
    ]
    candidates = [
        i
        for i, (org, opening) in enumerate(openings)
        if org.key != DEMO_SCHOOL_URN and opening.status is None
    ]
    chosen = rng.sample(candidates, sum(_RANDOM_STATUSES.values()))
    for status, count in _RANDOM_STATUSES.items():
        for index in chosen[:count]:
            statuses[index] = status
        chosen = chosen[count:]
    return statuses


def plan_demo_world(now: dt.datetime) -> DemoPlan:
    """The whole demo world as of `now`, decided by the fixed seed alone."""
    rng = random.Random(SEED)  # noqa: S311  (repeatable demo data, nothing secret)
    today = now.astimezone(UK).date()
    verified_at = {org.key: now - dt.timedelta(days=rng.randint(30, 700)) for org in ORGANISATIONS}
    openings = [(org, parse_opening(text)) for org in ORGANISATIONS for text in org.openings]
    statuses = _assign_statuses(openings, rng)

    vacancies = []
    for number, ((org, opening), status) in enumerate(zip(openings, statuses, strict=True), start=1):
        dates = _dates(status, today, now, rng)
        advert = write_advert(
            org,
            opening,
            dates["closes_at"].astimezone(UK).date(),
            rng,
            marketplace_only=org.key == DEMO_SCHOOL_URN,
        )
        values = {
            **asdict(advert),
            **dates,
            "status": status,
            "external_reference": f"{REFERENCE_PREFIX}{number:03d}",
        }
        vacancies.append(PlannedVacancy(org.key, values["external_reference"], opening, values))

    applications = []
    for opening_text, statement in APPLICATIONS:
        wanted = parse_opening(opening_text)
        vacancy = next(v for v in vacancies if v.organisation_key == DEMO_SCHOOL_URN and v.opening == wanted)
        # The demo school's openings fix these listings as live and applied for through the marketplace.
        assert vacancy.values["status"] is VacancyStatus.PUBLISHED
        assert vacancy.values["how_to_apply"] == "marketplace"
        published_at = vacancy.values["published_at"]
        submitted_at = published_at + (now - published_at) * rng.uniform(0.3, 0.9)
        applications.append(
            PlannedApplication(vacancy.reference, statement, submitted_at.replace(microsecond=0))
        )
    return DemoPlan(ORGANISATIONS, verified_at, tuple(vacancies), tuple(applications))


# --- loading -----------------------------------------------------------------------------------------------


def database_has_organisations() -> bool:
    """True once any school or trust exists: `--if-empty` then leaves the database alone."""
    return db.session.scalar(sa.select(Organisation.id).limit(1)) is not None


def _new_organisation(spec: DemoOrganisation, verified_at: dt.datetime) -> Organisation:
    school = spec.kind == "school"
    return Organisation(
        kind=OrganisationKind.SCHOOL if school else OrganisationKind.TRUST,
        urn=spec.key if school else None,
        uid=None if school else spec.key,
        name=spec.name,
        phase=spec.phase,
        type_name=spec.type_name,
        type_group=spec.type_group,
        religious_character=spec.religious_character,
        street=spec.street,
        locality=spec.locality,
        town=spec.town,
        county=spec.county,
        postcode=spec.postcode,
        local_authority=spec.local_authority,
        latitude=spec.latitude,
        longitude=spec.longitude,
        website=spec.website,
        verified_at=verified_at,
    )


def _load_organisations(plan: DemoPlan, report: DemoReport) -> dict[str, Organisation]:
    urns = [o.key for o in plan.organisations if o.kind == "school"]
    uids = [o.key for o in plan.organisations if o.kind == "trust"]
    found = db.session.scalars(
        sa.select(Organisation).where(sa.or_(Organisation.urn.in_(urns), Organisation.uid.in_(uids)))
    ).all()
    existing = {(org.urn or org.uid): org for org in found}

    organisations: dict[str, Organisation] = {}
    for spec in plan.organisations:  # trusts come first, so member schools can point at them
        org = existing.get(spec.key)
        if org is not None and org.name != spec.name:
            # A real register entry holds this identifier: leave it, and its would-be listings, alone.
            report.conflicts.append(
                f"{'URN' if spec.kind == 'school' else 'UID'} {spec.key} already belongs "
                f"to {org.name}; skipped {spec.name} and its listings"
            )
            continue
        if org is None:
            org = _new_organisation(spec, plan.verified_at[spec.key])
            if spec.trust_uid in organisations:
                org.trust = organisations[spec.trust_uid]
            db.session.add(org)
            report.created["schools" if spec.kind == "school" else "trusts"] += 1
        organisations[spec.key] = org
    return organisations


def _load_accounts(now: dt.datetime, report: DemoReport) -> dict[str, User]:
    emails = [account.email for account in ACCOUNTS]
    found = db.session.scalars(sa.select(User).where(sa.func.lower(User.email).in_(emails))).all()
    users = {user.email.lower(): user for user in found}

    # argon2 is slow on purpose; the accounts share one password, so one hash (and one check of each
    # distinct existing hash) is enough.
    @functools.cache
    def accepts_demo_password(password_hash: str) -> bool:
        return verify_password(password_hash, DEMO_PASSWORD)

    demo_hash = None
    for account in ACCOUNTS:
        if account.email in users:
            if not accepts_demo_password(users[account.email].password_hash):
                report.accounts_with_other_passwords.append(account.email)
            continue
        demo_hash = demo_hash or hash_password(DEMO_PASSWORD)
        user = User(
            email=account.email,
            full_name=account.full_name,
            role=account.role,
            password_hash=demo_hash,
            email_verified_at=now,
        )
        db.session.add(user)
        users[account.email] = user
        report.created["accounts"] += 1
    return users


def _load_membership(
    school_user: User, school: Organisation | None, report: DemoReport, now: dt.datetime
) -> None:
    if school is None or school_user.role is not Role.HIRING_STAFF:
        return
    if (
        school.id is not None
        and school_user.id is not None
        and db.session.scalar(
            sa.select(Membership.id).filter_by(user_id=school_user.id, organisation_id=school.id)
        )
    ):
        return
    # A long-standing member, so the listings they submit in a demonstration face the policy as an
    # established colleague's would (new members' listings are reviewed first).
    db.session.add(
        Membership(
            user=school_user,
            organisation=school,
            role=MembershipRole.ADMINISTRATOR,
            created_at=now - dt.timedelta(days=730),
        )
    )
    report.created["memberships"] += 1


def load_demo_world(now: dt.datetime | None = None) -> DemoReport:
    """Add whatever part of the demo world is missing to the session; the caller commits."""
    now = (now or utcnow()).replace(microsecond=0)
    plan = plan_demo_world(now)
    report = DemoReport()

    organisations = _load_organisations(plan, report)
    users = _load_accounts(now, report)
    school_user = users[SCHOOL_ACCOUNT.email]
    demo_school = organisations.get(DEMO_SCHOOL_URN)
    _load_membership(school_user, demo_school, report, now)
    load_pending_claim(organisations, school_user.password_hash, now, report.created)
    db.session.flush()  # ids for the organisations, so existing listings can be matched
    if school_user.role is Role.HIRING_STAFF and not summaries.wants_daily_summary(school_user):
        # The demo school's first daily summary is due as soon as the worker runs.
        summaries.set_daily_summary(school_user, True, now=now - summaries.PERIOD)

    existing = {
        tuple(row)
        for row in db.session.execute(
            sa.select(Vacancy.organisation_id, Vacancy.external_reference).where(
                Vacancy.external_reference.startswith(REFERENCE_PREFIX)
            )
        )
    }
    vacancies: dict[str, Vacancy] = {}
    for planned in plan.vacancies:
        org = organisations.get(planned.organisation_key)
        if org is None or (org.id, planned.reference) in existing:
            continue
        vacancy = Vacancy(
            organisation=org, created_by=school_user if org is demo_school else None, **planned.values
        )
        db.session.add(vacancy)
        vacancies[planned.reference] = vacancy
        report.created["vacancies"] += 1
        report.vacancy_statuses[planned.values["status"]] += 1
    db.session.flush()

    jobseeker = users[JOBSEEKER_ACCOUNT.email]
    for planned in plan.applications:
        if demo_school is None:
            break
        vacancy = vacancies.get(planned.reference) or db.session.scalar(
            sa.select(Vacancy).filter_by(organisation_id=demo_school.id, external_reference=planned.reference)
        )
        if vacancy is None or db.session.scalar(
            sa.select(Application.id).filter_by(vacancy_id=vacancy.id, jobseeker_id=jobseeker.id)
        ):
            continue
        db.session.add(
            Application(
                vacancy=vacancy,
                jobseeker=jobseeker,
                full_name=jobseeker.full_name,
                email=jobseeker.email,
                supporting_statement=planned.supporting_statement,
                status=ApplicationStatus.SUBMITTED,
                submitted_at=planned.submitted_at,
                status_changed_at=planned.submitted_at,
                created_at=planned.submitted_at - dt.timedelta(minutes=40),
                updated_at=planned.submitted_at,
            )
        )
        report.created["applications"] += 1
    _load_returned_listing(demo_school, school_user, users[MODERATOR_ACCOUNT.email], now, report)
    db.session.flush()
    report.created["reports"] += load_report_burst(now, demo_school)
    if school_user.role is Role.HIRING_STAFF:
        _load_hiring(plan, demo_school, school_user, jobseeker, now, report)
    report.created["invitations"] += load_demo_candidate(demo_school, school_user, jobseeker, now)
    return report


@dataclass(frozen=True)
class TourStop:
    """A page of the demo school worth showing: where it is, and what it shows."""

    endpoint: str
    arguments: dict[str, int]
    note: str


def hiring_tour() -> list[TourStop]:
    """The demo school's hiring pages that show a conversation, references and the equal opportunities
    report, for the command to print (only those that exist in this database)."""
    school = db.session.scalar(sa.select(Organisation).filter_by(urn=DEMO_SCHOOL_URN))
    if school is None:
        return []
    stops = []
    application_id = db.session.scalar(
        sa.select(Application.id)
        .join(Vacancy)
        .join(User, User.id == Application.jobseeker_id)
        .where(Vacancy.organisation_id == school.id, sa.func.lower(User.email) == JOBSEEKER_ACCOUNT.email)
        .where(Application.status != ApplicationStatus.SUBMITTED)
        .order_by(Application.id)
    )
    if application_id is not None:
        stops.append(
            TourStop(
                "schools.application",
                {"application_id": application_id},
                "Priya Shah's shortlisted application: messages both ways (one unread), one reference "
                "received and one awaited",
            )
        )
    closed_id = db.session.scalar(
        sa.select(Vacancy.id).filter_by(organisation_id=school.id, external_reference=CLOSED_REFERENCE)
    )
    if closed_id is not None:
        stops.append(
            TourStop(
                "schools.vacancy_equal_opportunities_report",
                {"vacancy_id": closed_id},
                "the equal opportunities report of a closed listing with 14 applications",
            )
        )
    if db.session.scalar(sa.select(CandidateInvitation.id).filter_by(organisation_id=school.id)):
        stops.append(
            TourStop(
                "schools.find_candidates",
                {},
                "find candidates: jobseekers who let schools find them (the demo jobseeker among them, "
                "already invited to apply to one of the school's listings)",
            )
        )
    return stops


def _load_hiring(
    plan: DemoPlan,
    school: Organisation | None,
    school_user: User,
    jobseeker: User,
    now: dt.datetime,
    report: DemoReport,
) -> None:
    """The school's side of hiring: the mathematics application talked about and referenced, and a
    closed listing whose equal opportunities report has groups to show."""
    if school is None:
        return
    mathematics = plan.applications[0].reference
    application = db.session.scalar(
        sa.select(Application)
        .join(Vacancy)
        .where(
            Vacancy.organisation_id == school.id,
            Vacancy.external_reference == mathematics,
            Application.jobseeker_id == jobseeker.id,
        )
    )
    report.created.update(load_conversation_and_references(school_user, application, now))
    added = load_closed_listing(school, school_user, now)
    report.created.update(added)
    if added:
        report.vacancy_statuses[VacancyStatus.CLOSED] += added["vacancies"]
    db.session.flush()
    psychology = next(
        planned.reference
        for planned in plan.vacancies
        if planned.organisation_key == DEMO_SCHOOL_URN and planned.opening == parse_opening(RECENT_OPENING)
    )
    live = db.session.scalar(
        sa.select(Vacancy).filter_by(organisation_id=school.id, external_reference=psychology)
    )
    report.created["applications"] += load_recent_applications(live, now)


def _load_returned_listing(
    school: Organisation | None, school_user: User, moderator: User, now: dt.datetime, report: DemoReport
) -> None:
    """The listing waiting for review after "request changes", with the school's reply."""
    if load_returned_listing(school, school_user, moderator, now) is not None:
        report.created["vacancies"] += 1
        report.vacancy_statuses[VacancyStatus.PENDING_REVIEW] += 1

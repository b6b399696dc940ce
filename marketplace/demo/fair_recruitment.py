"""A demo listing that has closed with fourteen applications, twelve with equal opportunities answers.

The candidates applied and answered the optional questions while the listing was open, through the same
service the questionnaire page uses, so the answers are stored unlinked like real ones. They are chosen so
the listing's report shows some groups and folds others, small groups (and, where needed, the next
smallest one) counted together, and for one question shows no group at all.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.applications import equal_opportunities
from marketplace.applications.equal_opportunities import PREFER_NOT
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.db import UK
from marketplace.extensions import db
from marketplace.organisations.models import Organisation
from marketplace.permissions import Role
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy

REFERENCE = "DEMO-CLOSED"
TITLE = "Teacher of History"
CANDIDATE_DOMAIN = "candidates.demo.example.org"

CANDIDATES = (
    "Amelia Brooke",
    "Bilal Hussain",
    "Chloe Fenwick",
    "Daniel Mensah",
    "Eleanor Pickering",
    "Fatima Begum",
    "George Whitaker",
    "Hannah Lowe",
    "Isaac Adeyemi",
    "Jessica Thornton",
    "Kieran Walsh",
    "Laura Sutcliffe",
    "Mohammed Iqbal",
    "Natalie Greenwood",
)
CANDIDATE_EMAILS = tuple(f"{name.lower().replace(' ', '.')}@{CANDIDATE_DOMAIN}" for name in CANDIDATES)
P = PREFER_NOT
# One list per question, one answer per candidate in the order above (the last ones did not answer).
ANSWERS = {
    "sex": ("Female",) * 7 + ("Male",) * 4 + (P,),
    "age": ("25 to 29",) * 5 + ("30 to 39",) * 5 + ("40 to 49",) * 2,
    "gender_identity": ("Yes",) * 10 + (P,) * 2,
    "ethnicity": ("White",) * 4
    + ("Asian or Asian British",) * 3
    + ("White",) * 3
    + ("Black, Black British, Caribbean or African", "Mixed or multiple ethnic groups"),
    "disability": ("No",) * 7 + ("Yes",) * 2 + (P,) * 3,
    "religion": ("No religion",) * 6 + ("Christian",) * 4 + ("Muslim", P),
    "sexual_orientation": ("Heterosexual or straight",) * 9 + ("Gay or lesbian", "Bisexual", P),
}
STATEMENTS = (
    "I have taught history at key stages 3 and 4 for {years} years and love helping students weigh up "
    "evidence and argue a case. I run our school's history society and its trips to the Royal Armouries.",
    "After {years} years teaching history and politics, I would welcome the chance to teach A level in "
    "your sixth form. My students' coursework results have risen each year since I redesigned our NEA "
    "support.",
    "I am a history specialist with {years} years in secondary schools in Leeds and Wakefield. I lead our "
    "key stage 3 curriculum and have built a local history unit on Kirkstall Abbey.",
)


def load_closed_listing(school: Organisation | None, school_user: User, now: dt.datetime) -> dict[str, int]:
    """Add the closed listing, its candidates, their applications and their answers unless the listing is
    there already (the caller commits); returns how many of each were added."""
    if school is None or school.id is None:
        return {}
    if db.session.scalar(
        sa.select(Vacancy.id).filter_by(organisation_id=school.id, external_reference=REFERENCE)
    ):
        return {}
    today = now.astimezone(UK).date()

    def uk_noon(days_ago: int) -> dt.datetime:
        day = today - dt.timedelta(days=days_ago)
        return dt.datetime.combine(day, dt.time(12), tzinfo=UK).astimezone(dt.UTC)

    published_at, closes_at = uk_noon(30), uk_noon(5)
    vacancy = Vacancy(
        organisation=school,
        created_by=school_user,
        title=TITLE,
        job_roles=["teacher"],
        phases=["secondary"],
        key_stages=["ks3", "ks4", "ks5"],
        subjects=["History"],
        working_patterns=["full_time"],
        contract_type="permanent",
        salary="Main pay range (MPR) or upper pay range (UPR)",
        salary_minimum=32916,
        salary_maximum=51048,
        publish_on=published_at.astimezone(UK).date(),
        closes_at=closes_at,
        about_role="You will teach history across key stages 3 to 5 in a department of five specialists, "
        "with a shared curriculum built around enquiry questions and regular visits to the region's "
        "museums and archives. Our sixth form offers A level history and politics, and about a third of "
        "each Year 9 cohort chooses history at GCSE. Every new colleague has a mentor and a reduced "
        "timetable for their first term.",
        what_school_offers="A supportive department, a generous training budget and a calm, orderly school.",
        how_to_apply="marketplace",
        contact_email=school_user.email,
        external_reference=REFERENCE,
        status=VacancyStatus.CLOSED,
        created_at=published_at - dt.timedelta(days=1),
        submitted_at=published_at - dt.timedelta(hours=2),
        published_at=published_at,
        status_changed_at=closes_at,
        updated_at=closes_at,
    )
    db.session.add(vacancy)

    existing = {
        user.email: user
        for user in db.session.scalars(sa.select(User).where(User.email.in_(CANDIDATE_EMAILS)))
    }
    added_accounts = 0
    applications = []
    for number, (name, email) in enumerate(zip(CANDIDATES, CANDIDATE_EMAILS, strict=True)):
        candidate = existing.get(email)
        if candidate is None:
            candidate = User(
                email=email,
                full_name=name,
                role=Role.JOBSEEKER,
                password_hash=school_user.password_hash,
                email_verified_at=published_at,
            )
            db.session.add(candidate)
            added_accounts += 1
        submitted_at = published_at + (closes_at - published_at) * (number + 1) / (len(CANDIDATES) + 1)
        statement = STATEMENTS[number % len(STATEMENTS)].format(years=3 + number % 7)
        application = Application(
            vacancy=vacancy,
            jobseeker=candidate,
            full_name=name,
            email=email,
            supporting_statement=statement,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=submitted_at,
            status_changed_at=submitted_at,
            created_at=submitted_at - dt.timedelta(minutes=50),
            updated_at=submitted_at,
        )
        db.session.add(application)
        applications.append(application)
    db.session.flush()

    answered = len(ANSWERS["sex"])  # the questions are optional: the others left them
    for number, application in enumerate(applications[:answered]):
        given = {question: answers[number] for question, answers in ANSWERS.items()}
        equal_opportunities.answer(
            application.jobseeker,
            application,
            given,
            now=application.submitted_at + dt.timedelta(minutes=5),
        )
    return {"vacancies": 1, "accounts": added_accounts, "applications": len(applications)}


def load_recent_applications(vacancy: Vacancy | None, now: dt.datetime) -> int:
    """Two of the candidates above have since applied for one of the school's live listings, within the
    last day, so the school's daily summary has news the first time the worker runs. Adds those not there
    yet (the caller commits) and returns how many."""
    if vacancy is None or vacancy.published_at is None:
        return 0
    candidates = db.session.scalars(
        sa.select(User).where(User.email.in_(CANDIDATE_EMAILS[-2:])).order_by(User.email)
    ).all()
    added = 0
    for hours, candidate in zip((3, 7), candidates, strict=False):
        if db.session.scalar(
            sa.select(Application.id).filter_by(vacancy_id=vacancy.id, jobseeker_id=candidate.id)
        ):
            continue
        submitted_at = now - min(dt.timedelta(hours=hours), (now - vacancy.published_at) / 2)
        db.session.add(
            Application(
                vacancy=vacancy,
                jobseeker=candidate,
                full_name=candidate.full_name,
                email=candidate.email,
                supporting_statement=STATEMENTS[added].format(years=4 + hours),
                status=ApplicationStatus.SUBMITTED,
                submitted_at=submitted_at.replace(microsecond=0),
                status_changed_at=submitted_at.replace(microsecond=0),
                created_at=(submitted_at - dt.timedelta(minutes=35)).replace(microsecond=0),
                updated_at=submitted_at.replace(microsecond=0),
            )
        )
        added += 1
    return added

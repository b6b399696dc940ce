"""`marketplace demo`: a realistic demo world across England, never duplicated, never loaded in production."""

from __future__ import annotations

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.accounts.passwords import verify_password
from marketplace.applications import conversations, summaries
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application, ApplicationMessage
from marketplace.db import utcnow
from marketplace.demo import DEMO_PASSWORD, fair_recruitment
from marketplace.demo import conversation as demo_conversation
from marketplace.demo.claims import CLAIMANT_EMAIL
from marketplace.extensions import db
from marketplace.organisations.models import (
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from marketplace.permissions import Role
from marketplace.vacancies import vocabulary
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from tests.conftest import IsolatedClient, sign_in_as, truncate_all
from tests.factories import OrganisationFactory

DEMO_EMAILS = {
    "school@demo.example.org": Role.HIRING_STAFF,
    "moderator@demo.example.org": Role.MODERATOR,
    "jobseeker@demo.example.org": Role.JOBSEEKER,
}

# Latitude and longitude limits of England, from the Scilly Isles to Berwick and Lowestoft.
ENGLAND_LATITUDE = (49.85, 55.82)
ENGLAND_LONGITUDE = (-6.45, 1.77)
UK = ZoneInfo("Europe/London")

# The key stages each phase teaches.
KEY_STAGES_TAUGHT = {
    "nursery": {"early_years"},
    "primary": {"early_years", "ks1", "ks2"},
    "secondary": {"ks3", "ks4", "ks5"},
    "sixth_form_or_college": {"ks5"},
    "through": {"early_years", "ks1", "ks2", "ks3", "ks4", "ks5"},
}


@pytest.fixture
def run_demo(app):
    runner = app.test_cli_runner()

    def run(*options: str, succeed: bool = True):
        result = runner.invoke(args=["demo", *options])
        if succeed:
            assert result.exit_code == 0, result.output
        return result

    return run


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _all(model) -> list:
    return list(db.session.scalars(sa.select(model).order_by(model.id)))


def test_the_demo_world_has_schools_and_trusts_across_england(run_demo):
    run_demo()

    organisations = _all(Organisation)
    schools = [o for o in organisations if o.kind is OrganisationKind.SCHOOL]
    trusts = [o for o in organisations if o.kind is OrganisationKind.TRUST]
    assert 25 <= len(organisations) <= 35
    assert 3 <= len(trusts) <= 4
    assert len({o.town for o in organisations}) >= 10
    assert {"London", "Leeds", "Manchester", "Birmingham", "Bristol"} <= {o.town for o in organisations}
    for org in organisations:
        assert ENGLAND_LATITUDE[0] < org.latitude < ENGLAND_LATITUDE[1], org.name
        assert ENGLAND_LONGITUDE[0] < org.longitude < ENGLAND_LONGITUDE[1], org.name
        assert org.verified
        assert org.postcode
        assert org.county
        assert org.website.startswith("https://")
    for school in schools:
        assert re.fullmatch(r"1[0-4]\d{4}", school.urn), school.urn
        assert school.phase in vocabulary.PHASES
        assert school.type_name
        assert school.type_group
    assert {s.phase for s in schools} == set(vocabulary.PHASES)
    assert {"Academies", "Local authority maintained schools", "Free Schools", "Colleges"} <= {
        s.type_group for s in schools
    }
    assert {"Church of England", "Roman Catholic"} < {s.religious_character for s in schools}
    assert sum(s.religious_character == "Does not apply" for s in schools) > len(schools) / 2
    for trust in trusts:
        assert trust.uid
        assert trust.urn is None
        assert len(trust.schools) >= 2, trust.name


def test_the_demo_world_has_about_120_vacancies_that_read_like_real_adverts(run_demo):
    run_demo()
    now = utcnow()
    vacancies = _all(Vacancy)
    assert 110 <= len(vacancies) <= 140

    assert {phase for v in vacancies for phase in v.phases} == set(vocabulary.PHASES)
    subjects = {subject for v in vacancies for subject in v.subjects}
    assert len(subjects) >= 12
    assert subjects <= set(vocabulary.SUBJECTS)
    roles = {role for v in vacancies for role in v.job_roles}
    assert roles <= set(vocabulary.JOB_ROLES)
    assert {"teacher", "headteacher", "sendco", "teaching_assistant"} <= roles
    for vacancy in vacancies:
        taught = set().union(*(KEY_STAGES_TAUGHT[phase] for phase in vacancy.phases))
        assert set(vacancy.key_stages) <= taught, (vacancy.title, vacancy.phases, vacancy.key_stages)
        assert vacancy.working_patterns
        assert set(vacancy.working_patterns) <= set(vocabulary.WORKING_PATTERNS)
        assert vacancy.contract_type in vocabulary.CONTRACT_TYPES
        assert vacancy.closes_at.astimezone(UK).strftime("%H:%M") in vocabulary.CLOSING_TIMES
        assert len(vacancy.about_role) > 300
        assert "lorem" not in vacancy.about_role.lower()
        assert vacancy.what_school_offers
        assert vacancy.contact_email
        if vacancy.how_to_apply == "website":
            assert vacancy.application_url.startswith("https://")
        if vacancy.how_to_apply == "email":
            assert "@" in vacancy.application_email
        if vacancy.salary_minimum is not None:
            assert 10_000 < vacancy.salary_minimum <= vacancy.salary_maximum < 150_000
    assert len({v.about_role for v in vacancies}) == len(vacancies)
    assert any("part_time" in v.working_patterns for v in vacancies)
    assert any(v.job_share for v in vacancies)
    assert any(v.contract_type == "fixed_term" and v.fixed_term_length for v in vacancies)
    assert any(v.parental_leave_cover for v in vacancies)
    # Hours and pay as schools give them: part-time FTEs, term-time support roles with their actual pay,
    # and hourly rates (some jobs are paid by the hour only).
    assert any(v.fte is not None and v.fte < 1 and "part_time" in v.working_patterns for v in vacancies)
    assert any(v.term_time_only and v.actual_salary for v in vacancies)
    assert any(v.hourly_rate_pence and v.salary_maximum is None for v in vacancies)
    assert any(v.visa_sponsorship for v in vacancies)
    assert {"marketplace", "website", "email"} == {v.how_to_apply for v in vacancies}
    assert {"ect_suitable", "ect_unsuitable"} == {v.ect_status for v in vacancies}

    live = [v for v in vacancies if v.is_live(now)]
    assert len(live) >= 100
    for vacancy in live:
        assert now + dt.timedelta(days=1) < vacancy.closes_at < now + dt.timedelta(weeks=9)
        assert now.date() - dt.timedelta(weeks=4) < vacancy.publish_on <= now.date()
        assert vacancy.published_at <= now
    pending = [v for v in vacancies if v.status is VacancyStatus.PENDING_REVIEW]
    assert len(pending) >= 5
    for vacancy in pending:
        assert vacancy.submitted_at <= now
        assert vacancy.closes_at > now
    statuses = {v.status for v in vacancies}
    assert VacancyStatus.DRAFT in statuses
    assert statuses & {VacancyStatus.CLOSED, VacancyStatus.EXPIRED}
    assert not any(v.is_live(now) for v in vacancies if v.status is not VacancyStatus.PUBLISHED)


def test_the_three_demo_accounts_sign_in_with_the_demo_password(run_demo):
    result = run_demo()

    users = {
        user.email: user
        for user in _all(User)
        if user.email != CLAIMANT_EMAIL and user.email not in fair_recruitment.CANDIDATE_EMAILS
    }
    assert set(users) == set(DEMO_EMAILS)
    for email, role in DEMO_EMAILS.items():
        assert users[email].role is role
        assert users[email].email_verified
        assert verify_password(users[email].password_hash, DEMO_PASSWORD)
        assert email in result.output
    assert DEMO_PASSWORD in result.output
    assert "/moderation" in result.output
    assert "/school" in result.output

    school_user = users["school@demo.example.org"]
    membership = db.session.scalar(sa.select(Membership).filter_by(user_id=school_user.id))
    assert membership.role is MembershipRole.ADMINISTRATOR
    school = membership.organisation
    assert school.verified
    school_vacancies = db.session.scalars(sa.select(Vacancy).filter_by(organisation_id=school.id)).all()
    assert sum(v.is_live() for v in school_vacancies) >= 3
    assert summaries.wants_daily_summary(school_user)  # the worker's first run sends it a summary

    jobseeker = users["jobseeker@demo.example.org"]
    applications = db.session.scalars(sa.select(Application).filter_by(jobseeker_id=jobseeker.id)).all()
    assert len(applications) == 2
    assert {a.status for a in applications} == {ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED}
    for application in applications:
        assert application.submitted_at
        assert (application.full_name, application.email) == (jobseeker.full_name, jobseeker.email)
        assert application.vacancy.organisation_id == school.id
        assert application.vacancy.is_live()


def words(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def test_the_demo_school_talks_to_a_candidate_asks_for_references_and_reports_fairly(app, run_demo):
    result = run_demo()
    school_user = db.session.scalar(sa.select(User).filter_by(email="school@demo.example.org"))
    jobseeker = db.session.scalar(sa.select(User).filter_by(email="jobseeker@demo.example.org"))
    shortlisted = db.session.scalar(
        sa.select(Application).filter_by(jobseeker_id=jobseeker.id, status=ApplicationStatus.SHORTLISTED)
    )
    closed = db.session.scalar(sa.select(Vacancy).filter_by(external_reference=fair_recruitment.REFERENCE))
    assert f"/school/applications/{shortlisted.id}:" in result.output
    assert f"/school/vacancies/{closed.id}/equal-opportunities:" in result.output
    # The candidate's last message waits for the school; the school has read the one before.
    assert conversations.unread_counts([shortlisted.id], for_school=True) == {shortlisted.id: 1}
    app.test_client_class = IsolatedClient
    candidate = app.test_client()
    sign_in_as(candidate, jobseeker)
    theirs = words(candidate.get(f"/your-applications/{shortlisted.id}"))
    assert theirs.count("Not read yet") == 1
    assert "Margaret Holroyd" in theirs

    school = app.test_client()
    sign_in_as(school, school_user)
    page = words(school.get(f"/school/applications/{shortlisted.id}"))
    said = [
        demo_conversation.CANDIDATE_REPLY,
        demo_conversation.SCHOOL_REPLY,
        demo_conversation.CANDIDATE_LAST,
    ]
    assert "We would like to invite you to an interview" in page
    assert [page.index(text) for text in said] == sorted(page.index(text) for text in said)
    received, awaited = page.index("Margaret Holroyd"), page.index("David Lees")
    assert "Received Suitable to work with children Yes Concerns about working with children No" in page
    assert "Requested Asked on" in page[awaited:]
    assert received < awaited

    report = words(school.get(f"/school/vacancies/{closed.id}/equal-opportunities"))
    assert "12 candidates answered." in report
    assert "Female 7" in report
    assert "Male" not in report
    assert "30 to 39 5" in report
    assert "25 to 29" not in report  # shown, it would give away the 2 people aged 40 to 49
    assert "Heterosexual" not in report
    assert "Other answers, with every group of fewer than 5 (not shown one by one) 5" in report
    assert closed.status is VacancyStatus.CLOSED
    assert db.session.scalar(sa.select(sa.func.count()).where(Application.vacancy_id == closed.id)) == 14

    assert summaries.send_due_summaries() == 1  # the school's summary has the last day's applications
    messages = _count(ApplicationMessage)
    assert "nothing was added" in run_demo().output
    assert _count(ApplicationMessage) == messages == 4


def test_running_again_adds_only_what_is_missing(run_demo):
    run_demo()
    before = {model: _count(model) for model in (Organisation, Vacancy, User, Membership, Application)}

    second = run_demo()

    assert "nothing was added" in second.output
    assert {model: _count(model) for model in before} == before

    db.session.execute(sa.delete(Vacancy).where(Vacancy.external_reference == "DEMO-020"))
    db.session.commit()

    third = run_demo()

    assert "Created 1 vacancy" in third.output
    assert {model: _count(model) for model in before} == before


def test_if_empty_leaves_a_database_with_organisations_alone(run_demo):
    OrganisationFactory(name="Hillside Primary School")

    result = run_demo("--if-empty")

    assert "no demo data was loaded" in result.output
    assert [o.name for o in _all(Organisation)] == ["Hillside Primary School"]
    assert _count(Vacancy) == _count(User) == 0


def test_a_school_already_holding_a_demo_urn_is_left_alone(run_demo):
    demo_urn = "138412"  # the demo school's URN, here taken by a school from the register
    real_school = OrganisationFactory(urn=demo_urn, name="Moorside High School")

    result = run_demo()

    assert "Moorside High School" in result.output
    db.session.refresh(real_school)
    assert real_school.name == "Moorside High School"
    assert _count(Vacancy) > 100
    assert db.session.scalar(sa.select(sa.func.count()).where(Vacancy.organisation_id == real_school.id)) == 0


def test_the_world_is_the_same_on_every_empty_database(app, run_demo):
    def snapshot():
        organisations = [
            (o.urn, o.uid, o.name, o.town, o.latitude, o.longitude, o.trust and o.trust.uid)
            for o in _all(Organisation)
        ]
        vacancies = [
            (
                v.external_reference,
                v.organisation.name,
                v.title,
                v.status,
                v.subjects,
                v.key_stages,
                v.salary,
                v.publish_on,
                v.closes_at,
                v.about_role,
                v.what_school_offers,
            )
            for v in _all(Vacancy)
        ]
        return organisations, vacancies

    run_demo("--if-empty")  # an empty database gets the world
    first = snapshot()
    db.session.remove()
    truncate_all(db.engine)

    run_demo()

    assert snapshot() == first


def test_refuses_to_run_in_production(app, run_demo):
    app.config["ENV"] = "production"

    result = run_demo(succeed=False)

    assert result.exit_code != 0
    assert "production" in result.output
    assert _count(Organisation) == _count(User) == 0


def test_a_webmail_claim_waits_in_the_moderators_claims_queue(run_demo):
    run_demo()
    run_demo()  # never a second claim

    [claim] = _all(JoinRequest)
    assert claim.user.email == CLAIMANT_EMAIL
    assert claim.status is JoinRequestStatus.PENDING
    assert claim.statement
    assert claim.organisation.memberships == []
    assert claim.user.memberships == []


def test_the_demo_has_a_returned_listing_waiting_with_the_schools_reply_and_what_changed(run_demo):
    from marketplace.moderation.services import returned_listing, review_queue

    run_demo()

    returned = db.session.scalar(sa.select(Vacancy).where(Vacancy.external_reference == "DEMO-RETURNED"))
    assert returned.status is VacancyStatus.PENDING_REVIEW
    assert not returned.is_live()
    item = next(item for item in review_queue() if item.vacancy.id == returned.id)
    assert "A moderator asked for changes" in item.reasons[0]
    conversation = returned_listing(returned)
    assert [reply.body for reply in conversation.replies] == [
        "Thank you, we have reworded the role description to say what the job needs instead."
    ]
    assert [change.label for change in conversation.changes] == ["About the role"]
    assert "young, energetic" in conversation.changes[0].before
    # The demo school's account is a long-standing member, as the policy sees it.
    membership = db.session.scalar(
        sa.select(Membership).join(User).where(User.email == "school@demo.example.org")
    )
    assert membership.created_at < utcnow() - dt.timedelta(days=365)


def test_the_demo_world_has_a_burst_of_reports_grouped_by_source(run_demo):
    from marketplace.moderation import reports
    from marketplace.moderation.models import ListingReport

    result = run_demo()

    assert "5 listing reports" in result.output
    vacancy_id = db.session.scalar(sa.select(ListingReport.vacancy_id).distinct())
    sources = reports.report_sources(vacancy_id)
    assert [len(source.reports) for source in sources] == [4, 1]
    assert dict(sources[0].kinds) == {"Confirmed email": 1, "Unconfirmed email": 2, "No email given": 1}
    assert reports.verified_source_count(vacancy_id) == 2  # the burst counts once
    assert db.session.get(Vacancy, vacancy_id).is_live()  # short of the 3 that hide a listing
    assert "nothing was added" in run_demo().output

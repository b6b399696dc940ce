"""Managing a listing once it exists: extend, end early, copy and relist, against the database and index."""

import datetime as dt

import pytest
import sqlalchemy as sa

from marketplace.applications.models import ApplicationStatus
from marketplace.audit import AuditEvent
from marketplace.db import UK, uk_today, utcnow
from marketplace.extensions import db
from marketplace.notifications.models import OutboxMessage
from marketplace.publishing import management
from marketplace.publishing.management import NewDates
from marketplace.search.api import VacancySearch, find_vacancies
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import ClosingDateExtension, Vacancy, VacancyEnding
from marketplace.vacancies.services import InvalidDetails, VacancyError
from marketplace.web.filters import uk_datetime
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory

pytestmark = pytest.mark.usefixtures("app")

S = VacancyStatus


def found_ids(keywords: str = "") -> list[int]:
    return find_vacancies(VacancySearch(keywords=keywords)).ids


def in_days(days: int) -> dt.date:
    return uk_today() + dt.timedelta(days=days)


def audit_actions(vacancy_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.subject_type == "vacancy", AuditEvent.subject_id == vacancy_id)
            .order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def member():
    return MembershipFactory()


def listing(member, **values) -> Vacancy:
    values.setdefault("published", True)
    return VacancyFactory(organisation=member.organisation, **values)


# --- Extending the closing date -------------------------------------------------------------------


def test_extending_a_live_listing_moves_its_closing_date_keeps_it_live_and_records_why(member):
    vacancy = listing(member, title="Teacher of Geography")
    before = vacancy.closes_at

    management.extend_closing_date(
        member.user, vacancy, closing_date=in_days(40), closing_time="09:00", reason="Too few applications"
    )
    db.session.commit()

    db.session.expire_all()
    vacancy = db.session.get(Vacancy, vacancy.id)
    assert vacancy.status is S.PUBLISHED
    assert vacancy.closes_at.astimezone(UK).date() == in_days(40)
    assert vacancy.closes_at.astimezone(UK).strftime("%H:%M") == "09:00"
    extension = db.session.scalar(sa.select(ClosingDateExtension))
    assert (extension.previous_closes_at, extension.reason) == (before, "Too few applications")
    assert extension.extended_by_id == member.user_id
    assert "vacancy.extend" in audit_actions(vacancy.id)
    assert found_ids("geography") == [vacancy.id]


def test_extending_an_expired_listing_takes_it_live_again_through_the_lifecycle(member):
    vacancy = listing(
        member,
        title="Teacher of Drama",
        status=S.EXPIRED,
        publish_on=in_days(-30),
        closes_at=utcnow() - dt.timedelta(days=1),
    )
    assert found_ids("drama") == []

    management.extend_closing_date(
        member.user, vacancy, closing_date=in_days(14), closing_time="12:00", reason="Reopened for a week"
    )
    db.session.commit()

    assert db.session.get(Vacancy, vacancy.id).status is S.PUBLISHED
    assert audit_actions(vacancy.id)[-2:] == ["vacancy.extend", "vacancy.reopen"]
    assert found_ids("drama") == [vacancy.id]  # the replica's change log carried it back into search


@pytest.mark.parametrize(
    ("closing_date", "closing_time", "reason", "field", "message"),
    [
        (10, "12:00", "More time", "closing_date", "later than the current one"),
        (40, "12:00", "   ", "reason", "Enter why"),
        (40, "12:00", "x" * 1001, "reason", "1000 characters or fewer"),
        (200, "12:00", "More time", "closing_date", "within 6 months"),
    ],
)
def test_an_extension_that_breaks_a_rule_is_refused_field_by_field(
    member, closing_date, closing_time, reason, field, message
):
    vacancy = listing(member, closes_at=utcnow() + dt.timedelta(days=21))

    with pytest.raises(InvalidDetails) as refused:
        management.extend_closing_date(
            member.user,
            vacancy,
            closing_date=in_days(closing_date),
            closing_time=closing_time,
            reason=reason,
        )

    assert message in refused.value.problems[field]


def test_an_extension_must_stay_before_the_start_date(member):
    vacancy = listing(member, starts_on=in_days(30))

    with pytest.raises(InvalidDetails) as refused:
        management.extend_closing_date(
            member.user, vacancy, closing_date=in_days(35), closing_time="12:00", reason="More time"
        )

    assert "start date" in refused.value.problems["closing_date"]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (S.CLOSED, "Relist it instead"),
        (S.DRAFT, "Only live, scheduled or expired"),
        (S.PENDING_REVIEW, "Only live, scheduled or expired"),
        (S.REMOVED, "Only live, scheduled or expired"),
    ],
)
def test_only_live_scheduled_or_expired_listings_can_be_extended(member, status, message):
    vacancy = listing(member, status=status)

    with pytest.raises(VacancyError, match=message):
        management.extend_closing_date(
            member.user, vacancy, closing_date=in_days(40), closing_time="12:00", reason="More time"
        )


# --- Ending early ---------------------------------------------------------------------------------


def test_ending_early_closes_the_listing_now_and_keeps_the_answers(member):
    vacancy = listing(member, title="Teacher of Physics")
    assert found_ids("physics") == [vacancy.id]

    management.end_early(member.user, vacancy, filled=True, through_marketplace=True)
    db.session.commit()

    assert db.session.get(Vacancy, vacancy.id).status is S.CLOSED
    ending = db.session.scalar(sa.select(VacancyEnding))
    assert (ending.vacancy_id, ending.filled, ending.through_marketplace) == (vacancy.id, True, True)
    assert "vacancy.close" in audit_actions(vacancy.id)
    assert found_ids("physics") == []


def emails(template: str) -> list[tuple[str, str]]:
    return [
        (message.recipient, message.subject)
        for message in db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.template == template).order_by(OutboxMessage.id)
        )
    ]


def people_applying(vacancy: Vacancy) -> dict[str, str]:
    """One jobseeker with an application started and not sent, one who sent theirs, one disabled."""
    started = ApplicationFactory(vacancy=vacancy, status=ApplicationStatus.DRAFT)
    ApplicationFactory(vacancy=vacancy, status=ApplicationStatus.SUBMITTED)
    ApplicationFactory(vacancy=vacancy, status=ApplicationStatus.DRAFT, jobseeker=UserFactory(disabled=True))
    return {"started": started.email}


def test_ending_early_tells_only_the_people_whose_application_can_no_longer_be_sent(member):
    vacancy = listing(member, title="Teacher of Music")
    started = people_applying(vacancy)["started"]

    management.end_early(member.user, vacancy, filled=False)
    db.session.commit()

    assert emails("draft_application_job_closed") == [(started, "Job closed early: Teacher of Music")]
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient == started))
    assert "has stopped taking applications for" in message.text_body


def test_extending_tells_the_people_still_writing_their_application_the_new_closing_date(member):
    vacancy = listing(member, title="Teacher of Drama")
    started = people_applying(vacancy)["started"]

    management.extend_closing_date(
        member.user, vacancy, closing_date=in_days(40), closing_time="09:00", reason="Half term"
    )
    db.session.commit()

    assert emails("draft_application_more_time") == [(started, "More time to apply: Teacher of Drama")]
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient == started))
    assert f"to {uk_datetime(db.session.get(Vacancy, vacancy.id).closes_at)}." in message.text_body
    assert "9am" in message.text_body
    assert f"/jobs/{vacancy.id}/apply" in message.text_body


@pytest.mark.parametrize(("filled", "through", "kept"), [(False, True, None), (None, False, None)])
def test_through_the_marketplace_is_only_kept_for_a_filled_post(member, filled, through, kept):
    vacancy = listing(member)

    ending = management.end_early(member.user, vacancy, filled=filled, through_marketplace=through)

    assert (ending.filled, ending.through_marketplace) == (filled, kept)


def test_a_filled_post_needs_to_say_whether_it_was_through_the_marketplace(member):
    with pytest.raises(InvalidDetails) as refused:
        management.end_early(member.user, listing(member), filled=True, through_marketplace=None)

    assert "through_marketplace" in refused.value.problems


@pytest.mark.parametrize("status", [S.DRAFT, S.CLOSED, S.EXPIRED, S.PENDING_REVIEW, S.REMOVED])
def test_only_live_or_scheduled_listings_can_be_ended_early(member, status):
    with pytest.raises(VacancyError, match="Only live or scheduled"):
        management.end_early(member.user, listing(member, status=status), filled=False)


# --- Copying --------------------------------------------------------------------------------------


def test_a_copy_is_a_new_draft_with_the_same_details_and_its_own_dates(member):
    original = listing(member, title="Teacher of History", subjects=["History"], salary="MPR/UPR")

    copy = management.copy_listing(
        member.user,
        original,
        title="Teacher of History",
        dates=NewDates(in_days(2), in_days(20), "23:59"),
    )
    db.session.commit()

    assert copy.id != original.id
    assert copy.status is S.DRAFT
    assert (copy.title, copy.subjects, copy.salary, copy.about_role) == (
        original.title,
        original.subjects,
        original.salary,
        original.about_role,
    )
    assert (copy.publish_on, copy.closes_at.astimezone(UK).date()) == (in_days(2), in_days(20))
    assert copy.published_at is None
    assert copy.created_by_id == member.user_id
    assert db.session.get(Vacancy, original.id).status is S.PUBLISHED  # the original is untouched
    assert "vacancy.copy" in audit_actions(copy.id)


def test_a_copy_with_dates_that_break_the_rules_is_refused(member):
    with pytest.raises(InvalidDetails) as refused:
        management.copy_listing(
            member.user,
            listing(member),
            title="  ",
            dates=NewDates(in_days(-1), in_days(5), "12:00"),
        )

    assert {"title", "publish_on"} <= set(refused.value.problems)


def test_a_listing_removed_by_a_moderator_cannot_be_copied(member):
    with pytest.raises(VacancyError, match="removed by a moderator"):
        management.copy_listing(
            member.user,
            listing(member, status=S.REMOVED),
            title="Teacher",
            dates=NewDates(in_days(0), in_days(10), "12:00"),
        )


# --- Relisting ------------------------------------------------------------------------------------


def test_relisting_a_closed_job_makes_a_new_listing_that_goes_through_the_policy(member):
    original = listing(member, title="Teacher of Music", status=S.CLOSED)

    relisted = management.relist(
        member.user,
        original,
        dates=NewDates(in_days(0), in_days(21), "12:00"),
    )
    db.session.commit()

    assert relisted.id != original.id
    # A verified school's clean listing is published by the policy straight away; a risky one would queue.
    assert relisted.status in (S.PUBLISHED, S.PENDING_REVIEW)
    assert db.session.get(Vacancy, original.id).status is S.CLOSED
    assert audit_actions(relisted.id)[:3] == ["vacancy.create", "vacancy.relist", "vacancy.submit"]


@pytest.mark.parametrize("status", [S.PUBLISHED, S.DRAFT, S.SCHEDULED, S.REMOVED, S.PENDING_REVIEW])
def test_only_closed_or_expired_listings_can_be_relisted(member, status):
    with pytest.raises(VacancyError, match="Only closed or expired"):
        management.relist(
            member.user,
            listing(member, status=status),
            dates=NewDates(in_days(0), in_days(21), "12:00"),
        )


# --- Another school's listing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "use_case",
    [
        lambda user, v: management.extend_closing_date(
            user, v, closing_date=in_days(40), closing_time="12:00", reason="Mine now"
        ),
        lambda user, v: management.end_early(user, v, filled=False),
        lambda user, v: management.copy_listing(
            user,
            v,
            title="Stolen",
            dates=NewDates(in_days(0), in_days(9), "12:00"),
        ),
        lambda user, v: management.relist(
            user,
            v,
            dates=NewDates(in_days(0), in_days(9), "12:00"),
        ),
    ],
    ids=["extend", "end early", "copy", "relist"],
)
def test_nobody_manages_another_schools_listing(member, use_case):
    theirs = VacancyFactory(published=True)
    before = (theirs.status, theirs.closes_at)

    with pytest.raises(VacancyError, match="you belong to"):
        use_case(member.user, theirs)

    db.session.rollback()
    assert (db.session.get(Vacancy, theirs.id).status, theirs.closes_at) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vacancy)) == 1


def test_a_copy_takes_the_supporting_documents_as_files_of_its_own(app, member):
    from marketplace.vacancies import documents

    original = listing(member)
    documents.attach(
        member.user,
        original,
        documents.Upload("job-description.pdf", "application/pdf", b"%PDF-1.4 job description"),
    )
    db.session.commit()

    copy = management.copy_listing(
        member.user,
        original,
        title=original.title,
        dates=NewDates(in_days(1), in_days(20), "12:00"),
    )
    db.session.commit()

    (theirs,), (ours,) = documents.for_vacancy(original.id), documents.for_vacancy(copy.id)
    assert ours.filename == "job-description.pdf"
    assert ours.stored_name != theirs.stored_name
    assert documents.store().open(ours.id).read() == b"%PDF-1.4 job description"
    # Deleting the original's document leaves the copy's bytes.
    documents.remove(member.user, original, theirs)
    db.session.commit()
    assert documents.store().open(theirs.id) is None
    assert documents.store().open(ours.id).read() == b"%PDF-1.4 job description"


def test_a_listing_changed_by_someone_else_meanwhile_is_not_moved_twice(app, member):
    from marketplace.vacancies.services import ChangedElsewhere

    vacancy = listing(member)  # read as live by the school...
    with db.engine.begin() as connection:  # ...while the worker expires it on its own connection
        connection.execute(sa.update(Vacancy).where(Vacancy.id == vacancy.id).values(status=S.EXPIRED))

    with pytest.raises(ChangedElsewhere, match="changed a moment ago"):
        management.end_early(member.user, vacancy, filled=False)

    db.session.rollback()
    assert db.session.get(Vacancy, vacancy.id).status is S.EXPIRED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VacancyEnding)) == 0

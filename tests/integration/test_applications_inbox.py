"""The schools' inbox use-cases: status changes and their emails, bulk changes, notes, anonymised
shortlisting, the CSV download and the end of access after the closing date."""

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa

from marketplace.analytics.models import Event
from marketplace.applications import inbox, services
from marketplace.applications.lifecycle import ApplicationAction, ApplicationStatus
from marketplace.applications.models import ApplicationNote
from marketplace.db import UK, utcnow
from marketplace.extensions import db
from marketplace.publishing import retention
from tests.factories import ApplicationFactory, MembershipFactory, VacancyFactory

pytestmark = pytest.mark.usefixtures("app")
A, S = ApplicationAction, ApplicationStatus


@pytest.fixture
def school():
    membership = MembershipFactory(user__full_name="Sam Bursar")
    vacancy = VacancyFactory(organisation=membership.organisation, published=True, title="Teacher of Physics")
    return membership.user, vacancy


def in_uk(year, month, day, hour, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UK)


def next_year() -> int:
    return utcnow().year + 1


def test_each_stage_emails_the_candidate_with_words_for_that_stage(school, outbox):
    staff, vacancy = school
    application = ApplicationFactory(vacancy=vacancy, full_name="Ada Lovelace", email="ada@example.org")
    # 10:30 in July is 09:30 UTC (British Summer Time); the email says 10:30am.
    interview = in_uk(next_year(), 7, 2, 10, 30)

    inbox.change_status(staff, application, A.SHORTLIST)
    inbox.change_status(staff, application, A.INVITE_TO_INTERVIEW, interview_at=interview)
    inbox.change_status(staff, application, A.OFFER)
    inbox.change_status(staff, application, A.ACCEPT)
    db.session.commit()

    assert application.status is S.ACCEPTED
    assert application.interview_at == dt.datetime(next_year(), 7, 2, 9, 30, tzinfo=dt.UTC)
    sent = outbox(recipient="ada@example.org")
    assert [m.subject for m in sent] == [
        "You have been shortlisted: Teacher of Physics",
        "Invitation to interview: Teacher of Physics",
        "Job offer: Teacher of Physics",
        "You accepted the job: Teacher of Physics",
    ]
    shortlisted, invited, offered, accepted = sent
    assert "has shortlisted your application" in shortlisted.text_body
    assert "will contact you to invite you to interview" in shortlisted.text_body
    assert f"Your interview: 10:30am on 2 July {next_year()} (UK time)" in invited.text_body
    assert "10:30am on 2 July" in invited.html_body
    assert "tell the school whether you can attend" in invited.text_body
    assert "is offering you the job" in offered.text_body
    assert "to accept or decline the offer" in offered.text_body
    assert "recorded that you accepted" in accepted.text_body
    assert all(f"/your-applications/{application.id}" in m.text_body for m in sent)


def test_turning_a_candidate_down_says_so_kindly_and_counts_without_personal_data(school, outbox):
    staff, vacancy = school
    application = ApplicationFactory(vacancy=vacancy, email="bo@example.org")

    inbox.change_status(staff, application, A.REJECT)
    db.session.commit()

    (message,) = outbox(recipient="bo@example.org")
    assert message.subject == "Your application for Teacher of Physics"
    assert "will not be taking your application further" in message.text_body
    assert "ask the school for feedback" in message.text_body
    event = db.session.scalar(sa.select(Event).where(Event.name == "application_status_changed"))
    assert event.properties == {"status": "unsuccessful"}
    assert event.vacancy_id == vacancy.id


def test_an_illegal_move_is_refused_with_a_clear_message_and_changes_nothing(school, outbox):
    staff, vacancy = school
    application = ApplicationFactory(vacancy=vacancy)

    with pytest.raises(inbox.InboxError, match="cannot be moved with “offer the job”"):
        inbox.change_status(staff, application, A.OFFER)
    with pytest.raises(inbox.InboxError, match="Only the candidate"):
        inbox.change_status(staff, application, A.WITHDRAW)

    assert application.status is S.SUBMITTED
    assert outbox() == []


def test_an_interview_needs_a_date_and_time_in_the_future(school):
    staff, vacancy = school
    application = ApplicationFactory(vacancy=vacancy, shortlisted=True)

    with pytest.raises(inbox.InboxError, match="Enter the date and time"):
        inbox.change_status(staff, application, A.INVITE_TO_INTERVIEW)
    with pytest.raises(inbox.InboxError, match="must be in the future"):
        inbox.change_status(
            staff, application, A.INVITE_TO_INTERVIEW, interview_at=utcnow() - dt.timedelta(hours=1)
        )
    assert application.status is S.SHORTLISTED
    assert application.interview_at is None


def test_another_schools_member_cannot_change_an_application(school):
    _, vacancy = school
    stranger = MembershipFactory().user
    application = ApplicationFactory(vacancy=vacancy)

    with pytest.raises(inbox.InboxError, match="not made to your organisation"):
        inbox.change_status(stranger, application, A.SHORTLIST)
    with pytest.raises(inbox.InboxError):
        inbox.add_note(stranger, application, "Looks strong")
    result = inbox.bulk_change_status(stranger, [application.id], A.SHORTLIST)
    assert (result.moved, result.refused, result.not_found) == ([], [], 1)
    assert application.status is S.SUBMITTED


def test_a_bulk_change_moves_what_it_can_and_says_why_the_rest_did_not(school, outbox):
    staff, vacancy = school
    first = ApplicationFactory(vacancy=vacancy)
    second = ApplicationFactory(vacancy=vacancy)
    withdrawn = ApplicationFactory(vacancy=vacancy, status=S.WITHDRAWN)

    result = inbox.bulk_change_status(staff, [first.id, second.id, withdrawn.id, first.id], A.SHORTLIST)
    db.session.commit()

    assert result.moved == [first, second]
    assert [(a, reason) for a, reason in result.refused] == [
        (
            withdrawn,
            "An application that is withdrawn cannot be moved with “shortlist”. "
            "Its outcome is settled, so its status can no longer change.",
        )
    ]
    assert (first.status, second.status, withdrawn.status) == (S.SHORTLISTED, S.SHORTLISTED, S.WITHDRAWN)
    assert len(outbox()) == 2


def test_private_notes_are_signed_and_dated(school):
    staff, vacancy = school
    application = ApplicationFactory(vacancy=vacancy)

    note = inbox.add_note(staff, application, "  Strong on behaviour management.  ")
    db.session.commit()

    assert (note.body, note.author.full_name) == ("Strong on behaviour management.", "Sam Bursar")
    assert note.created_at.tzinfo is dt.UTC
    with pytest.raises(inbox.InboxError, match="Enter a note"):
        inbox.add_note(staff, application, "   ")
    with pytest.raises(inbox.InboxError, match="5,000 characters or fewer"):
        inbox.add_note(staff, application, "x" * 5001)


def test_anonymised_shortlisting_hides_who_applied_until_shortlisted(school, outbox):
    staff, vacancy = school
    inbox.set_anonymised(staff, vacancy, True)
    application = ApplicationFactory(vacancy=vacancy, full_name="Grace Hopper", email="grace@example.org")
    db.session.flush()

    assert application.identity_hidden
    assert application.display_name == f"Candidate {application.id:05d}"
    hidden = inbox.applications_csv([application])
    assert "Grace Hopper" not in hidden
    assert "grace@example.org" not in hidden
    assert inbox.HIDDEN in hidden

    inbox.change_status(staff, application, A.SHORTLIST)
    db.session.commit()

    assert not application.identity_hidden
    assert application.display_name == "Grace Hopper"
    # The candidate's own email always uses their name.
    assert "Hello Grace Hopper" in outbox(recipient="grace@example.org")[0].text_body


def test_anonymised_shortlisting_is_only_for_the_schools_own_listings(school):
    _, vacancy = school
    with pytest.raises(inbox.InboxError):
        inbox.set_anonymised(MembershipFactory().user, vacancy, True)
    assert vacancy.anonymise_applications is False


def test_the_csv_is_safe_to_open_in_a_spreadsheet(school):
    staff, vacancy = school
    ApplicationFactory(
        vacancy=vacancy,
        full_name='=HYPERLINK("http://evil.example")',
        email="eve@example.org",
        supporting_statement="+1 for teamwork\n@everyone",
        answers={
            "questions": {
                "data": {"items": [{"question": "Why us?", "required": True, "answer": "=SUM(A1)"}]}
            }
        },
        interviewing=True,
        interview_at=dt.datetime(2030, 1, 15, 14, 0, tzinfo=dt.UTC),
    )

    rows = list(csv.reader(io.StringIO(inbox.applications_csv(inbox.inbox(staff).applications))))

    assert rows[0] == list(inbox.CSV_COLUMNS)
    assert rows[1][2] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1][4] == "Interviewing"
    assert rows[1][6] == "2030-01-15 14:00"
    assert rows[1][7] == "'+1 for teamwork\n@everyone"
    assert rows[1][8] == "1. Why us?\n=SUM(A1)"  # the cell starts with the number, so it is no formula


def test_filters_sorting_and_counts(school):
    staff, vacancy = school
    other = VacancyFactory(organisation=vacancy.organisation, published=True, title="Teacher of Music")
    now = utcnow()
    zed = ApplicationFactory(vacancy=vacancy, full_name="Zed", submitted_at=now - dt.timedelta(days=2))
    amy = ApplicationFactory(vacancy=vacancy, full_name="amy", submitted_at=now, shortlisted=True)
    bob = ApplicationFactory(vacancy=other, full_name="Bob", submitted_at=now - dt.timedelta(days=1))
    ApplicationFactory(vacancy=vacancy, status=S.DRAFT)  # a draft is the jobseeker's own business

    assert inbox.inbox(staff).applications == [amy, bob, zed]
    assert inbox.inbox(staff, sort="oldest").applications == [zed, bob, amy]
    assert inbox.inbox(staff, sort="name").applications == [amy, bob, zed]
    assert inbox.inbox(staff, vacancy_id=vacancy.id).applications == [amy, zed]
    found = inbox.inbox(staff, status=S.SUBMITTED)
    assert found.applications == [bob, zed]
    assert (found.total, found.counts[S.SUBMITTED], found.counts[S.SHORTLISTED]) == (3, 2, 1)


def test_access_ends_a_configured_period_after_the_closing_date(school, app):
    staff, vacancy = school
    assert app.config["APPLICATION_ACCESS_DAYS"] == 180
    now = utcnow()
    old = VacancyFactory(
        organisation=vacancy.organisation, published=True, closes_at=now - dt.timedelta(days=181)
    )
    recent = VacancyFactory(
        organisation=vacancy.organisation, published=True, closes_at=now - dt.timedelta(days=179)
    )
    gone = ApplicationFactory(vacancy=old)
    kept = ApplicationFactory(vacancy=recent)

    found = inbox.inbox(staff)
    assert found.applications == [kept]
    assert found.unavailable == 1
    assert not inbox.data_available(old)
    with pytest.raises(inbox.DataNoLongerAvailable, match="no longer available"):
        inbox.readable_application(staff, gone.id)
    with pytest.raises(inbox.DataNoLongerAvailable):
        inbox.change_status(staff, gone, A.SHORTLIST)
    with pytest.raises(inbox.DataNoLongerAvailable):
        inbox.add_note(staff, gone, "Too late")
    assert inbox.readable_application(staff, kept.id) == kept

    app.config["APPLICATION_ACCESS_DAYS"] = 365
    assert inbox.readable_application(staff, gone.id) == gone


def test_retention_deletes_notes_with_the_name(school):
    staff, vacancy = school
    application = ApplicationFactory(vacancy=vacancy)
    inbox.add_note(staff, application, "Mentioned a disability at interview")
    db.session.commit()
    vacancy.closes_at = utcnow() - dt.timedelta(days=400)
    db.session.commit()

    retention.run()
    db.session.commit()

    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationNote)) == 0


def test_a_candidate_withdrawing_is_counted_like_any_other_change(school):
    _, vacancy = school
    application = ApplicationFactory(vacancy=vacancy, shortlisted=True)

    services.withdraw(application.jobseeker, application)
    db.session.commit()

    events = db.session.scalars(sa.select(Event).where(Event.name == "application_status_changed")).all()
    assert [e.properties for e in events] == [{"status": "withdrawn"}]


def test_an_arranged_interview_can_move_and_the_candidate_is_told(school, outbox):
    staff, vacancy = school
    application = ApplicationFactory(vacancy=vacancy, interviewing=True, email="ada@example.org")
    moved = in_uk(next_year(), 1, 20, 15, 45)

    inbox.reschedule_interview(staff, application, moved)
    db.session.commit()

    assert application.status is S.INTERVIEWING
    assert application.interview_at == dt.datetime(next_year(), 1, 20, 15, 45, tzinfo=dt.UTC)
    (message,) = outbox(recipient="ada@example.org")
    assert message.subject == "Your interview has moved: Teacher of Physics"
    assert "has moved your interview" in message.text_body
    assert f"Your interview: 3:45pm on 20 January {next_year()} (UK time)" in message.text_body
    with pytest.raises(inbox.InboxError, match="Only an interview that has been arranged"):
        inbox.reschedule_interview(staff, ApplicationFactory(vacancy=vacancy), moved)

"""Profiles, prefilled applications, sending once, and a person's rights over their data (services + db)."""

import datetime as dt

import pytest
import sqlalchemy as sa

from marketplace.accounts import privacy
from marketplace.accounts.models import User
from marketplace.applications import application_form, profiles, services
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application, JobseekerProfile
from marketplace.applications.personal_data import ANONYMISED_NAME
from marketplace.db import utcnow
from marketplace.extensions import db
from tests.factories import PASSWORD, ApplicationFactory, UserFactory, VacancyFactory
from tests.web.applying import SECTION_ANSWERS

pytestmark = pytest.mark.usefixtures("app")

T0 = utcnow() - dt.timedelta(days=30)
REFEREES = [
    {
        "name": n,
        "job_title": "Head",
        "organisation": "Hillside",
        "email": "h@example.org",
        "relationship": "Boss",
    }
    for n in ("Sam Jones", "Alex Brown")
]


def complete(application: Application, *, now=None) -> None:
    answers = {
        "personal": {"full_name": "Priya Shah", "phone": "", "town": "York", "postcode": ""},
        "professional": {"qts_status": "awarded", "trn": "1234567", "qts_year": ""},
        "qualifications": {"items": []},
        "employment": {"items": [], "gaps": {}},
        "referees": {"items": REFEREES},
        "statement": {"text": "I love teaching geography."},
        "support": {"needed": "no", "details": ""},
        "declarations": {"right_to_work": "yes", "safeguarding": "no", "close_relationships": "no"},
    }
    for section, data in answers.items():
        application_form.save_application_section(application, section, data, now=now)


def test_a_new_application_is_prefilled_from_the_profile():
    person = UserFactory()
    profiles.save_profile_section(person, "referees", {"items": REFEREES}, now=T0)
    profiles.save_profile_section(person, "statement", {"text": "From my profile."}, now=T0)

    application = application_form.start_application(person, VacancyFactory(published=True))

    assert application_form.answer(application, "referees") == {"items": REFEREES}
    assert application.supporting_statement == "From my profile."
    states = {state.key: state.status for state in application_form.section_states(application)}
    # Prefilled sections wait for the person to check them; declarations are always asked afresh.
    assert states["referees"] == "review"
    assert states["declarations"] == "not_started"
    assert application_form.answer(application, "personal") == {"full_name": person.full_name}


def test_each_section_comes_from_whichever_of_profile_and_last_application_is_newer():
    person = UserFactory()
    profiles.save_profile_section(person, "statement", {"text": "Old profile statement."}, now=T0)
    profiles.save_profile_section(
        person, "professional", {"qts_status": "awarded", "trn": "7654321"}, now=T0 + dt.timedelta(days=20)
    )
    earlier = application_form.start_application(person, VacancyFactory(published=True))
    application_form.save_application_section(
        earlier, "statement", {"text": "Newer, from my last application."}, now=T0 + dt.timedelta(days=10)
    )
    application_form.save_application_section(
        earlier, "professional", {"qts_status": "working_towards", "trn": ""}, now=T0 + dt.timedelta(days=10)
    )

    later = application_form.start_application(person, VacancyFactory(published=True))

    assert application_form.answer(later, "statement") == {"text": "Newer, from my last application."}
    assert later.answers["statement"]["source"] == "application"
    assert application_form.answer(later, "professional")["trn"] == "7654321"
    assert later.answers["professional"]["source"] == "profile"


def test_sending_twice_makes_one_application_and_a_racing_second_send_is_refused():
    person = UserFactory()
    vacancy = VacancyFactory(published=True)
    application = application_form.start_application(person, vacancy)
    complete(application)
    db.session.commit()

    application_form.submit(person, application)
    db.session.commit()
    with pytest.raises(services.ApplicationError):
        application_form.submit(person, application)
    db.session.rollback()

    # A second request that loaded the draft before the first one sent it.
    other = UserFactory()
    draft = application_form.start_application(other, vacancy)
    complete(draft)
    db.session.commit()
    with db.engine.begin() as connection:  # the first request wins meanwhile
        connection.execute(
            sa.update(Application)
            .where(Application.id == draft.id)
            .values(status=ApplicationStatus.SUBMITTED)
        )
    with pytest.raises(services.AlreadyApplied):
        application_form.submit(other, draft)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 2


def test_an_incomplete_draft_cannot_be_sent():
    person = UserFactory()
    application = application_form.start_application(person, VacancyFactory(published=True))

    with pytest.raises(services.ApplicationError, match="Complete the section 'Personal details'"):
        application_form.submit(person, application)


def test_the_school_keeps_what_was_sent_when_the_profile_changes_later():
    person = UserFactory()
    application = application_form.start_application(person, VacancyFactory(published=True))
    complete(application)
    application_form.submit(person, application)
    db.session.commit()

    profiles.save_profile_section(person, "statement", {"text": "Rewritten later."})
    db.session.commit()

    db.session.refresh(application)
    assert application_form.answer(application, "statement") == {"text": "I love teaching geography."}


def test_answers_are_copied_back_to_the_profile_on_request():
    person = UserFactory()
    application = application_form.start_application(person, VacancyFactory(published=True))
    complete(application)

    copied = application_form.copy_answers_to_profile(person, application)

    assert "referees" in copied
    assert "support" not in copied
    assert profiles.profile_section(profiles.profile_of(person), "referees") == {"items": REFEREES}


def test_the_data_download_holds_the_account_profile_and_applications():
    person = UserFactory(full_name="Priya Shah")
    profiles.save_profile_section(person, "statement", {"text": "My statement."})
    ApplicationFactory(jobseeker=person, vacancy__title="Teacher of Geography")

    data = privacy.export_personal_data(person)

    assert data["account"]["full_name"] == "Priya Shah"
    assert data["profile"]["sections"]["statement"] == {"text": "My statement."}
    assert data["profile"]["let_schools_find_my_profile"] is False
    assert [a["job"] for a in data["applications"]] == ["Teacher of Geography"]


def test_deleting_an_account_erases_it_and_anonymises_sent_applications(outbox):
    person = UserFactory(email="priya@example.org")
    profiles.save_profile_section(person, "statement", {"text": "My statement."})
    sent = application_form.start_application(person, VacancyFactory(published=True))
    complete(sent)
    application_form.submit(person, sent)
    draft = application_form.start_application(person, VacancyFactory(published=True))
    db.session.commit()
    sent_id, draft_id, person_id = sent.id, draft.id, person.id

    with pytest.raises(privacy.PrivacyError):
        privacy.delete_account(person, "not my password")
    privacy.delete_account(person, PASSWORD)
    db.session.commit()

    assert db.session.get(User, person_id) is None
    assert db.session.scalar(sa.select(sa.func.count(JobseekerProfile.id))) == 0
    assert db.session.get(Application, draft_id) is None
    kept = db.session.get(Application, sent_id)
    assert (kept.full_name, kept.email, kept.supporting_statement, kept.answers, kept.jobseeker_id) == (
        ANONYMISED_NAME,
        "",
        "",
        {},
        None,
    )
    assert kept.status is ApplicationStatus.SUBMITTED
    [email] = outbox(template="account_deleted")
    assert email.recipient == "priya@example.org"


def test_moderators_cannot_delete_their_own_account():
    with pytest.raises(privacy.PrivacyError):
        privacy.delete_account(UserFactory(moderator=True), PASSWORD)


def test_the_web_helper_answers_match_the_forms():
    # The shared web answers stay valid for the domain rules (two referees, a statement).
    assert "items-1-email" in SECTION_ANSWERS["referees"]


def test_the_retention_policy_deleting_an_inactive_account_deletes_its_profile_too():
    person = UserFactory()
    profiles.save_profile_section(person, "statement", {"text": "My statement."})
    db.session.commit()

    db.session.delete(person)
    db.session.commit()

    assert db.session.scalar(sa.select(sa.func.count(JobseekerProfile.id))) == 0


def test_the_review_confirms_every_prefilled_section_with_this_jobs_answers():
    person = UserFactory()
    for section in ("personal", "professional", "qualifications", "employment", "referees"):
        data = {
            "personal": {"full_name": "Priya Shah"},
            "professional": {"qts_status": "awarded", "trn": "1234567"},
            "qualifications": {"items": []},
            "employment": {"items": [], "gaps": {}},
            "referees": {"items": REFEREES},
        }[section]
        profiles.save_profile_section(person, section, data, now=T0)
    application = application_form.start_application(person, VacancyFactory(published=True))

    unfinished = application_form.save_job_answers(
        application, {"statement": {"text": "For this job."}, "support": {"needed": "no"}}
    )

    assert [state.key for state in unfinished] == ["declarations"]
    assert application.supporting_statement == "For this job."


def test_the_review_saves_nothing_when_this_jobs_answers_are_wrong():
    person = UserFactory()
    application = application_form.start_application(person, VacancyFactory(published=True))

    with pytest.raises(profiles.SectionInvalid) as refused:
        application_form.save_job_answers(application, {"statement": {"text": ""}, "support": {}})

    assert [p.field for p in refused.value.problems] == ["text", "needed"]
    assert "statement" not in (application.answers or {})


def test_only_a_school_of_a_religious_character_asks_about_faith():
    faith_school = VacancyFactory(published=True, organisation__religious_character="Church of England")
    other = VacancyFactory(published=True, organisation__religious_character="Does not apply")

    assert application_form.religious_character(faith_school) == "Church of England"
    assert "faith" in application_form.sections_for(faith_school)
    assert list(application_form.sections_for(faith_school))[-3:] == ["faith", "support", "declarations"]
    assert "faith" not in application_form.sections_for(other)
    with pytest.raises(KeyError):
        application_form.save_application_section(
            application_form.start_application(UserFactory(), other), "faith", {"following": "no"}
        )


def test_withdrawing_keeps_the_reason_and_refuses_one_too_long():
    application = ApplicationFactory()

    with pytest.raises(services.ApplicationError) as refused:
        services.withdraw(application.jobseeker, application, reason="x" * 1001)
    assert "reason" in refused.value.field_errors
    assert application.status is ApplicationStatus.SUBMITTED

    services.withdraw(application.jobseeker, application, reason="  Moving abroad.\x00 ")
    assert application.status is ApplicationStatus.WITHDRAWN
    assert application.withdrawal_reason == "Moving abroad."


def test_faith_answers_from_the_last_application_never_reach_a_school_that_does_not_ask():
    person = UserFactory()
    faith_school = VacancyFactory(published=True, organisation__religious_character="Church of England")
    first = application_form.start_application(person, faith_school)
    application_form.save_application_section(first, "faith", {"following": "yes", "faith": "Anglican"})

    again = application_form.start_application(
        person,
        VacancyFactory(
            published=True,
            title="Another faith school job",
            organisation__religious_character="Roman Catholic",
        ),
    )
    other = application_form.start_application(person, VacancyFactory(published=True))

    assert application_form.answer(again, "faith")["faith"] == "Anglican"
    assert "faith" not in other.answers


def test_a_withdrawal_reason_is_in_the_data_download_and_erased_with_the_account():
    person = UserFactory(email="priya@example.org")
    application = ApplicationFactory(jobseeker=person)
    services.withdraw(person, application, reason="Moving to Leeds.")
    db.session.commit()

    [exported] = privacy.export_personal_data(person)["applications"]
    assert exported["withdrawal_reason"] == "Moving to Leeds."

    application_id = application.id
    privacy.delete_account(person, PASSWORD)
    db.session.commit()
    assert db.session.get(Application, application_id).withdrawal_reason is None

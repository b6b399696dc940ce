"""Supporting documents are read by the same wording rules as the listing: what they find shows with the
listing's own findings, and a document added to a listing on sale is screened as an edit is."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.db import uk_today, utcnow
from marketplace.extensions import db
from marketplace.moderation.rules import Severity
from marketplace.moderation.screening import findings_for_vacancy
from marketplace.publishing import documents, management
from marketplace.search.api import VacancySearch, find_vacancies
from marketplace.vacancies.documents import check_upload
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from tests.document_samples import doc_bytes, docx_bytes, pdf_bytes
from tests.factories import MembershipFactory, VacancyFactory

pytestmark = pytest.mark.usefixtures("app")

CLEAN = "You will teach music across key stages 3 and 4."
ASKS_A_FEE = "Successful candidates must pay a DBS fee of 60 pounds before starting."


def attach(app, member, vacancy, data: bytes, name: str):
    document = documents.attach(
        member.user,
        vacancy,
        check_upload(name, data),
    )
    db.session.commit()
    return document


def document_findings(vacancy):
    return [f for f in findings_for_vacancy(vacancy, now=utcnow()) if f.field == "documents"]


def test_what_a_document_says_is_found_with_the_file_named(app):
    member = MembershipFactory()
    vacancy = VacancyFactory(organisation=member.organisation)
    attach(app, member, vacancy, pdf_bytes(CLEAN), "clean.pdf")
    attach(app, member, vacancy, docx_bytes(ASKS_A_FEE), "pack.docx")

    found = document_findings(vacancy)

    assert [(f.rule, f.text) for f in found] == [
        ("scam.fees", "candidates must pay"),
        ("scam.fees", "DBS fee"),
    ]
    for finding in found:
        assert finding.message.startswith("In pack.docx: Never ask candidates to pay")
        # In the listing's own text this blocks; read out of a file, it asks for a moderator.
        assert finding.severity is Severity.REVIEW


def test_a_document_that_could_not_be_read_is_said_to_be_unchecked(app):
    member = MembershipFactory()
    vacancy = VacancyFactory(organisation=member.organisation)
    attach(app, member, vacancy, doc_bytes(), "old pack.doc")

    [finding] = document_findings(vacancy)

    assert (finding.rule, finding.severity) == ("document.not_read", Severity.ADVISE)
    assert "old pack.doc could not be read automatically" in finding.message


def on_sale(member) -> Vacancy:
    vacancy = VacancyFactory(organisation=member.organisation, published=True, title="Teacher of Music")
    assert find_vacancies(VacancySearch(keywords="music")).ids == [vacancy.id]
    return vacancy


def test_a_document_needing_a_moderator_takes_a_live_listing_down_until_approved(app):
    member = MembershipFactory()  # of a verified school
    vacancy = on_sale(member)

    attach(app, member, vacancy, pdf_bytes(ASKS_A_FEE), "pack.pdf")

    assert db.session.get(Vacancy, vacancy.id).status is VacancyStatus.PENDING_REVIEW
    assert find_vacancies(VacancySearch(keywords="music")).ids == []


def test_a_clean_document_leaves_a_verified_schools_listing_live(app):
    member = MembershipFactory()  # of a verified school
    vacancy = on_sale(member)

    attach(app, member, vacancy, pdf_bytes(CLEAN), "clean.pdf")

    assert db.session.get(Vacancy, vacancy.id).status is VacancyStatus.PUBLISHED
    assert find_vacancies(VacancySearch(keywords="music")).ids == [vacancy.id]


def test_a_copy_of_a_listing_keeps_what_its_documents_say(app):
    member = MembershipFactory()
    original = VacancyFactory(organisation=member.organisation)
    attach(app, member, original, docx_bytes(ASKS_A_FEE), "pack.docx")

    copy = management.copy_listing(
        member.user,
        original,
        title=original.title,
        dates=management.NewDates(uk_today(), uk_today() + dt.timedelta(days=20), "12:00"),
    )
    db.session.commit()

    assert [f.text for f in document_findings(copy)] == [f.text for f in document_findings(original)]
    assert [f.text for f in document_findings(copy)] == ["candidates must pay", "DBS fee"]

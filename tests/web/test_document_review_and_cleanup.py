"""Supporting documents beyond the school's own pages: moderators download them while reviewing, and a
document's bytes go with its record, in the same transaction (kept when it rolls back)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.publishing import retention
from marketplace.vacancies import documents, services
from marketplace.vacancies.models import DocumentBlob, Vacancy, VacancyDocument
from tests.conftest import sign_in_as
from tests.document_samples import pdf_bytes
from tests.factories import MembershipFactory, UserFactory, VacancyFactory


def _attach(member, vacancy, name: str = "Job description.pdf") -> int:
    document = documents.attach(member.user, vacancy, documents.check_upload(name, pdf_bytes()))
    db.session.commit()
    return document.id


def _document_count() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(VacancyDocument))


def _blob_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(DocumentBlob))


def test_a_moderator_downloads_the_documents_of_a_listing_in_review(client, app):
    member = MembershipFactory()
    vacancy = VacancyFactory(organisation=member.organisation, pending=True)
    document_id = _attach(member, vacancy)
    address = f"/moderation/vacancies/{vacancy.id}/documents/{document_id}"

    assert client.get(f"/jobs/{vacancy.id}/documents/{document_id}").status_code == 404  # not public
    sign_in_as(client, UserFactory())  # a jobseeker
    assert client.get(address).status_code == 403
    sign_in_as(client, UserFactory(moderator=True))

    review = client.get(f"/moderation/vacancies/{vacancy.id}").get_data(as_text=True)
    with client.get(address) as download:
        assert download.status_code == 200
        assert download.data == pdf_bytes()
        assert download.headers["Content-Disposition"].startswith("attachment")

    assert f'href="{address}"' in review
    assert client.get(f"/moderation/vacancies/{vacancy.id}/documents/{document_id + 1}").status_code == 404


def test_a_school_deleting_a_draft_deletes_its_files(client, app):
    member = MembershipFactory()
    draft = VacancyFactory(organisation=member.organisation)
    draft_id = draft.id
    _attach(member, draft)
    _attach(member, draft, "Person specification.pdf")
    kept = _attach(member, VacancyFactory(organisation=member.organisation))  # another listing's
    assert _blob_count() == 3
    sign_in_as(client, member.user)

    response = client.post(f"/school/vacancies/{draft_id}/delete")

    assert response.status_code == 302
    assert db.session.get(Vacancy, draft_id) is None
    assert _document_count() == 1
    assert db.session.scalars(sa.select(DocumentBlob.document_id)).all() == [kept]


def test_retention_deleting_a_stale_draft_deletes_its_files(app):
    member = MembershipFactory()
    stale = VacancyFactory(organisation=member.organisation)
    _attach(member, stale)
    stale.updated_at = utcnow() - dt.timedelta(days=400)
    db.session.commit()

    assert retention.run().deleted_drafts == 1
    db.session.commit()

    assert _document_count() == 0
    assert _blob_count() == 0


def test_a_rolled_back_deletion_keeps_the_files(app):
    member = MembershipFactory()
    draft = VacancyFactory(organisation=member.organisation)
    document_id = _attach(member, draft)

    services.delete_draft(member.user, draft)
    db.session.flush()
    db.session.rollback()
    db.session.commit()

    assert db.session.get(Vacancy, draft.id) is not None
    assert _document_count() == 1
    assert documents.store().open(document_id).read() == pdf_bytes()

"""Supporting documents: uploading, refusing, serving and deleting, and who may download them."""

from __future__ import annotations

import io

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from marketplace.extensions import db
from marketplace.vacancies import documents
from marketplace.vacancies.models import DocumentBlob, VacancyDocument
from tests.conftest import sign_in_as
from tests.document_samples import damaged, doc_bytes, docx_bytes, pdf_bytes
from tests.factories import MembershipFactory, UserFactory, VacancyFactory


def _upload(client, vacancy_id: int, data: bytes, name: str, content_type: str = "application/pdf"):
    # Encoded here, in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(
        MultiDict({"document": FileStorage(io.BytesIO(data), filename=name, content_type=content_type)})
    )
    return client.post(
        f"/school/vacancies/{vacancy_id}/documents",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def _documents() -> list[VacancyDocument]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(VacancyDocument).order_by(VacancyDocument.id)))


def test_a_school_uploads_pdf_doc_and_docx_files_stored_in_the_database(client, app, tmp_path):
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation)
    sign_in_as(client, membership.user)

    files = (
        (pdf_bytes(), "Job description.pdf"),
        (doc_bytes(), "pack.doc"),
        (docx_bytes(), "spec.docx"),
    )
    for data, name in files:
        response = _upload(client, vacancy.id, data, name, "application/octet-stream")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/school/vacancies/{vacancy.id}/edit/documents")

    stored = _documents()
    assert [d.filename for d in stored] == ["Job description.pdf", "pack.doc", "spec.docx"]
    assert [d.kind for d in stored] == ["PDF", "DOC", "DOCX"]
    for document, (data, _) in zip(stored, files, strict=True):
        assert documents.store().open(document.id).read() == data
        assert (document.size, len(document.stored_name)) == (len(data), 32)
        assert "." not in document.stored_name
    assert not (tmp_path / "instance" / "uploads").exists()  # nothing on this node's disk
    page = client.get(f"/school/vacancies/{vacancy.id}/edit/documents").get_data(as_text=True)
    assert "spec.docx has been uploaded" in page
    for document in stored:
        assert document.filename in page


def test_wrong_empty_and_oversize_files_are_refused_with_a_clear_message(client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation)
    sign_in_as(client, membership.user)

    cases = [
        (b"MZ\x90\x00 a program", "cv.pdf", "The selected file must be a PDF, DOC or DOCX"),
        (b"", "empty.pdf", "The selected file is empty"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "big.pdf", "The selected file must be smaller than 10 MB"),
    ]
    for data, name, message in cases:
        response = _upload(client, vacancy.id, data, name)
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "There is a problem" in page
        assert message in page
    missing = client.post(
        f"/school/vacancies/{vacancy.id}/documents", data={}, content_type="multipart/form-data"
    )
    assert "Select a file to upload" in missing.get_data(as_text=True)
    assert _documents() == []


def test_a_file_over_the_request_limit_gets_a_friendly_message_not_a_bare_413(client, app):
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation)
    sign_in_as(client, membership.user)

    response = _upload(client, vacancy.id, b"%PDF-" + b"0" * app.config["MAX_CONTENT_LENGTH"], "huge.pdf")

    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The selected file must be smaller than 10 MB" in page
    elsewhere = client.post(
        "/school/vacancies/new", data={"title": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)}
    )
    assert elsewhere.status_code == 413
    assert "The file is too large" in elsewhere.get_data(as_text=True)
    assert _documents() == []


def test_staff_download_with_safe_headers_and_the_public_only_while_live(client):
    membership = MembershipFactory()
    draft = VacancyFactory(organisation=membership.organisation)
    sign_in_as(client, membership.user)
    sample = docx_bytes()
    _upload(client, draft.id, sample, "spec.docx", "text/html")
    [document] = _documents()

    with client.get(f"/school/vacancies/{draft.id}/documents/{document.id}") as staff:
        assert staff.data == sample  # closed after, as a WSGI server closes the stored file
    assert staff.status_code == 200
    assert staff.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert staff.headers["Content-Disposition"].startswith("attachment")
    assert "spec.docx" in staff.headers["Content-Disposition"]
    assert staff.headers["X-Content-Type-Options"] == "nosniff"

    client.post("/sign-out")
    with client.session_transaction() as session:
        session.clear()
    assert client.get(f"/jobs/{draft.id}/documents/{document.id}").status_code == 404
    assert client.get(f"/school/vacancies/{draft.id}/documents/{document.id}").status_code == 302  # sign in

    live = VacancyFactory(organisation=membership.organisation, published=True)
    document.vacancy_id = live.id
    db.session.commit()
    with client.get(f"/jobs/{live.id}/documents/{document.id}") as public:
        assert public.data == sample
    assert public.status_code == 200
    assert public.headers["Content-Disposition"].startswith("attachment")
    assert public.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get(f"/jobs/{live.id}").get_data(as_text=True)
    assert "Supporting documents" in page
    assert f'href="/jobs/{live.id}/documents/{document.id}"' in page
    # Not through another listing's address.
    assert client.get(f"/jobs/{draft.id}/documents/{document.id}").status_code == 404


def test_another_schools_staff_cannot_reach_documents(client):
    owner = MembershipFactory()
    vacancy = VacancyFactory(organisation=owner.organisation)
    sign_in_as(client, owner.user)
    _upload(client, vacancy.id, pdf_bytes(), "job.pdf")
    [document] = _documents()

    sign_in_as(client, MembershipFactory().user)
    assert client.get(f"/school/vacancies/{vacancy.id}/documents/{document.id}").status_code == 404
    assert client.post(f"/school/vacancies/{vacancy.id}/documents/{document.id}/delete").status_code == 404
    assert _upload(client, vacancy.id, pdf_bytes(), "mine.pdf").status_code == 404
    sign_in_as(client, UserFactory())  # a jobseeker
    assert client.get(f"/school/vacancies/{vacancy.id}/documents/{document.id}").status_code == 403
    assert len(_documents()) == 1


def test_a_school_deletes_a_document_and_its_file(client, app):
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation)
    sign_in_as(client, membership.user)
    _upload(client, vacancy.id, pdf_bytes(), "job.pdf")
    [document] = _documents()

    response = client.post(f"/school/vacancies/{vacancy.id}/documents/{document.id}/delete")

    assert response.status_code == 302
    assert "job.pdf has been deleted" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _documents() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DocumentBlob)) == 0


def test_the_documents_section_is_answered_with_save_and_continue(client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(
        organisation=membership.organisation, unanswered_steps=["documents", "how-to-apply"]
    )
    sign_in_as(client, membership.user)

    response = client.post(f"/school/vacancies/{vacancy.id}/edit/documents")

    assert response.headers["Location"].endswith(f"/school/vacancies/{vacancy.id}/edit/how-to-apply")
    db.session.refresh(vacancy)
    assert vacancy.unanswered_steps == ["how-to-apply"]


def test_a_closed_listing_names_its_documents_without_offering_them_to_the_public(client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation, published=True)
    sign_in_as(client, membership.user)
    _upload(client, vacancy.id, pdf_bytes(), "pack.pdf")
    [document] = _documents()
    vacancy.status = "closed"
    db.session.commit()
    with client.session_transaction() as session:
        session.clear()

    page = client.get(f"/jobs/{vacancy.id}").get_data(as_text=True)

    assert "pack.pdf" in page
    assert f"/documents/{document.id}" not in page
    assert client.get(f"/jobs/{vacancy.id}/documents/{document.id}").status_code == 404


def test_a_document_a_moderator_must_see_takes_a_live_listing_off_and_says_so(client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation, published=True)
    sign_in_as(client, membership.user)

    response = _upload(client, vacancy.id, pdf_bytes("Applicants must pay a registration fee."), "pack.pdf")

    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "pack.pdf has been uploaded. Our checks found something a moderator needs to look at" in page
    db.session.expire_all()
    assert db.session.get(type(vacancy), vacancy.id).status == "pending_review"

    # The moderator reviewing it sees what the document says, and where.
    sign_in_as(client, UserFactory(moderator=True))
    review = client.get(f"/moderation/vacancies/{vacancy.id}").get_data(as_text=True)
    assert "Supporting documents" in review
    assert "In pack.pdf: Never ask candidates to pay" in review


def test_a_pdf_its_reader_trips_over_is_still_uploaded_and_flagged_as_unchecked(client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation)
    sign_in_as(client, membership.user)

    response = _upload(
        client, vacancy.id, damaged(pdf_bytes("Teacher of music wanted"), 11), "pack.pdf"
    )  # AttributeError in pypdf

    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "pack.pdf has been uploaded" in page
    assert "pack.pdf could not be read automatically" in page

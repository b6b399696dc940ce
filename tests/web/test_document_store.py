"""Supporting documents live in the database: any web node serves what another stored, a document is read
a chunk at a time, and the migration moves the files an earlier version kept on one node's disk."""

from __future__ import annotations

import importlib.util
import logging
import random
import secrets
from pathlib import Path

import sqlalchemy as sa

from marketplace import create_app
from marketplace.extensions import db
from marketplace.resources import resource
from marketplace.vacancies import documents
from marketplace.vacancies.documents.store import CHUNK_BYTES
from marketplace.vacancies.models import DocumentBlob, VacancyDocument
from tests.conftest import IsolatedClient, make_config, sign_in_as
from tests.document_samples import pdf_bytes
from tests.factories import MembershipFactory, VacancyFactory
from tests.web.test_listing_documents import _upload

MIGRATION = "20261204_fd10c0de0020_document_blobs.py"


def _large_pdf() -> bytes:
    """A PDF over two chunks long (its reader cannot read the tail, so it is kept as unchecked)."""
    return pdf_bytes() + b"\n%" + random.Random(7).randbytes(2 * CHUNK_BYTES + 1000)


def _blob_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(DocumentBlob))


def test_a_document_uploaded_through_one_node_downloads_through_another(client, app, tmp_path):
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation)
    sign_in_as(client, membership.user)
    large, small = _large_pdf(), pdf_bytes("Person specification")
    assert _upload(client, vacancy.id, large, "Application pack.pdf").status_code == 302
    assert _upload(client, vacancy.id, small, "Person specification.pdf").status_code == 302
    pack, spec = db.session.scalars(sa.select(VacancyDocument).order_by(VacancyDocument.id))

    # A second web node: its own instance folder (no uploads there), the same database.
    other = create_app(make_config(tmp_path / "node-b", app.config["DATABASE_URL"]))
    other.test_client_class = IsolatedClient
    assert Path(other.instance_path) != Path(app.instance_path)
    node_b = other.test_client()
    try:
        sign_in_as(node_b, membership.user)
        address = f"/school/vacancies/{vacancy.id}/documents/{pack.id}"
        with node_b.get(address) as download:
            assert download.status_code == 200
            assert download.data == large
        assert download.headers["Content-Length"] == str(len(large))
        assert download.headers["Content-Type"] == "application/pdf"
        assert download.headers["Content-Disposition"] == 'attachment; filename="Application pack.pdf"'
        assert download.headers["Cache-Control"] == "private, no-store"
        assert download.headers["X-Content-Type-Options"] == "nosniff"

        # A resumed download asks for the rest, across a chunk's edge.
        with node_b.get(address, headers={"Range": f"bytes={CHUNK_BYTES - 10}-"}) as rest:
            assert rest.status_code == 206
            assert rest.data == large[CHUNK_BYTES - 10 :]

        head = node_b.head(address)
        assert (head.status_code, head.headers["Content-Length"], head.data) == (200, str(len(large)), b"")
        assert node_b.get(address, headers={"If-None-Match": f'"{pack.sha256}"'}).status_code == 304

        with node_b.get(f"/school/vacancies/{vacancy.id}/documents/{spec.id}") as download:
            assert download.data == small

        # The public download, once the listing is live, from either node.
        vacancy.status = "published"
        db.session.commit()
        with node_b.session_transaction() as session:
            session.clear()
        for node in (client, node_b):
            with node.get(f"/jobs/{vacancy.id}/documents/{spec.id}") as public:
                assert public.status_code == 200
                assert public.data == small
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
    assert not (tmp_path / "node-b" / "instance" / "uploads").exists()


def test_a_document_whose_bytes_are_missing_answers_404_with_the_usual_page(client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation, published=True)
    document = documents.attach(membership.user, vacancy, documents.check_upload("pack.pdf", pdf_bytes()))
    db.session.commit()
    db.session.execute(sa.delete(DocumentBlob))
    db.session.commit()

    public = client.get(f"/jobs/{vacancy.id}/documents/{document.id}")
    sign_in_as(client, membership.user)
    staff = client.get(f"/school/vacancies/{vacancy.id}/documents/{document.id}")

    for response in (public, staff):
        assert response.status_code == 404
        assert "Page not found" in response.get_data(as_text=True)
    assert "pack.pdf" in client.get(f"/jobs/{vacancy.id}").get_data(as_text=True)  # still listed


def test_a_rolled_back_upload_leaves_no_bytes(app):
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation)

    documents.attach(membership.user, vacancy, documents.check_upload("pack.pdf", pdf_bytes()))
    db.session.flush()
    assert _blob_count() == 1
    db.session.rollback()

    assert _blob_count() == 0


def _migration():
    spec = importlib.util.spec_from_file_location(
        "document_blobs", resource("migrations") / "versions" / MIGRATION
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _legacy_document(vacancy, filename: str, data: bytes) -> VacancyDocument:
    """A document as an earlier version stored it: a row, and (maybe) a file on disk; no blob."""
    document = VacancyDocument(
        vacancy_id=vacancy.id,
        filename=filename,
        stored_name=secrets.token_hex(16),
        content_type="application/pdf",
        size=len(data),
        sha256="0" * 64,
    )
    db.session.add(document)
    db.session.commit()
    return document


def test_the_migration_moves_files_from_the_upload_folder_into_the_database(client, app, caplog):
    migration = _migration()
    vacancy = VacancyFactory(published=True)
    on_disk = _legacy_document(vacancy, "Job description.pdf", pdf_bytes())
    lost = _legacy_document(vacancy, "Lost.pdf", pdf_bytes("Lost"))
    upload_path = app.config["UPLOAD_PATH"]
    folder = Path(upload_path) / "documents"
    folder.mkdir(parents=True)
    (folder / on_disk.stored_name).write_bytes(pdf_bytes())
    assert client.get(f"/jobs/{vacancy.id}/documents/{on_disk.id}").status_code == 404  # not moved yet

    with caplog.at_level(logging.WARNING), db.engine.begin() as connection:
        missing = migration.move_files_into_table(connection, upload_path)

    assert missing == [lost.id]
    assert f"Supporting document {lost.id} has no file at {folder / lost.stored_name}" in caplog.text
    with client.get(f"/jobs/{vacancy.id}/documents/{on_disk.id}") as download:
        assert download.data == pdf_bytes()
    lost_download = client.get(f"/jobs/{vacancy.id}/documents/{lost.id}")
    assert lost_download.status_code == 404
    assert "Page not found" in lost_download.get_data(as_text=True)
    with db.engine.begin() as connection:  # again: nothing is moved twice
        assert migration.move_files_into_table(connection, upload_path) == [lost.id]
    assert _blob_count() == 1

    # Downgrading writes the bytes back where the earlier version reads them.
    (folder / on_disk.stored_name).unlink()
    with db.engine.begin() as connection:
        assert migration.write_blobs_to_disk(connection, upload_path) == 1
    assert (folder / on_disk.stored_name).read_bytes() == pdf_bytes()
    assert not (folder / lost.stored_name).exists()

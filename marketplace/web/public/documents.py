"""A live listing's supporting documents, for anyone reading the job page."""

from __future__ import annotations

from flask import abort, current_app, send_file

from marketplace.vacancies import documents, queries
from marketplace.web.access import public
from marketplace.web.public.views import bp


@bp.route("/jobs/<int:vacancy_id>/documents/<int:document_id>")
@public
def vacancy_document(vacancy_id: int, document_id: int):
    """Only while the listing is live: a draft's, closed or removed listing's files are not public."""
    vacancy = queries.live_vacancy(vacancy_id)
    if vacancy is None:
        abort(404)
    return send_document(vacancy, document_id)


def send_document(vacancy, document_id: int):
    """A stored document as a download, never shown inline, with the type we checked it to be."""
    document = next((d for d in vacancy.documents if d.id == document_id), None)
    if document is None:
        abort(404)
    path = documents.path_of(document, current_app.config["UPLOAD_PATH"])
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response

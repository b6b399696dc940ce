"""A listing's supporting documents, served one way through three doors.

`send_document` is the one way a stored document leaves the service: a download, never shown
inline, with the type we checked it to be. Each door decides who may see which listing's files:
- anyone, while the listing is live: the public address, on this module's `documents` blueprint;
- the listing's own school staff, in any state: `schools.download_document`;
- moderators reviewing it, in any state: `moderators.vacancy_document`.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, send_file

from marketplace.vacancies import documents, queries
from marketplace.vacancies.models import Vacancy
from marketplace.web.access import public

bp = Blueprint("documents", __name__)


@bp.route("/jobs/<int:vacancy_id>/documents/<int:document_id>")
@public
def vacancy_document(vacancy_id: int, document_id: int):
    """Only while the listing is live: a draft's, closed or removed listing's files are not public."""
    vacancy = queries.live_vacancy(vacancy_id)
    if vacancy is None:
        abort(404)
    return send_document(vacancy, document_id)


def send_document(vacancy: Vacancy, document_id: int):
    """A stored document of `vacancy` as a download (404 when it has no such document)."""
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

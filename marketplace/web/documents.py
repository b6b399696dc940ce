"""A listing's supporting documents, served one way through three doors.

`send_document` is the one way a stored document leaves the service: a download, never shown
inline, with the type we checked it to be, streamed from the DocumentStore (the database, so any web
node serves any document) a chunk at a time. Each door decides who may see which listing's files:
- anyone, while the listing is live: the public address, on this module's `documents` blueprint;
- the listing's own school staff, in any state: `schools.download_document`;
- moderators reviewing it, in any state: `moderators.vacancy_document`.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Blueprint, abort, current_app, request, stream_with_context

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
    """A stored document of `vacancy` as a download (404 when it has no such document, or its bytes are
    missing from the store)."""
    document = next((d for d in vacancy.documents if d.id == document_id), None)
    if document is None:
        abort(404)
    stored = documents.store().open(document.id)
    if stored is None:
        abort(404)
    # Read chunk by chunk as the client takes it, in this request's session (kept until the last chunk).
    response = current_app.response_class(
        stream_with_context(stored.chunks), mimetype=document.content_type, direct_passthrough=True
    )
    response.content_length = stored.size
    response.headers.set("Content-Disposition", "attachment", **_download_names(document.filename))
    response.set_etag(document.sha256)  # the bytes never change under a document id
    response.make_conditional(request.environ, accept_ranges=True, complete_length=stored.size)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _download_names(filename: str) -> dict[str, str]:
    """Content-Disposition's filename, with an RFC 5987 form for a name that is not plain ASCII (as
    Werkzeug's send_file writes it; uploads are given ASCII names, older records may not be)."""
    try:
        filename.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
        return {"filename": simple, "filename*": "UTF-8''" + quote(filename, safe="!#$&+-.^_`|~")}
    return {"filename": filename}

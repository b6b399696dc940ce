"""The ATS API: applicant tracking systems create or update listings and check them against the rules.

Authenticated by a bearer token per client (`marketplace ats create-client`), so CSRF does not apply;
rate-limited per token. Every answer about a listing has the shape
{"outcome": "publish" | "review" | "block", "findings": [{"rule", "severity", "message", "field", "span"}]}.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from marketplace.extensions import csrf, limiter
from marketplace.links import external_url
from marketplace.moderation.policy import Verdict
from marketplace.publishing import ats
from marketplace.unit_of_work import unit_of_work
from marketplace.vacancies.services import VacancyError
from marketplace.web.access import public
from marketplace.web.json_input import json_body

bp = Blueprint("ats", __name__, url_prefix="/api/v1/ats")
csrf.exempt(bp)


def _limit() -> str:
    return current_app.config["ATS_RATE_LIMIT"]


def _token_key() -> str:
    header = request.headers.get("Authorization", "")
    return "ats:" + ats.token_digest(header)


def _answer(verdict: Verdict) -> dict:
    return {"outcome": str(verdict.outcome), "findings": [f.as_json() for f in verdict.findings]}


def _unauthorised():
    response = jsonify(error="unauthorised", message="Send a valid ATS token: Authorization: Bearer <token>.")
    response.headers["WWW-Authenticate"] = 'Bearer realm="ats"'
    return response, 401


def _authenticate():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    client = ats.client_for_token(token.strip()) if scheme.lower() == "bearer" else None
    g.ats_client = client
    return client


def _payload():
    return json_body()


# @public: these routes do not use the session; the bearer token is checked in the view.
@bp.route("/vacancies", methods=["POST"])
@public
@limiter.limit(_limit, key_func=_token_key)
def upsert():
    client = _authenticate()
    if client is None:
        return _unauthorised()
    payload = _payload()
    try:
        with unit_of_work():
            vacancy, verdict, created = ats.upsert(client, payload)
    except ats.PayloadError as error:
        return jsonify(error="invalid", message="The listing has problems.", errors=error.errors), 422
    except VacancyError as error:
        return jsonify(error="conflict", message=str(error)), 409
    response = jsonify(_answer(verdict))
    response.status_code = 201 if created else 200
    response.headers["Location"] = external_url("schools.vacancy", vacancy_id=vacancy.id)
    return response


@bp.route("/vacancies/check", methods=["POST"])
@public
@limiter.limit(_limit, key_func=_token_key)
def check():
    client = _authenticate()
    if client is None:
        return _unauthorised()
    # A check saves nothing: no unit of work, so nothing is committed, and the request's session is
    # discarded when it ends.
    payload = _payload()
    try:
        verdict = ats.check(client, payload)
    except ats.PayloadError as error:
        return jsonify(error="invalid", message="The listing has problems.", errors=error.errors), 422
    return jsonify(_answer(verdict))

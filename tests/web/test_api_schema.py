"""The API keeps the promises of its OpenAPI document: schemathesis generates requests from
/api/v1/openapi.json for every operation (public and ATS) and checks each answer against it.

The app runs in-process (WSGI). Generation is derandomised and bounded, so every run sends the same
requests and the module stays fast.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from marketplace.db import utcnow
from tests.factories import OrganisationFactory, VacancyFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Examples per operation and mode: enough to reach every parameter and body field, small enough for
# the whole module to run in well under a minute.
EXAMPLES = {GenerationMode.POSITIVE: 100, GenerationMode.NEGATIVE: 50}


@pytest.fixture
def token(app) -> str:
    """A live listing to find, and a bearer token of an ATS client acting for its school."""
    organisation = OrganisationFactory(urn="137001", latitude=51.5049, longitude=-0.0195)
    VacancyFactory(
        organisation=organisation,
        published=True,
        title="Teacher of Mathematics",
        closes_at=utcnow() + dt.timedelta(days=20),
    )
    result = app.test_cli_runner().invoke(
        args=["ats", "create-client", "--organisation", "137001", "--name", "Schema ATS"]
    )
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def operations(app) -> dict[str, schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[operation.label] = operation
    return found


LABELS = [
    "GET /vacancies",
    "GET /vacancies/{vacancy_id}",
    "POST /ats/vacancies",
    "POST /ats/vacancies/check",
]


def test_the_document_describes_every_api_endpoint(app):
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi":
            path = rule.rule.removeprefix("/api/v1").replace("<int:vacancy_id>", "{vacancy_id}")
            served.update(f"{method} {path}" for method in rule.methods - {"HEAD", "OPTIONS"})
    assert served == set(LABELS)
    assert set(operations(app)) == set(LABELS)


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=lambda mode: mode.value)
@pytest.mark.parametrize("label", LABELS)
def test_every_answer_conforms_to_the_document_and_none_is_a_server_error(app, token, label, mode):
    operation = operations(app)[label]
    headers = {"Authorization": f"Bearer {token}"} if label.startswith("POST /ats/") else None

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def conforms(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    conforms()

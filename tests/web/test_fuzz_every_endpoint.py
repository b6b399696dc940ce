"""Fuzzing every endpoint, as every kind of visitor: whatever is sent, the answer is never a server error.

Hypothesis draws hostile values (Unicode digits, huge and negative numbers, 10,000-character strings,
NUL and control characters, deeply nested JSON, lists where one value is expected, empty values) for
every path parameter, query parameter and form field of every route in `app.url_map`. Form fields are
read from the WTForms classes each view uses, with the names every form shares added. Each example
sends one GET and one POST to every route, so a role's sweep reaches all of them; the number of
examples is small and fixed, so the whole file takes seconds. In CI (CI set in the environment) the
values are derandomised: the same every run. Locally each run draws afresh, and a failure prints the
requests that failed.
"""

from __future__ import annotations

import inspect
import json
import os
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter
from wtforms.fields import FieldList, FormField
from wtforms.fields.core import UnboundField

from marketplace.extensions import db
from marketplace.permissions import Role
from marketplace.publishing import ats
from marketplace.vacancies.steps import STEPS
from marketplace.web.jobseekers.views import SECTION_SLUGS
from tests.conftest import IsolatedClient, sign_in_as
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory

EXAMPLES_PER_ROLE = 3
FUZZ = settings(
    max_examples=EXAMPLES_PER_ROLE,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    database=None,
    # One example sweeps every route: shrinking would sweep again and again. The failing requests are
    # listed instead.
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Routes a sweep must not call: signing out would end the role's session for the rest of the sweep.
SKIPPED = {"static", "auth.sign_out"}

HOSTILE = [
    "",
    " ",
    "\u00b2",  # ² : isdigit() says yes, int() says no
    "\u0663\u0664",  # Arabic-Indic 34
    "\uff11\uff12",  # full-width 12
    "-1",
    "0",
    "2147483648",
    "9223372036854775808",
    "9" * 400,
    "1e309",
    "NaN",
    "x" * 10_000,
    "\x00",
    "a\x00b",
    "\x1b[31m\x07\x08\r\n\t",
    "\u202eevil",
    "\U0001f600",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "9999-12-31",
    "2026-02-30",
    "0000-00-00",
    "[]",
    "{}",
    "null",
    "true",
]
NESTED = "[" * 5_000 + "]" * 5_000


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8", categories=("Nd", "No", "Cc", "Zs")), max_size=12),
    )


def hostile_value() -> st.SearchStrategy[str | list[str]]:
    """One value, or several where one is expected (a wrong type for a form)."""
    return st.one_of(hostile_text(), st.lists(hostile_text(), min_size=0, max_size=3))


def json_body() -> st.SearchStrategy[object]:
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile_text(),
    )
    return st.recursive(
        leaves,
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(hostile_text(), children, max_size=3)
        ),
    )


# --- What each route takes ---------------------------------------------------------------------------


def _unbound_fields(form_class: type) -> Iterator[tuple[str, UnboundField]]:
    for name in dir(form_class):
        value = getattr(form_class, name, None)
        if isinstance(value, UnboundField):
            yield name, value


def _offered(unbound: UnboundField) -> list[str]:
    """The values a choice field offers (so a sweep also gets past it to the code behind)."""
    offered = []
    for choice in unbound.kwargs.get("choices") or ():
        value = getattr(choice, "value", choice[0] if isinstance(choice, tuple) else choice)
        if isinstance(value, str):
            offered.append(value)
    return offered


def form_fields(form_class: type, prefix: str = "") -> dict[str, list[str]]:
    """The names a form's fields are sent under (rows of lists included: "items-0-name"), each with the
    values it offers, if it is a choice."""
    fields: dict[str, list[str]] = {}
    for name, unbound in _unbound_fields(form_class):
        inner = unbound.args[0] if unbound.args else None
        if unbound.field_class is FieldList and isinstance(inner, UnboundField):
            if inner.field_class is FormField:
                fields |= form_fields(inner.args[0], f"{prefix}{name}-0-")
            else:
                fields[f"{prefix}{name}-0"] = _offered(inner)
        elif unbound.field_class is FormField and unbound.args:
            fields |= form_fields(unbound.args[0], f"{prefix}{name}-")
        else:
            fields[prefix + name] = _offered(unbound)
    return fields


def forms_used_by(view) -> list[type]:
    """The WTForms classes a view's own code names (those built in a helper are not found)."""
    function = inspect.unwrap(view)
    code = getattr(function, "__code__", None)
    if code is None:
        return []
    scope = function.__globals__
    return [
        scope[name]
        for name in code.co_names
        if isinstance(scope.get(name), type)
        and issubclass(scope[name], FlaskForm)
        and scope[name] is not FlaskForm
    ]


def every_form_class() -> set[type]:
    found, waiting = set(), [FlaskForm]
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            if subclass not in found and subclass.__module__.startswith("marketplace."):
                found.add(subclass)
            waiting.append(subclass)
    return found


# Parameters read straight from the request by views without a form.
QUERY_NAMES = {
    *("page", "per_page", "days", "status", "sort", "vacancy", "subject_id", "since", "until", "action"),
    *("actor", "subject_type", "tab", "next", "keyword", "location", "radius", "phases", "job_roles"),
    *("minimum_salary", "posted_within_days", "organisation", "check", "q", "message_ids", "application_id"),
    *("vacancy_ids", "decision", "reason", "token", "email", "password"),
}


class Route:
    def __init__(self, rule, view, shared_fields: list[str]):
        self.rule = rule
        self.endpoint = rule.endpoint
        self.methods = sorted(rule.methods & {"GET", "POST"})
        # The view's own fields, each sent every time; names every form shares, a few at a time, for
        # views whose form is built elsewhere or that read the request directly.
        self.own: dict[str, list[str]] = {}
        for form in forms_used_by(view):
            self.own |= form_fields(form)
        self.shared = [name for name in shared_fields if name not in self.own]
        self.parameters = [
            (name, isinstance(converter, IntegerConverter)) for name, converter in rule._converters.items()
        ]

    def path(self, values: dict[str, str]) -> str:
        return re.sub(r"<(?:[^<>:]+:)?(\w+)>", lambda match: values[match.group(1)], self.rule.rule)


def routes(app) -> list[Route]:
    shared = sorted(QUERY_NAMES | {name for form in every_form_class() for name in form_fields(form)})
    return [
        Route(rule, app.view_functions[rule.endpoint], shared)
        for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)
        if rule.endpoint not in SKIPPED
    ]


# --- The world and its visitors ------------------------------------------------------------------------


def world() -> dict:
    """A school with a live listing, a draft and an application; a jobseeker with a job still to apply for;
    a moderator and an admin. With them, the ids and names the sweep tries in addresses beside hostile
    ones: real ids (and ones past what the database holds), real slugs."""
    membership = MembershipFactory()
    vacancy = VacancyFactory(published=True, organisation=membership.organisation)
    draft = VacancyFactory(organisation=membership.organisation, created_by=membership.user)
    open_to_apply = VacancyFactory(published=True, organisation=membership.organisation)
    application = ApplicationFactory(vacancy=vacancy)
    users = {
        "anonymous": None,
        "jobseeker": UserFactory(),
        "hiring staff": membership.user,
        "moderator": UserFactory(moderator=True),
        "admin": UserFactory(role=Role.ADMIN),
    }
    _, token = ats.create_client(membership.organisation, "Fuzz ATS")
    db.session.commit()
    ids = {vacancy.id, draft.id, open_to_apply.id, application.id, membership.organisation_id, membership.id}
    names = [*SECTION_SLUGS, *(step.slug for step in STEPS), membership.organisation.slug, "jobs", "schools"]
    return {"users": users, "ids": sorted(ids | {1, 2, 3}), "names": names, "token": token}


def visitor(app, user) -> IsolatedClient:
    app.test_client_class = IsolatedClient
    client = app.test_client()
    if user is not None:
        sign_in_as(client, user)
    return client


def sweep(data, client, all_routes: list[Route], setting: dict) -> list[str]:
    """One GET and one POST to every route with drawn values; the requests answered with a 5xx."""
    failures = []
    number = st.one_of(st.sampled_from(setting["ids"]), st.sampled_from([0, 2**31 - 1, 2**31, 2**63, 10**40]))
    name = st.one_of(st.sampled_from(setting["names"]), hostile_text())
    token = setting["token"]
    for route in all_routes:
        values = {
            parameter: str(data.draw(number)) if is_int else quote(data.draw(name), safe="")
            for parameter, is_int in route.parameters
        }
        path = route.path(values)
        sent = {}
        for field, offered in route.own.items():
            sent[field] = data.draw(
                st.sampled_from(offered) | hostile_value() if offered else hostile_value()
            )
        for field in data.draw(st.lists(st.sampled_from(route.shared), max_size=8, unique=True)):
            sent[field] = data.draw(hostile_value())
        for method in route.methods:
            # A POST carries the values in its query string too: some views read both.
            options: dict = (
                {"query_string": sent} if method == "GET" else {"query_string": sent, "data": sent}
            )
            if method == "POST" and path.startswith("/api/"):
                body = data.draw(st.one_of(st.just(NESTED), json_body().map(json.dumps)))
                options = {
                    "data": body,
                    "content_type": "application/json",
                    "headers": {"Authorization": f"Bearer {token}"},
                }
            response = client.open(path, method=method, **options)
            if response.status_code >= 500:
                shown = {
                    name: (value[:40] if isinstance(value, str) else value) for name, value in sent.items()
                }
                failures.append(f"{method} {path[:120]} {shown!r}: {response.status_code}")
    return failures


@pytest.mark.parametrize("role", ["anonymous", "jobseeker", "hiring staff", "moderator", "admin"])
def test_no_endpoint_answers_hostile_input_with_a_server_error(app, role):
    setting = world()
    client = visitor(app, setting["users"][role])
    all_routes = routes(app)
    assert len(all_routes) > 90  # every route is swept, not a handful

    @FUZZ
    @given(data=st.data())
    def every_route(data):
        failures = sweep(data, client, all_routes, setting)
        assert failures == []

    every_route()


def test_the_sweep_reads_each_views_form_fields(app):
    by_endpoint = {route.endpoint: route for route in routes(app)}
    copy = by_endpoint["schools.copy_vacancy"].own
    assert {"title", "publish_on", "closing_date", "closing_time", "submission_key"} <= set(copy)
    assert "12:00" in copy["closing_time"]  # a choice's values are tried as well as hostile ones
    assert {"category", "details", "email"} <= set(by_endpoint["reports.report"].own)
    assert "items-0-name" in by_endpoint["jobseekers.apply_section"].shared  # rows of a list, by name

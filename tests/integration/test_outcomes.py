"""A view's use-case runs whole or not at all, and its refusal shows where the person will look."""

import sqlalchemy as sa
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.web.outcomes import attempt, once_more_if_raced, show_refusal
from tests.factories import OrganisationFactory


class ClaimForm(FlaskForm):
    statement = StringField("Your role")
    email = StringField("Email")


class Refused(DomainError):
    pass


def _names() -> set[str]:
    return set(db.session.scalars(sa.text("select name from organisations")))


def _add_school(name: str, urn: str = "") -> None:
    db.session.add(OrganisationFactory.build(name=name, slug=name.lower().replace(" ", "-"), urn=urn or None))
    db.session.flush()


def test_field_errors_go_beside_their_fields_and_the_rest_to_the_top(app):
    with app.test_request_context(method="POST"):
        form = ClaimForm()
        show_refusal(form, DomainError(field_errors={"statement": "Say what you do", "urn": "Unknown URN"}))
        assert form.statement.errors == ["Say what you do"]
        assert form.form_errors == ["Unknown URN"]  # no such field on this form: still shown

        form = ClaimForm()
        show_refusal(form, Refused("Already a member"), field={DomainError: "email"})
        assert form.email.errors == ["Already a member"]

        show_refusal(None, Refused("Closed a moment ago"))
        assert get_flashed_messages(with_categories=True) == [("info", "Closed a moment ago")]


def test_attempt_commits_or_shows_the_refusal_with_nothing_kept(app):
    with app.test_request_context(method="POST"):
        form = ClaimForm()
        with attempt(form) as done:
            _add_school("Kept Academy")
        assert done
        assert done.refusal is None
        with attempt(form, field="statement") as refused:
            _add_school("Refused Academy")
            raise Refused("Tell us your role")
        assert not refused
        assert form.statement.errors == ["Tell us your role"]
        with attempt(form, keep=Refused) as kept:
            _add_school("Audited Academy")
            raise Refused("Blocked, and the refusal is kept")
        assert isinstance(kept.refusal, Refused)
        assert form.form_errors == []
    db.session.remove()
    assert _names() == {"Kept Academy", "Audited Academy"}


def test_the_same_request_twice_at_once_runs_again_and_sees_the_first(app):
    _add_school("First Academy", urn="100001")
    db.session.commit()
    runs = []

    def join():
        runs.append(len(runs))
        taken = db.session.scalar(sa.text("select count(*) from organisations where urn = '100001'"))
        if taken and runs[-1] > 0:
            raise Refused("You have already done this")
        _add_school("Second Academy", urn="100001")  # the other tab's row is already there

    with app.test_request_context(method="POST"):
        with attempt() as done:
            once_more_if_raced(join)
        assert not done
        assert str(done.refusal) == "You have already done this"
    assert runs == [0, 1]
    db.session.remove()
    assert _names() == {"First Academy"}

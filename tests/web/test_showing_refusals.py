"""A refusal from a use-case shown on the form that asked for it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField

from marketplace.errors import DomainError
from marketplace.web.outcomes import show_refusal


class NameForm(FlaskForm):
    full_name = StringField("Full name")


def test_a_field_error_is_shown_beside_its_field_and_others_on_the_form(app):
    with app.test_request_context("/", method="POST", data={"full_name": "Ada"}):
        form = NameForm()
        form.validate()

        show_refusal(form, DomainError(field_errors={"full_name": "Enter your full name", "email": "Taken"}))

        assert form.full_name.errors == ["Enter your full name"]
        assert form.form_errors == ["Taken"]


def test_a_refusal_of_the_whole_request_is_the_forms_own_error(app):
    with app.test_request_context("/", method="POST"):
        form = NameForm()  # not validated: its fields' errors are still tuples

        show_refusal(form, DomainError("This listing is no longer waiting for review."))

        assert form.form_errors == ["This listing is no longer waiting for review."]
        assert list(form.full_name.errors) == []
        show_refusal(form, DomainError(field_errors={"full_name": "Enter your full name"}))
        assert form.full_name.errors == ["Enter your full name"]

"""Forms for signing in, registering and resetting a password, rendered with GOV.UK Frontend widgets."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import Field, PasswordField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from marketplace.accounts.passwords import password_problem
from marketplace.permissions import Role
from marketplace.publishing.registration import URN_PATTERN
from marketplace.web.account_fields import (
    EMAIL_FORMAT,
    email_field,
    full_name_field,
    new_password_field,
    strip,
)


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        filters=[strip],
        validators=[InputRequired("Enter your email address"), Length(max=320, message=EMAIL_FORMAT)],
        widget=GovTextInput(),
    )
    password = PasswordField(
        "Password", validators=[InputRequired("Enter your password")], widget=GovPasswordInput()
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class RegistrationForm(FlaskForm):
    account_type = RadioField(
        "What do you want to do?",
        choices=[
            SelectChoice(Role.JOBSEEKER.value, "Find and apply for jobs"),
            SelectChoice(Role.HIRING_STAFF.value, "I work at a school or trust"),
        ],
        validators=[InputRequired("Select whether you are looking for a job or work at a school or trust")],
        invalid_choice_message="Select whether you are looking for a job or work at a school or trust",
        widget=GovRadioInput(),
    )
    school_urn = StringField(
        "Your school's URN (optional)",
        description="The 6-digit unique reference number of your school, as shown on Get Information about "
        "Schools (for example, 100000). If you do not know it, leave this blank: once you have confirmed "
        "your email address you can find your school by its name or postcode.",
        filters=[strip],
        widget=GovTextInput(),
    )
    full_name = full_name_field()
    email = email_field("We will send a link to this address to confirm it is yours.")
    password = new_password_field()
    submit = SubmitField("Create account", widget=GovSubmitInput())

    def validate_school_urn(self, field: Field) -> None:
        if self.account_type.data != Role.HIRING_STAFF.value:
            field.data = ""
            return
        if not field.data:
            return  # they find their school by name or postcode after confirming their address
        if not URN_PATTERN.match(field.data):
            raise ValidationError("Enter a URN of 6 digits, like 100000")

    def validate_password(self, field: Field) -> None:
        problem = password_problem(field.data, self.email.data or "")
        if problem:
            raise ValidationError(problem)


class RequestPasswordResetForm(FlaskForm):
    email = email_field("We will send a link to reset your password to this address, if it has an account.")
    submit = SubmitField("Send the link", widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    password = new_password_field("New password", "Enter a new password")
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ResendConfirmationForm(FlaskForm):
    submit = SubmitField("Send the link again", widget=GovSubmitInput())

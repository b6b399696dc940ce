"""Forms for signing in, registering and resetting a password, rendered with GOV.UK Frontend widgets."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import Field, PasswordField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, ValidationError

from marketplace.accounts.passwords import password_problem
from marketplace.accounts.services import URN_PATTERN
from marketplace.permissions import Role

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        filters=[_strip],
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
        "Your school's URN",
        description="The 6-digit unique reference number of your school, as shown on Get Information about "
        "Schools (for example, 100000).",
        filters=[_strip],
        widget=GovTextInput(),
    )
    full_name = StringField(
        "Full name",
        filters=[_strip],
        validators=[
            InputRequired("Enter your full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
        widget=GovTextInput(),
    )
    email = StringField(
        "Email address",
        description="We will send a link to this address to confirm it is yours.",
        filters=[_strip],
        validators=[
            InputRequired("Enter your email address"),
            Length(max=320, message=EMAIL_FORMAT),
            Email(EMAIL_FORMAT),
        ],
        widget=GovTextInput(),
    )
    password = PasswordField(
        "Create a password",
        description="Use 10 characters or more. A few random words together are easy to remember and hard "
        "to guess.",
        validators=[InputRequired("Enter a password")],
        widget=GovPasswordInput(),
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())

    def validate_school_urn(self, field: Field) -> None:
        if self.account_type.data != Role.HIRING_STAFF.value:
            field.data = ""
            return
        if not field.data:
            raise ValidationError("Enter your school's URN")
        if not URN_PATTERN.match(field.data):
            raise ValidationError("Enter a URN of 6 digits, like 100000")

    def validate_password(self, field: Field) -> None:
        problem = password_problem(field.data, self.email.data or "")
        if problem:
            raise ValidationError(problem)


class RequestPasswordResetForm(FlaskForm):
    email = StringField(
        "Email address",
        description="We will send a link to reset your password to this address, if it has an account.",
        filters=[_strip],
        validators=[
            InputRequired("Enter your email address"),
            Length(max=320, message=EMAIL_FORMAT),
            Email(EMAIL_FORMAT),
        ],
        widget=GovTextInput(),
    )
    submit = SubmitField("Send the link", widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        description="Use 10 characters or more. A few random words together are easy to remember and hard "
        "to guess.",
        validators=[InputRequired("Enter a new password")],
        widget=GovPasswordInput(),
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ResendConfirmationForm(FlaskForm):
    submit = SubmitField("Send the link again", widget=GovSubmitInput())

"""Forms for joining a school or trust, managing its team and accepting an invitation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import Field, PasswordField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, ValidationError

from marketplace.accounts.passwords import password_problem
from marketplace.organisations.models import MembershipRole

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
ROLE_MESSAGE = "Select whether they will be an editor or an administrator"


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _role_field(label: str) -> RadioField:
    return RadioField(
        label,
        choices=[
            SelectChoice(MembershipRole.EDITOR.value, "Editor: posts listings and reads applications"),
            SelectChoice(MembershipRole.ADMINISTRATOR.value, "Administrator: also manages the team"),
        ],
        default=MembershipRole.EDITOR.value,
        validators=[InputRequired(ROLE_MESSAGE)],
        invalid_choice_message=ROLE_MESSAGE,
        widget=GovRadioInput(),
    )


class JoinForm(FlaskForm):
    submit = SubmitField("Continue", widget=GovSubmitInput())


class InviteForm(FlaskForm):
    email = StringField(
        "Email address",
        description="We will email them a link to join. It works once, for 7 days.",
        filters=[_strip],
        validators=[
            InputRequired("Enter your colleague's email address"),
            Length(max=320, message=EMAIL_FORMAT),
            Email(EMAIL_FORMAT),
        ],
        widget=GovTextInput(),
    )
    role = _role_field("What will they do?")
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class RoleForm(FlaskForm):
    role = _role_field("Role")
    submit = SubmitField("Change role", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    decision = RadioField(
        "Your answer",
        choices=[SelectChoice("approve", "Approve"), SelectChoice("decline", "Decline")],
        validators=[InputRequired("Select approve or decline")],
        invalid_choice_message="Select approve or decline",
        widget=GovRadioInput(),
    )
    role = _role_field("Role if approved")
    submit = SubmitField("Save", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class InvitationAccountForm(FlaskForm):
    full_name = StringField(
        "Full name",
        filters=[_strip],
        validators=[
            InputRequired("Enter your full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
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
    submit = SubmitField("Create account and join", widget=GovSubmitInput())

    def __init__(self, email: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invited_email = email

    def validate_password(self, field: Field) -> None:
        problem = password_problem(field.data, self.invited_email)
        if problem:
            raise ValidationError(problem)

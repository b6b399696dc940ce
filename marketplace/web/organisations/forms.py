"""Forms for joining a school or trust, managing its team and accepting an invitation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import Field, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from marketplace.accounts.passwords import password_problem
from marketplace.organisations.models import MembershipRole
from marketplace.organisations.services import STATEMENT_LENGTH
from marketplace.web.account_fields import email_field, full_name_field, new_password_field

ROLE_MESSAGE = "Select whether they will be an editor or an administrator"


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


STATEMENT_TOO_LONG = f"What you say about your role must be {STATEMENT_LENGTH:,} characters or fewer"


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class JoinForm(FlaskForm):
    # Required by the claim (organisations.services.join_organisation) unless the address is on the
    # school's own domain; the view shows the field only when it is needed.
    statement = TextAreaField(
        "What is your role at the school?",
        description="For example, headteacher, school business manager or office manager. Say how we can "
        "check, such as the school office's phone number. Whoever checks your claim reads this.",
        filters=[_without_nul],
        validators=[Length(max=STATEMENT_LENGTH, message=STATEMENT_TOO_LONG)],
        widget=GovTextArea(),
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class InviteForm(FlaskForm):
    email = email_field(
        "We will email them a link to join. It works once, for 7 days.",
        "Enter your colleague's email address",
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
    full_name = full_name_field()
    password = new_password_field()
    submit = SubmitField("Create account and join", widget=GovSubmitInput())

    def __init__(self, email: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invited_email = email

    def validate_password(self, field: Field) -> None:
        problem = password_problem(field.data, self.invited_email)
        if problem:
            raise ValidationError(problem)

"""Form fields about a person's account, shared by registration, password reset and invitations."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import PasswordField, StringField
from wtforms.validators import Email, InputRequired, Length

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
# Shown under every "create a password" box.
HOW_TO_CHOOSE_ONE = (
    "Use 10 characters or more. A few random words together are easy to remember and hard to guess."
)


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def email_field(description: str | None = None, missing: str = "Enter your email address") -> StringField:
    return StringField(
        "Email address",
        description=description,
        filters=[strip],
        validators=[InputRequired(missing), Length(max=320, message=EMAIL_FORMAT), Email(EMAIL_FORMAT)],
        widget=GovTextInput(),
    )


def full_name_field() -> StringField:
    return StringField(
        "Full name",
        filters=[strip],
        validators=[
            InputRequired("Enter your full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
        widget=GovTextInput(),
    )


def new_password_field(label: str = "Create a password", missing: str = "Enter a password") -> PasswordField:
    return PasswordField(
        label, description=HOW_TO_CHOOSE_ONE, validators=[InputRequired(missing)], widget=GovPasswordInput()
    )

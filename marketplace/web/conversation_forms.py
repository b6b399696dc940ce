"""The message form both sides of an application's conversation use."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import StringField, TextAreaField
from wtforms.validators import ValidationError

from marketplace.applications.conversations import MAX_MESSAGE_LENGTH, MAX_TEMPLATE_NAME


def _check_body(field, empty: str) -> None:
    text = (field.data or "").strip()
    if not text:
        raise ValidationError(empty)
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ValidationError(f"A message must be {MAX_MESSAGE_LENGTH:,} characters or fewer")


class MessageForm(FlaskForm):
    body = TextAreaField(
        "Your message",
        widget=GovTextArea(),
        description=(
            f"Up to {MAX_MESSAGE_LENGTH:,} characters. We email a link to read it, never the message itself."
        ),
    )

    def validate_body(self, field):
        _check_body(field, "Enter a message")


class MessageTemplateForm(FlaskForm):
    name = StringField("Name of the template", widget=GovTextInput())
    body = TextAreaField(
        "Text",
        widget=GovTextArea(),
        description=(
            "You can use {candidate}, {job} and {school}: they are filled in when you use the template."
        ),
    )

    def validate_name(self, field):
        name = (field.data or "").strip()
        if not name:
            raise ValidationError("Enter a name for the template")
        if len(name) > MAX_TEMPLATE_NAME:
            raise ValidationError(f"A template's name must be {MAX_TEMPLATE_NAME} characters or fewer")

    def validate_body(self, field):
        _check_body(field, "Enter the template's text")

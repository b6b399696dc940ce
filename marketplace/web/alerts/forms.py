from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from marketplace.alerts.models import AlertFrequency
from marketplace.web.account_fields import strip
from marketplace.web.forms import RadiosField, choices
from marketplace.web.moderators.forms import without_nul

FREQUENCIES = {
    AlertFrequency.DAILY.value: "Daily: one email a day when there are new jobs",
    AlertFrequency.WEEKLY.value: "Weekly: one email a week",
}


class FrequencyForm(FlaskForm):
    frequency = RadiosField(
        "How often do you want emails?",
        choices=choices(FREQUENCIES),
        default=AlertFrequency.DAILY.value,
        validators=[DataRequired("Select how often you want emails")],
    )


class NewAlertForm(FrequencyForm):
    email = StringField(
        "Email address",
        # Stripped, so an address of only spaces is a missing address, not one to send to.
        filters=[without_nul, strip],
        widget=GovTextInput(),
        description="We will send you a link to confirm it. Nothing is sent until you do.",
        validators=[
            Optional(),
            Length(max=320, message="Email address must be 320 characters or fewer"),
            Email("Enter an email address in the correct format, like name@example.com"),
        ],
    )

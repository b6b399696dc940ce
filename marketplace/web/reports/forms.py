from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from marketplace.moderation.models import REPORT_CATEGORY_LABELS
from marketplace.web.forms import RadiosField, choices
from marketplace.web.moderators.forms import without_nul
from marketplace.web.once import SentOnce


class ReportForm(SentOnce, FlaskForm):
    category = RadiosField(
        "What is wrong with this listing?",
        choices=choices({str(key): label for key, label in REPORT_CATEGORY_LABELS.items()}),
        validators=[DataRequired("Select what is wrong with this listing")],
    )
    details = TextAreaField(
        "Tell us more (optional)",
        filters=[without_nul],
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000, message="Details must be 2,000 characters or fewer")],
    )
    email = StringField(
        "Your email address (optional)",
        filters=[without_nul],
        widget=GovTextInput(),
        description=(
            "We will email you a link to confirm your report. A confirmed report counts towards hiding the "
            "listing while moderators check it. We do not share your address with the school."
        ),
        validators=[
            Optional(),
            Length(max=320, message="Email address must be 320 characters or fewer"),
            Email("Enter an email address in the correct format, like name@example.com"),
        ],
    )


class ConfirmReportForm(FlaskForm):
    """Only the button: the token in the address says which report."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ApproveForm(FlaskForm):
    note = TextAreaField(
        "Note for the audit trail (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)]
    )


class RejectForm(FlaskForm):
    reason = TextAreaField(
        "Reason for rejecting",
        widget=GovTextArea(),
        description="The school sees this. Say what must change for the listing to be approved.",
        validators=[
            DataRequired("Enter the reason for rejecting this listing"),
            Length(max=2000, message="The reason must be 2,000 characters or fewer"),
        ],
    )

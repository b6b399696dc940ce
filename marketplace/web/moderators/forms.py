from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from marketplace.moderation.services import CANNED_REASONS
from marketplace.web.forms import CheckboxesField, RadiosField, choices


def without_nul(value):
    """PostgreSQL text cannot hold NUL characters, and no person types one: drop them."""
    return value.replace("\x00", "") if isinstance(value, str) else value


MAX_TEXT_LENGTH = 2000


def written_field(
    label: str,
    *,
    required: str | None = None,
    description: str = "",
    noun: str = "reason",
    id: str | None = None,
):
    """A reason or message the moderator writes (and, mostly, the school reads), up to 2,000 characters.

    `required` is the error shown when it is left empty; without it the field may stay empty. `id` keeps
    the field's box (and the error summary's link to it) distinct when several forms share one page.
    """
    validators = [DataRequired(required)] if required else []
    validators.append(Length(max=MAX_TEXT_LENGTH, message=f"The {noun} must be 2,000 characters or fewer"))
    return TextAreaField(
        label,
        filters=[without_nul],
        widget=GovTextArea(),
        description=description,
        validators=validators,
        id=id,
    )


CANNED_LABELS = {
    "discriminatory": "Discriminatory wording",
    "fees": "Fees or bank details asked of candidates",
    "agency": "Posted by a recruitment agency",
    "pay": "Pay missing or wrong",
    "contact": "Contact details not the school's",
    "duplicate": "Duplicate listing",
    "incomplete": "Job not clearly described",
}
assert CANNED_LABELS.keys() == CANNED_REASONS.keys()


class ApproveForm(FlaskForm):
    note = TextAreaField(
        "Note for the audit trail (optional)",
        widget=GovTextArea(),
        filters=[without_nul],
        validators=[Optional(), Length(max=2000)],
    )


class RejectForm(FlaskForm):
    reasons = CheckboxesField("Common reasons", choices=choices(CANNED_LABELS), validators=[Optional()])
    reason = written_field(
        "Reason for rejecting",
        description="The school sees this. Say what must change for the listing to be approved.",
        id="reject-reason",
    )

    def validate_reason(self, field):
        if not (field.data or "").strip() and not self.reasons.data:
            raise ValidationError("Enter the reason for rejecting this listing")


class RequestChangesForm(FlaskForm):
    message = written_field(
        "What should the school change?",
        required="Enter what the school should change",
        description="The listing goes back to the school as a draft with your message; they can answer you.",
        noun="message",
    )


class RemoveForm(FlaskForm):
    reason = written_field(
        "Reason for removing",
        required="Enter the reason for removing this listing",
        description="The school sees this, and may appeal once.",
        id="remove-reason",
    )


class BulkForm(FlaskForm):
    vacancy_ids = CheckboxesField("Listings", validators=[DataRequired("Select at least one listing")])
    decision = RadiosField(
        "Decision",
        choices=choices({"approve": "Approve all selected", "reject": "Reject all selected"}),
        validators=[DataRequired("Select approve or reject")],
    )
    reason = written_field("Reason (needed to reject; the schools see it)")

    def validate_reason(self, field):
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise ValidationError("Enter the reason for rejecting these listings")


REPORT_OUTCOMES = {
    "dismiss": "Dismiss the reports: the listing is fine (it goes live again if it was hidden)",
    "remove": "Remove the listing",
    "suspend": "Remove the listing and suspend the organisation",
}


class ReportDecisionForm(FlaskForm):
    outcome = RadiosField(
        "Outcome", choices=choices(REPORT_OUTCOMES), validators=[DataRequired("Select an outcome")]
    )
    reason = written_field(
        "Reason",
        required="Enter the reason for your decision",
        description="The school sees this. Reporters who confirmed an email address are told the outcome.",
        id="report-reason",
    )


class DismissSourceForm(FlaskForm):
    """Dismiss every open report from one source (a burst from one network) as abuse."""

    source = HiddenField(validators=[DataRequired("Choose which reports to dismiss")])
    reason = written_field(
        "Why are these reports abuse?",
        required="Enter why these reports are abuse",
        description="Kept in the audit log. If the listing comes back, its school sees this too.",
        id="abuse-reason",
    )


class AppealDecisionForm(FlaskForm):
    outcome = RadiosField(
        "Decision",
        choices=choices(
            {"overturn": "Overturn: put the listing back", "uphold": "Uphold: the original decision stands"}
        ),
        validators=[DataRequired("Select a decision")],
    )
    reason = written_field(
        "Reason", required="Enter the reason for your decision", description="The school sees this."
    )


class SanctionForm(FlaskForm):
    reason = written_field(
        "Reason",
        required="Enter the reason",
        description="Recorded in the audit log; an organisation's staff are told.",
    )


class ClaimDecisionForm(FlaskForm):
    """Approve or decline a claim to join a school; each claim on the queue has its own (prefixed) form."""

    decision = RadiosField(
        "Decision",
        choices=choices({"approve": "Approve: they join the school", "decline": "Decline"}),
        validators=[DataRequired("Select approve or decline")],
    )
    reason = written_field(
        "Reason",
        description="Needed to decline. We email it to the person; it is kept in the audit log.",
    )

    def validate_reason(self, field):
        if self.decision.data == "decline" and not (field.data or "").strip():
            raise ValidationError("Enter the reason for declining: we email it to the person")


class EmailDomainForm(FlaskForm):
    domain = StringField(
        "Email domain",
        description="For example, stmarys.leeds.sch.uk. Confirmed addresses on it (and its subdomains) join "
        "the organisation at once, so record only a domain you have checked it owns.",
        filters=[without_nul],
        validators=[
            DataRequired("Enter the email domain, like school.org.uk"),
            Length(max=253, message="Enter the email domain, like school.org.uk"),
        ],
        widget=GovTextInput(),
    )
    reason = written_field("How you checked (kept in the audit log)")

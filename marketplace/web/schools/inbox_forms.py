"""Forms of the applications inbox: status changes (one or many), private notes, anonymised shortlisting."""

from __future__ import annotations

import datetime as dt
import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextArea, GovTextInput
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from marketplace.applications.inbox import MAX_NOTE_LENGTH
from marketplace.applications.lifecycle import NEEDS_INTERVIEW_TIME, ApplicationAction
from marketplace.db import UK
from marketplace.numbers import record_ids
from marketplace.web.forms import GovDateField, RadiosField, choices

_TIME = re.compile(r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>am|pm)?")


def parse_time(text: str) -> dt.time | None:
    """A time as people type it: '10:30', '14.00', '9am', '2:15pm', 'midday'; None if it is not one."""
    text = text.strip().lower().replace(" ", "")
    if text in ("midday", "noon", "12noon"):
        return dt.time(12, 0)
    match = _TIME.fullmatch(text)
    if not match:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["half"] == "pm" else 0)
    elif match["minute"] is None:
        return None  # '10' alone could be morning or evening
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


class InterviewFields:
    """The interview date and time, asked only when the action is an invitation to interview."""

    interview_date = GovDateField("Interview date")
    interview_time = StringField(
        "Interview time", widget=GovTextInput(), description="For example, 10:30am or 14:00 (UK time)"
    )

    def interview_at(self) -> dt.datetime | None:
        """The interview as an aware datetime in UK time, once the form has validated."""
        if self.interview_date.data is None:
            return None
        time = parse_time(self.interview_time.data or "")
        return dt.datetime.combine(self.interview_date.data, time, tzinfo=UK) if time else None

    def check_interview(self, action: str | None) -> bool:
        if action not in {a.value for a in NEEDS_INTERVIEW_TIME}:
            return True
        ok = True
        if self.interview_date.data is None and not self.interview_date.errors:
            self.interview_date.errors = ["Enter the date of the interview"]
            ok = False
        elif self.interview_date.errors:
            ok = False
        if not (self.interview_time.data or "").strip():
            self.interview_time.errors = ["Enter the time of the interview"]
            ok = False
        elif parse_time(self.interview_time.data) is None:
            self.interview_time.errors = ["Enter the interview time like 10:30am or 14:00"]
            ok = False
        return ok


def _action_choices(actions: list[ApplicationAction]) -> list[SelectChoice]:
    return [SelectChoice(a.value, a.label) for a in actions]


class StatusForm(InterviewFields, FlaskForm):
    action = RadiosField("What do you want to do?", choices=[])

    def __init__(self, *args, actions: list[ApplicationAction] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = _action_choices(list(actions))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return self.check_interview(self.action.data) and ok


class RescheduleForm(InterviewFields, FlaskForm):
    """A new date and time for an interview already arranged."""

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return self.check_interview(ApplicationAction.INVITE_TO_INTERVIEW.value) and ok


class BulkStatusForm(InterviewFields, FlaskForm):
    action = SelectField(
        "Change the status of the selected applications",
        widget=GovSelect(),
        validate_choice=False,  # validate_action explains a missing or unknown action in plain words
        choices=[
            SelectChoice("", "Choose an action"),
            *_action_choices(
                [
                    ApplicationAction.SHORTLIST,
                    ApplicationAction.INVITE_TO_INTERVIEW,
                    ApplicationAction.OFFER,
                    ApplicationAction.REJECT,
                ]
            ),
        ],
    )

    # The checkboxes are drawn by the table of applications; the first one carries this field's id.
    application_id = SelectMultipleField("Applications", validate_choice=False)

    def selected_ids(self) -> list[int]:
        return record_ids(self.application_id.data or [])

    def validate_application_id(self, field):
        if not self.selected_ids():
            raise ValidationError("Select at least one application")

    def validate_action(self, field):
        offered = {choice.value for choice in field.choices if choice.value}
        if not field.data:
            raise ValidationError("Choose what to do with the selected applications")
        if field.data not in offered:
            raise ValidationError("Choose one of the actions given")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return self.check_interview(self.action.data) and ok


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Add a private note",
        widget=GovTextArea(),
        description="Only staff of your organisation can see notes. The candidate never sees them.",
    )

    def validate_body(self, field):
        if not (field.data or "").strip():
            raise ValidationError("Enter a note")
        if len(field.data.strip()) > MAX_NOTE_LENGTH:
            raise ValidationError(f"A note must be {MAX_NOTE_LENGTH:,} characters or fewer")


class AnonymiseForm(FlaskForm):
    anonymise = RadiosField(
        "Hide candidates' names and contact details until you shortlist them?",
        choices=choices({"yes": "Yes, hide them until shortlisted", "no": "No, show them"}),
    )


class DailySummaryForm(FlaskForm):
    daily_summary = RadiosField(
        "Do you want a daily email about new applications?",
        choices=choices(
            {"yes": "Yes, email me once a day when there are new applications", "no": "No, do not email me"}
        ),
    )

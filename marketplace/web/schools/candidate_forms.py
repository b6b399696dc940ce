"""Forms of the candidate search: the search itself (a GET form, so no CSRF token) and an invitation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSelect, GovTextInput
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from marketplace.applications.candidates import MAX_INVITATION_MESSAGE
from marketplace.search.api import LABELS
from marketplace.search.geo import RADIUS_CHOICES
from marketplace.vacancies import vocabulary
from marketplace.web.forms import CheckboxesField, choices


class CandidateSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a search: GET never writes

    keywords = StringField(
        "Keywords",
        description="For example a subject, a qualification or a job title",
        validators=[Optional(), Length(max=200, message="Keywords must be 200 characters or fewer")],
        widget=GovTextInput(),
    )
    location = StringField(
        "Near",
        description="A town, city or postcode",
        validators=[Optional(), Length(max=100, message="The place must be 100 characters or fewer")],
        widget=GovTextInput(),
    )
    radius = SelectField(
        "Within",
        choices=[SelectChoice(str(miles), f"{miles} miles") for miles in RADIUS_CHOICES if miles],
        default="15",
        widget=GovSelect(),
    )
    job_roles = CheckboxesField("Job role", choices=choices(vocabulary.JOB_ROLES))
    phases = CheckboxesField("Education phase", choices=choices(vocabulary.PHASES))
    subjects = CheckboxesField("Subject", choices=choices(vocabulary.ALL_SUBJECTS))
    working_patterns = CheckboxesField("Working pattern", choices=choices(LABELS["working_patterns"]))


class InviteForm(FlaskForm):
    vacancy_id = SelectField(
        "Which job do you want to invite them to apply for?",
        choices=[],
        validators=[InputRequired("Select one of your live listings")],
        widget=GovSelect(),
    )
    message = TextAreaField(
        "Add a short message (optional)",
        description="Plain text. The candidate reads it after signing in; it is not put in the email.",
        validators=[
            Optional(),
            Length(
                max=MAX_INVITATION_MESSAGE,
                message=f"Your message must be {MAX_INVITATION_MESSAGE:,} characters or fewer",
            ),
        ],
        widget=GovCharacterCount(),
    )

"""One form per section of the listing wizard. The questions themselves are those of VacancyForm."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput, GovTextArea
from wtforms import BooleanField, Form, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from marketplace.db import uk_today
from marketplace.organisations.models import OrganisationKind
from marketplace.vacancies import questions, richtext, vocabulary
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.steps import asks_subjects, key_stages_for
from marketplace.web.forms import CheckboxesField, RadiosField, choices
from marketplace.web.once import SentOnce
from marketplace.web.schools.forms import VacancyForm

F = VacancyForm  # the questions, defined once

# Optional text answers stored as NULL when left empty.
NULLABLE = frozenset({"fixed_term_length", "application_url", "application_email", "external_reference"})
# Text answers stored as an empty string when left out.
REQUIRED_TEXT = frozenset({"title", "salary", "about_role", "what_school_offers", "contact_email"})


class StepForm(FlaskForm):
    """A section: its answers as values for VacancyDetails, and a saved listing's answers shown back."""

    def values(self) -> dict:
        found = {}
        for name, field in self._fields.items():
            if name not in VacancyDetails.__dataclass_fields__:
                continue
            value = field.data
            if value is None and name in REQUIRED_TEXT:
                value = ""
            if isinstance(value, str):
                value = value.strip()
                if name in NULLABLE:
                    value = value or None
                if name in ("application_email", "contact_email") and value:
                    value = value.lower()
            if name == "visa_sponsorship":
                value = value == "yes"
            if name in ("job_share", "parental_leave_cover", "term_time_only"):
                value = bool(value)
            if name in ("job_roles", "phases", "key_stages", "subjects", "working_patterns"):
                value = list(value or [])
            found[name] = value
        return found

    def fill(self, details: VacancyDetails) -> None:
        for name, field in self._fields.items():
            if name in VacancyDetails.__dataclass_fields__ and not isinstance(field, FieldList):
                field.data = getattr(details, name)


class JobDetailsForm(SentOnce, StepForm):
    organisation_id = F.organisation_id
    title = F.title
    job_roles = F.job_roles
    phases = F.phases
    # Asked when the trust posts: its schools the job is at (checked again by vacancies/listing_schools.py).
    school_ids = CheckboxesField(
        "Which of the trust's schools is the job at?",
        description="Select every school the job is at. Jobseekers can find it near any of them.",
    )

    def __init__(self, *args, organisations=(), trust_schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = choices({str(o.id): o.name for o in organisations})
        if len(organisations) == 1 and not self.organisation_id.data:
            self.organisation_id.data = str(organisations[0].id)
        self.trust_ids = {o.id for o in organisations if o.kind == OrganisationKind.TRUST}
        self.school_ids.choices = choices({str(s.id): _school_label(s) for s in trust_schools})

    def chosen_school_ids(self) -> list[int] | None:
        """The schools chosen, when the listing is the trust's own (None: a school's listing)."""
        if not self.organisation_id.data or int(self.organisation_id.data) not in self.trust_ids:
            return None
        return [int(value) for value in self.school_ids.data or []]


def _school_label(school) -> str:
    return f"{school.name}, {school.town}" if school.town else school.name


class KeyStagesForm(StepForm):
    key_stages = F.key_stages
    subjects = F.subjects

    def __init__(self, *args, phases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.key_stages.choices = choices({k: vocabulary.KEY_STAGES[k] for k in key_stages_for(list(phases))})
        if not asks_subjects(list(phases)):
            del self.subjects


class WorkingPatternForm(StepForm):
    working_patterns = F.working_patterns
    job_share = F.job_share
    hours_per_week = F.hours_per_week
    fte = F.fte
    term_time_only = F.term_time_only
    contract_type = F.contract_type
    fixed_term_length = F.fixed_term_length
    parental_leave_cover = F.parental_leave_cover


class PayForm(StepForm):
    salary = F.salary
    salary_minimum = F.salary_minimum
    salary_maximum = F.salary_maximum
    actual_salary = F.actual_salary
    hourly_rate_pence = F.hourly_rate_pence


PUBLISH_WHEN = {"now": "Publish as soon as it passes our checks", "date": "Publish on a date"}


class DatesForm(StepForm):
    publish_when = RadiosField(
        "When should the listing go live?",
        choices=choices(PUBLISH_WHEN),
        validators=[InputRequired("Select when the listing should go live")],
        default="now",
    )
    publish_on = F.publish_on
    closing_date = F.closing_date
    closing_time = F.closing_time
    starts_on = F.starts_on

    def __init__(self, *args, saved_closing_time: str | None = None, on_sale: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if saved_closing_time and saved_closing_time not in vocabulary.CLOSING_TIMES:
            # A listing imported or posted through the API may close at another time: keep it editable as is.
            self.closing_time.choices = choices((*vocabulary.CLOSING_TIMES, saved_closing_time))
        if on_sale:
            # Already live or scheduled: the date it went live is history, not a question.
            del self.publish_when
            del self.publish_on
        else:
            # The date question only applies when publishing on a date.
            self.publish_on.validators = [Optional()]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if (
            "publish_when" in self._fields
            and self.publish_when.data == "date"
            and self.publish_on.data is None
        ):
            if not self.publish_on.errors:
                self.publish_on.errors = [*self.publish_on.errors, "Enter the date the listing goes live"]
            valid = False
        return valid

    def values(self) -> dict:
        found = super().values()
        if "publish_when" in self._fields:
            found["publish_on"] = uk_today() if self.publish_when.data == "now" else self.publish_on.data
        return found

    def fill(self, details: VacancyDetails) -> None:
        super().fill(details)
        if "publish_when" in self._fields:
            self.publish_when.data = "date" if details.publish_on > uk_today() else "now"


class AboutForm(StepForm):
    about_role = TextAreaField(
        "About the role",
        widget=GovTextArea(),
        description=(
            "Describe the job, the school and the person you are looking for. Leave a blank line between "
            "paragraphs. You can use **bold**, *italic*, lists (lines starting with - or 1.) and links "
            "written as [words](https://…)."
        ),
        validators=[DataRequired("Describe the role"), Length(max=20_000)],
    )
    what_school_offers = F.what_school_offers
    ect_status = F.ect_status
    visa_sponsorship = F.visa_sponsorship

    def values(self) -> dict:
        found = super().values()
        found["about_role"] = richtext.from_editor(found["about_role"])
        return found

    def fill(self, details: VacancyDetails) -> None:
        super().fill(details)
        self.about_role.data = richtext.to_editor(details.about_role)
        self.visa_sponsorship.data = "yes" if details.visa_sponsorship else "no"


class QuestionRow(Form):
    """One question the school adds to its application form."""

    text = TextAreaField(
        "Question",
        widget=GovTextArea(),
        validators=[
            Length(
                max=questions.MAX_QUESTION_CHARACTERS,
                message=f"Each question must be {questions.MAX_QUESTION_CHARACTERS} characters or fewer",
            )
        ],
    )
    required = BooleanField("Applicants must answer this question", widget=GovCheckboxInput())


class HowToApplyForm(StepForm):
    how_to_apply = F.how_to_apply
    application_url = F.application_url
    application_email = F.application_email
    contact_email = F.contact_email
    external_reference = F.external_reference
    statement_instructions = TextAreaField(
        "Instructions for the supporting statement (optional)",
        widget=GovTextArea(),
        description=(
            "Shown to applicants above the box where they write their statement. For example, what to "
            "cover and how to show it against the person specification."
        ),
        validators=[
            Optional(),
            Length(
                max=questions.MAX_INSTRUCTIONS_CHARACTERS,
                message=(
                    "Instructions for the supporting statement must be "
                    f"{questions.MAX_INSTRUCTIONS_CHARACTERS:,} characters or fewer"
                ),
            ),
        ],
    )
    # Add-another without JavaScript: the page shows the saved questions and one blank row, and the
    # "Add another question" button posts the section back with one more blank row (nothing saved).
    application_questions = FieldList(FormField(QuestionRow), max_entries=questions.MAX_QUESTIONS)

    def add_blank_row(self) -> bool:
        """Offer one more blank question, while there is room; False when the form is full."""
        if len(self.application_questions.entries) >= questions.MAX_QUESTIONS:
            return False
        if all((entry.form.text.data or "").strip() for entry in self.application_questions.entries):
            self.application_questions.append_entry()
        return True

    def values(self) -> dict:
        found = super().values()
        found["statement_instructions"] = (self.statement_instructions.data or "").strip()
        found["application_questions"] = questions.tidy(
            {"text": entry.form.text.data, "required": entry.form.required.data}
            for entry in self.application_questions.entries
        )
        return found

    def fill(self, details: VacancyDetails) -> None:
        super().fill(details)
        self.statement_instructions.data = details.statement_instructions
        while self.application_questions.entries:
            self.application_questions.pop_entry()
        for question in details.application_questions:
            self.application_questions.append_entry(question)


class DocumentForm(FlaskForm):
    document = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="PDF, DOC or DOCX, up to 10 MB. For example, a job description or an application pack.",
    )


class CheckAnswersForm(FlaskForm):
    message_to_moderator = TextAreaField(
        "Your answer to the moderator (optional)",
        widget=GovTextArea(),
        description="Sent with the listing when you submit it again.",
        validators=[Optional(), Length(max=5000)],
    )


FORMS = {
    "job-details": JobDetailsForm,
    "key-stages-and-subjects": KeyStagesForm,
    "working-pattern": WorkingPatternForm,
    "pay": PayForm,
    "important-dates": DatesForm,
    "about-the-role": AboutForm,
    "how-to-apply": HowToApplyForm,
}

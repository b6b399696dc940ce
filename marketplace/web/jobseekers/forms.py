"""Forms for the jobseeker's profile and the application form, one per section.

Each section form turns itself into the plain dict the domain keeps (`to_data`) and is built back
from one (`Form(data=...)`), so the same form serves the profile and the application. Lists
(qualifications, jobs, training, referees) are rows of small sub-forms; a row left blank is ignored.
"""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovPasswordInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import Form, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields import FieldList, FormField, HiddenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from marketplace.applications.profiles import (
    DECLARATIONS,
    FAITH_ANSWERS,
    QTS_STATUSES,
    Gap,
    employment_gaps,
    normalise_trn,
    parse_month,
    trn_problem,
)
from marketplace.applications.services import MAX_STATEMENT_WORDS, word_count
from marketplace.numbers import is_ascii_digits, whole_number
from marketplace.search.geo import RADIUS_CHOICES
from marketplace.vacancies import vocabulary
from marketplace.vacancies.questions import MAX_ANSWER_CHARACTERS
from marketplace.web.forms import CheckboxesField, RadiosField, choices

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _text(label: str, max_length: int = 200, **kwargs) -> StringField:
    return StringField(
        label,
        filters=[strip],
        validators=[
            Optional(),
            Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"),
        ],
        widget=GovTextInput(),
        **kwargs,
    )


class _Row(Form):
    """One row of a list section; blank rows are dropped, partly filled ones must be completed."""

    required: dict[str, str] = {}

    def is_blank(self) -> bool:
        return not any((field.data or "").strip() for field in self if isinstance(field.data, str))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.is_blank():
            for field in self:
                field.errors = []
            return True
        for name, message in self.required.items():
            field = self[name]
            if not (field.data or "").strip() and not field.errors:
                field.errors = [message]
                valid = False
        return valid

    def to_data(self) -> dict[str, str]:
        return {name: (field.data or "").strip() for name, field in self._fields.items()}


class ListSection(FlaskForm):
    """A section made of rows; `items` is set by each subclass."""

    items: FieldList

    def rows(self) -> list[dict[str, str]]:
        return [entry.form.to_data() for entry in self.items.entries if not entry.form.is_blank()]

    def to_data(self) -> dict[str, Any]:
        return {"items": self.rows()}

    def add_blank_rows(self, wanted: int = 1) -> None:
        blank = sum(1 for entry in self.items.entries if entry.form.is_blank())
        for _ in range(max(0, wanted - blank)):
            self.items.append_entry()


def refresh_list_errors(field_list: FieldList) -> None:
    """A FieldList keeps its entries' errors from validation time: gather them again after adding one."""
    errors = [entry.errors for entry in field_list.entries]
    field_list.errors = errors if any(errors) else []


# ---------------------------------------------------------------------------- sections


class PersonalForm(FlaskForm):
    full_name = StringField(
        "Full name",
        filters=[strip],
        validators=[
            InputRequired("Enter your full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
        widget=GovTextInput(),
    )
    phone = _text("Phone number", 40)
    town = _text("Town or city", 100)
    postcode = _text("Postcode", 10)

    def validate_phone(self, field) -> None:
        if field.data and not all(is_ascii_digits(c) or c in " +()-" for c in field.data):
            raise ValidationError("Enter a phone number, like 01632 960 001 or 07700 900 982")

    def to_data(self) -> dict[str, Any]:
        return {
            "full_name": self.full_name.data or "",
            "phone": self.phone.data or "",
            "town": self.town.data or "",
            "postcode": (self.postcode.data or "").upper(),
        }


class ProfessionalForm(FlaskForm):
    qts_status = RadiosField(
        "Do you have qualified teacher status (QTS)?",
        choices=choices(QTS_STATUSES),
        validators=[InputRequired("Select whether you have qualified teacher status")],
    )
    qts_year = _text("Year QTS was awarded (optional)", 4)
    trn = StringField(
        "Teacher reference number (TRN)",
        description="7 digits, on your QTS certificate or your teacher record. Needed if you have QTS.",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=20, message="Enter your teacher reference number (TRN) as 7 digits"),
        ],
        widget=GovTextInput(),
    )

    def validate_trn(self, field) -> None:
        if problem := trn_problem(field.data or ""):
            raise ValidationError(problem)
        if self.qts_status.data == "awarded" and not field.data:
            raise ValidationError("Enter your teacher reference number (TRN)")

    def validate_qts_year(self, field) -> None:
        if field.data and whole_number(field.data, 1950, 2100) is None:
            raise ValidationError("Enter the year as 4 digits, like 2015")

    def to_data(self) -> dict[str, Any]:
        return {
            "qts_status": self.qts_status.data or "",
            "qts_year": self.qts_year.data or "",
            "trn": normalise_trn(self.trn.data or ""),
        }


class QualificationRow(_Row):
    name = _text("Qualification", description="For example BSc, PGCE, A level")
    subject = _text("Subject")
    institution = _text("School, college or university")
    grade = _text("Grade or result (optional)", 50)
    year = _text("Year awarded", 4)
    required = {"name": "Enter the qualification", "subject": "Enter the subject"}

    def validate_year(self, field) -> None:
        if field.data and whole_number(field.data, 1940, 2100) is None:
            raise ValidationError("Enter the year as 4 digits, like 2015")


class QualificationsForm(ListSection):
    items = FieldList(FormField(QualificationRow), min_entries=1)


class JobRow(_Row):
    job_title = _text("Job title")
    employer = _text("Employer")
    start = _text("Start date", 7, description="Month and year, like 09/2019")
    end = _text("End date", 7, description="Leave blank if this is your current job")
    duties = TextAreaField(
        "Main duties (optional)",
        filters=[strip],
        validators=[Optional(), Length(max=2000, message="Main duties must be 2,000 characters or fewer")],
        widget=GovTextArea(),
    )
    required = {
        "job_title": "Enter the job title",
        "employer": "Enter the employer",
        "start": "Enter the start date, like 09/2019",
    }

    def validate_start(self, field) -> None:
        if field.data and parse_month(field.data) is None:
            raise ValidationError("Enter the start date as month and year, like 09/2019")

    def validate_end(self, field) -> None:
        if not field.data:
            return
        end = parse_month(field.data)
        if end is None:
            raise ValidationError("Enter the end date as month and year, like 07/2022")
        start = parse_month(self.start.data or "")
        if start is not None and end < start:
            raise ValidationError("The end date must be the same as or after the start date")


class GapRow(Form):
    key = HiddenField()
    explanation = TextAreaField(
        "Explain this gap",
        filters=[strip],
        validators=[Length(max=1000, message="The explanation must be 1,000 characters or fewer")],
        widget=GovTextArea(),
    )


class EmploymentForm(ListSection):
    items = FieldList(FormField(JobRow), min_entries=1)
    gaps = FieldList(FormField(GapRow))

    def show_gaps(self, today) -> list[Gap]:
        """One explanation box per gap in the jobs as they stand, keeping what was typed for each."""
        explained = {entry.form.key.data: entry.form.explanation.data or "" for entry in self.gaps.entries}
        gaps = employment_gaps(self.rows(), today)
        while self.gaps.entries:
            self.gaps.pop_entry()
        for gap in gaps:
            entry = self.gaps.append_entry({"key": gap.key, "explanation": explained.get(gap.key, "")})
            entry.form.explanation.label.text = f"Explain the gap in your employment {gap.label}"
        self._gaps = gaps
        return gaps

    def validate_gaps(self, field) -> None:
        for entry, gap in zip(field.entries, getattr(self, "_gaps", []), strict=False):
            if not (entry.form.explanation.data or "").strip():
                entry.form.explanation.errors = [f"Explain the gap in your employment {gap.label}"]
        refresh_list_errors(field)

    def to_data(self) -> dict[str, Any]:
        gaps = {
            entry.form.key.data: (entry.form.explanation.data or "").strip()
            for entry in self.gaps.entries
            if entry.form.key.data
        }
        return {"items": self.rows(), "gaps": gaps}


class TrainingRow(_Row):
    name = _text("Course or training")
    provider = _text("Provider (optional)")
    year = _text("Year completed (optional)", 4)
    required = {"name": "Enter the course or training"}


class TrainingForm(ListSection):
    items = FieldList(FormField(TrainingRow), min_entries=1)


class RefereeRow(_Row):
    name = _text("Full name")
    job_title = _text("Job title")
    organisation = _text("Organisation")
    email = _text("Email address", 320)
    relationship = _text("How do you know them?", description="For example: my current headteacher")
    required = {
        "name": "Enter the referee's name",
        "job_title": "Enter the referee's job title",
        "organisation": "Enter the referee's organisation",
        "email": "Enter the referee's email address",
        "relationship": "Enter how you know the referee",
    }

    def validate_email(self, field) -> None:
        if field.data and not re.match(EMAIL_PATTERN, field.data):
            raise ValidationError("Enter an email address in the correct format, like name@example.com")


class RefereesForm(ListSection):
    items = FieldList(FormField(RefereeRow), min_entries=2)


class StatementForm(FlaskForm):
    text = TextAreaField(
        "Personal statement",
        description="Tell the school why you want this job and how your experience fits it.",
        widget=GovCharacterCount(),
    )

    def validate_text(self, field) -> None:
        if word_count(field.data or "") > MAX_STATEMENT_WORDS:
            raise ValidationError(f"Your personal statement must be {MAX_STATEMENT_WORDS:,} words or fewer")

    def to_data(self) -> dict[str, Any]:
        return {"text": (self.text.data or "").strip()}


class SupportForm(FlaskForm):
    needed = RadiosField(
        "Do you need any support or adjustments at interview?",
        choices=YES_NO,
        validators=[InputRequired("Select whether you need any support at interview")],
    )
    details = TextAreaField(
        "What support do you need? (only if yes)",
        filters=[strip],
        validators=[Length(max=2000, message="Support details must be 2,000 characters or fewer")],
        widget=GovTextArea(),
    )

    def to_data(self) -> dict[str, Any]:
        return {"needed": self.needed.data or "", "details": self.details.data or ""}


class FaithForm(FlaskForm):
    """Asked only by a school of a religious character: it may take faith into account for some posts."""

    following = RadiosField(
        "Do you follow a religion or belief?",
        choices=choices(FAITH_ANSWERS),
        validators=[InputRequired("Select whether you follow a religion or belief")],
    )
    faith = _text("Your religion or belief (only if yes)", 200)
    place_of_worship = _text("Place of worship you attend (optional)", 200)
    ethos = TextAreaField(
        "How would you support the school's religious ethos? (optional)",
        filters=[strip],
        validators=[Length(max=2000, message="Your answer must be 2,000 characters or fewer")],
        widget=GovTextArea(),
    )

    def to_data(self) -> dict[str, Any]:
        return {
            "following": self.following.data or "",
            "faith": self.faith.data or "",
            "place_of_worship": self.place_of_worship.data or "",
            "ethos": self.ethos.data or "",
        }


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        "Why are you withdrawing? (optional)",
        description="The school will see this. You do not have to give a reason.",
        filters=[strip],
        validators=[Length(max=1000, message="Your reason must be 1,000 characters or fewer")],
        widget=GovTextArea(),
    )


def _declaration(name: str) -> RadiosField:
    question = DECLARATIONS[name][0]
    return RadiosField(question, choices=YES_NO, validators=[InputRequired(f"Select an answer: {question}")])


def _details(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[strip],
        validators=[Length(max=2000, message="Details must be 2,000 characters or fewer")],
        widget=GovTextArea(),
    )


class SchoolQuestionsForm(FlaskForm):
    """The school's own questions for one job: one box each, `question_1` onwards (built per listing)."""

    asked: list[dict[str, Any]] = []

    def to_data(self) -> dict[str, Any]:
        return {
            "items": [
                {**item, "answer": (self[f"question_{number}"].data or "").strip()}
                for number, item in enumerate(self.asked, start=1)
            ]
        }


def school_questions_form(asked: list[dict[str, Any]], **kwargs) -> SchoolQuestionsForm:
    """A form asking `asked` (application_form.questions_asked), each answer as typed or stored."""

    class Form(SchoolQuestionsForm):
        pass

    for number, item in enumerate(asked, start=1):
        too_long = f"Your answer to question {number} must be {MAX_ANSWER_CHARACTERS:,} characters or fewer"
        checks = [Length(max=MAX_ANSWER_CHARACTERS, message=too_long)]
        if item["required"]:
            checks.insert(0, DataRequired(f"Enter your answer to question {number}"))
        setattr(
            Form,
            f"question_{number}",
            TextAreaField(
                f"{number}. {item['question']}" + ("" if item["required"] else " (optional)"),
                filters=[strip],
                validators=checks,
                widget=GovTextArea(),
                default=item.get("answer", ""),
            ),
        )
    form = Form(**kwargs)
    form.asked = asked
    return form


class DeclarationsForm(FlaskForm):
    right_to_work = _declaration("right_to_work")
    right_to_work_details = _details("If not, how would you get the right to work in the UK?")
    safeguarding = _declaration("safeguarding")
    safeguarding_details = _details("If yes, give details")
    close_relationships = _declaration("close_relationships")
    close_relationships_details = _details("If yes, give the person's name and your relationship")

    def to_data(self) -> dict[str, Any]:
        return {name: (field.data or "") for name, field in self._fields.items() if name != "csrf_token"}


class PreferencesForm(FlaskForm):
    job_roles = CheckboxesField("Job roles", choices=choices(vocabulary.JOB_ROLES))
    phases = CheckboxesField("Education phases", choices=choices(vocabulary.PHASES))
    subjects = CheckboxesField("Subjects", choices=choices(vocabulary.ALL_SUBJECTS))
    working_patterns = CheckboxesField("Working patterns", choices=choices(vocabulary.WORKING_PATTERNS))
    location = _text("Where do you want to work? (optional)", 100, description="A town, city or postcode")
    radius = SelectField(
        "Within",
        choices=[SelectChoice(str(miles), f"{miles} miles") for miles in RADIUS_CHOICES if miles],
        default="15",
        widget=GovSelect(),
    )

    def to_data(self) -> dict[str, Any]:
        return {
            "job_roles": self.job_roles.data or [],
            "phases": self.phases.data or [],
            "subjects": self.subjects.data or [],
            "working_patterns": self.working_patterns.data or [],
            "location": self.location.data or "",
            "radius": int(self.radius.data or 15),
        }


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        "Your password",
        description="To confirm it is you.",
        validators=[InputRequired("Enter your password")],
        widget=GovPasswordInput(),
    )


SECTION_FORMS: dict[str, type[FlaskForm]] = {
    "personal": PersonalForm,
    "professional": ProfessionalForm,
    "qualifications": QualificationsForm,
    "employment": EmploymentForm,
    "training": TrainingForm,
    "referees": RefereesForm,
    "statement": StatementForm,
    "support": SupportForm,
    "faith": FaithForm,
    "declarations": DeclarationsForm,
    "preferences": PreferencesForm,
}


class LetSchoolsFindYouForm(PreferencesForm):
    """Opting in to candidate search, with the job preferences schools search on."""

    visible = RadiosField(
        "Do you want schools to be able to find your profile?",
        choices=[
            SelectChoice("yes", "Yes, let verified schools and trusts find me"),
            SelectChoice("no", "No, hide my profile from schools"),
        ],
        validators=[InputRequired("Select whether schools can find your profile")],
    )
    exclude = TextAreaField(
        "Schools or trusts that must never see your profile (optional)",
        description="For example your current employer. One per line: the exact name or its URN.",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=3000, message="The list of schools must be 3,000 characters or fewer"),
        ],
        widget=GovTextArea(),
    )


class DeclineInvitationForm(FlaskForm):
    """Only the CSRF token: declining needs no answer."""

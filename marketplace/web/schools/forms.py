"""The vacancy form: every field of a teaching vacancy on one page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovTextArea, GovTextInput
from wtforms import BooleanField, EmailField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Email, InputRequired, Length, NumberRange, Optional

from marketplace.vacancies import pay, vocabulary
from marketplace.vacancies.details import VacancyDetails
from marketplace.web.forms import CheckboxesField, GovDateField, PoundsField, RadiosField, choices

YES_NO = choices({"yes": "Yes", "no": "No"})


class DecimalField(StringField):
    """A number that may have a fraction ("32.5", "0.6"), kept as typed when it is not one."""

    widget = GovTextInput()

    def __init__(
        self,
        label=None,
        validators=None,
        *,
        places: int,
        lowest: float,
        highest: float,
        message: str,
        **kwargs,
    ):
        super().__init__(label, validators, **kwargs)
        self.places, self.lowest, self.highest, self.message = places, lowest, highest, message

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        if not self.raw.strip():
            self.data = None
            return
        self.data = pay.decimal_number(self.raw, places=self.places, lowest=self.lowest, highest=self.highest)
        if self.data is None:
            raise ValueError(self.message)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return pay.number(self.data) if self.data is not None else ""


class PenceField(StringField):
    """An amount in pounds and pence ("12.45" or "£12.45"), held in whole pence."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, *, message: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        if not self.raw.strip():
            self.data = None
            return
        self.data = pay.pence(self.raw)
        if self.data is None:
            raise ValueError(self.message)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return pay.pounds_and_pence(self.data)[1:] if self.data is not None else ""


class VacancyForm(FlaskForm):
    organisation_id = RadiosField(
        "Which school or trust is this job at?",
        coerce=str,
        validators=[InputRequired("Select the school or trust")],
    )
    title = StringField(
        "Job title",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter a job title"),
            Length(max=200, message="Job title must be 200 characters or fewer"),
        ],
    )
    job_roles = CheckboxesField(
        "Job role",
        choices=choices(vocabulary.JOB_ROLES),
        validators=[DataRequired("Select at least one job role")],
    )
    phases = CheckboxesField(
        "Education phase",
        choices=choices(vocabulary.PHASES),
        validators=[DataRequired("Select at least one education phase")],
    )
    key_stages = CheckboxesField("Key stages (optional)", choices=choices(vocabulary.KEY_STAGES))
    subjects = CheckboxesField(
        "Subjects (optional)",
        choices=choices(vocabulary.ALL_SUBJECTS),
        description="Leave blank for roles that are not subject-specific.",
    )
    working_patterns = CheckboxesField(
        "Working pattern",
        choices=choices(vocabulary.WORKING_PATTERNS),
        validators=[DataRequired("Select a working pattern")],
    )
    job_share = BooleanField("Open to job share", widget=GovCheckboxInput())
    contract_type = RadiosField(
        "Contract type",
        choices=choices(vocabulary.CONTRACT_TYPES),
        validators=[InputRequired("Select a contract type")],
    )
    fixed_term_length = StringField(
        "Length of fixed-term contract",
        widget=GovTextInput(),
        description="For example, 1 year",
        validators=[Optional(), Length(max=100)],
    )
    parental_leave_cover = BooleanField("This contract covers parental leave", widget=GovCheckboxInput())
    hours_per_week = DecimalField(
        "Hours per week (optional)",
        description="For example, 32.5",
        places=1,
        lowest=0.5,
        highest=pay.MOST_HOURS,
        message=f"Enter the hours per week as a number from 0.5 to {pay.MOST_HOURS}, like 32.5",
    )
    fte = DecimalField(
        "Full-time equivalent (FTE) (optional)",
        description="For a part-time job, a number from 0.1 to 1.0. For example, 0.6 for 3 days a week",
        places=2,
        lowest=pay.LOWEST_FTE,
        highest=pay.HIGHEST_FTE,
        message="Enter the full-time equivalent as a number from 0.1 to 1.0, like 0.6",
    )
    term_time_only = BooleanField("Term time only", widget=GovCheckboxInput())
    salary = StringField(
        "Salary",
        widget=GovTextInput(),
        description="For example, Main pay range (MPR), or £25,000 to £28,000 pro rata",
        validators=[DataRequired("Enter the salary"), Length(max=200)],
    )
    salary_minimum = PoundsField(
        "Lowest full-time salary in pounds a year (optional)",
        validators=[Optional(), NumberRange(min=1, max=500_000, message="Enter a yearly salary in pounds")],
    )
    salary_maximum = PoundsField(
        "Highest full-time salary in pounds a year (optional)",
        validators=[Optional(), NumberRange(min=1, max=500_000, message="Enter a yearly salary in pounds")],
    )
    actual_salary = PoundsField(
        "Actual pay in pounds a year, for a part-time or term-time-only job (optional)",
        description=(
            "What the job pays for its hours. If you leave it blank we show the full-time range times "
            "the FTE, except for a term-time-only job"
        ),
        validators=[
            Optional(),
            NumberRange(
                min=1, max=pay.MOST_SALARY, message="Enter the actual pay in pounds a year, like 18,990"
            ),
        ],
    )
    hourly_rate_pence = PenceField(
        "Hourly rate in pounds (optional)",
        description="For jobs paid by the hour. For example, 12.85",
        message="Enter an hourly rate in pounds and pence, like 12.85",
    )
    starts_on = GovDateField(
        "Start date (optional)",
        validators=[Optional()],
        description="Leave blank if the job starts as soon as possible.",
    )
    publish_on = GovDateField(
        "Date the listing goes live",
        validators=[InputRequired("Enter the date the listing goes live")],
        description="For example, 27 3 2027",
    )
    closing_date = GovDateField("Closing date", validators=[InputRequired("Enter the closing date")])
    closing_time = RadiosField(
        "Closing time",
        choices=choices(vocabulary.CLOSING_TIMES),
        validators=[InputRequired("Select a closing time")],
        default="12:00",
    )
    ect_status = RadiosField(
        "Is this job suitable for early career teachers?",
        choices=choices(vocabulary.ECT_STATUSES),
        validators=[InputRequired("Select whether the job suits early career teachers")],
    )
    visa_sponsorship = RadiosField(
        "Can you sponsor a visa for this job?",
        choices=YES_NO,
        default="no",
        validators=[InputRequired("Select whether you can sponsor a visa")],
    )
    about_role = TextAreaField(
        "About the role",
        widget=GovTextArea(),
        validators=[DataRequired("Describe the role"), Length(max=20_000)],
    )
    what_school_offers = TextAreaField(
        "What the school offers (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=10_000)]
    )
    how_to_apply = RadiosField(
        "How should candidates apply?",
        choices=choices(vocabulary.HOW_TO_APPLY),
        validators=[InputRequired("Select how candidates should apply")],
        default="marketplace",
    )
    application_url = URLField(
        "Web address where candidates apply",
        widget=GovTextInput(),
        validators=[Optional(), URL(message="Enter a full web address, starting https://")],
    )
    application_email = EmailField(
        "Email address for applications",
        widget=GovTextInput(),
        validators=[Optional(), Email("Enter an email address in the correct format, like name@example.com")],
    )
    contact_email = EmailField(
        "Contact email for questions about the job",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter a contact email address"),
            Email("Enter an email address in the correct format, like name@example.com"),
        ],
    )
    external_reference = StringField(
        "Your reference (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=100)]
    )

    def __init__(self, *args, organisations=(), saved_closing_time: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = choices({str(o.id): o.name for o in organisations})
        if saved_closing_time and saved_closing_time not in vocabulary.CLOSING_TIMES:
            # A listing imported or posted through the API may close at another time: keep it editable as is.
            self.closing_time.choices = choices((*vocabulary.CLOSING_TIMES, saved_closing_time))
        if len(organisations) == 1 and not self.organisation_id.data:
            self.organisation_id.data = str(organisations[0].id)

    def details(self) -> VacancyDetails:
        """The validated answers as a plain value for the vacancy services."""
        return VacancyDetails(
            title=self.title.data.strip(),
            job_roles=self.job_roles.data or [],
            phases=self.phases.data or [],
            key_stages=self.key_stages.data or [],
            subjects=self.subjects.data or [],
            working_patterns=self.working_patterns.data or [],
            job_share=bool(self.job_share.data),
            contract_type=self.contract_type.data,
            fixed_term_length=(self.fixed_term_length.data or "").strip() or None,
            parental_leave_cover=bool(self.parental_leave_cover.data),
            salary=self.salary.data.strip(),
            salary_minimum=self.salary_minimum.data,
            salary_maximum=self.salary_maximum.data,
            starts_on=self.starts_on.data,
            publish_on=self.publish_on.data,
            closing_date=self.closing_date.data,
            closing_time=self.closing_time.data,
            ect_status=self.ect_status.data,
            visa_sponsorship=self.visa_sponsorship.data == "yes",
            about_role=self.about_role.data.strip(),
            what_school_offers=(self.what_school_offers.data or "").strip(),
            how_to_apply=self.how_to_apply.data,
            application_url=(self.application_url.data or "").strip() or None,
            application_email=(self.application_email.data or "").strip().lower() or None,
            contact_email=self.contact_email.data.strip().lower(),
            external_reference=(self.external_reference.data or "").strip() or None,
            hours_per_week=self.hours_per_week.data,
            fte=self.fte.data,
            term_time_only=bool(self.term_time_only.data),
            actual_salary=self.actual_salary.data,
            hourly_rate_pence=self.hourly_rate_pence.data,
        )

    def fill_from(self, details: VacancyDetails, organisation_id: int) -> None:
        """Show a saved vacancy's answers on a GET (a POST always shows what was typed)."""
        for name, field in self._fields.items():
            if hasattr(details, name):
                field.data = getattr(details, name)
        self.visa_sponsorship.data = "yes" if details.visa_sponsorship else "no"
        self.organisation_id.data = str(organisation_id)

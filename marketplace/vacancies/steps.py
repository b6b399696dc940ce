"""The listing wizard's sections and the use-cases that save a listing one section at a time.

Each section saves the draft. A listing started in the wizard is a real draft from its first section:
the questions not answered yet hold neutral placeholders, and `Vacancy.unanswered_steps` says which
sections are still to do, so a school resuming a draft lands on the first of them and cannot submit
before all are answered. The rules of `details.problems()` stay the one source of truth; a section
only reports the problems of its own questions.

Saving a section (publishing/editing.py) screens every change to a listing on sale with the moderation
policy, as the ATS API does (publishing/ats.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.audit import AuditAction, AuditSubject
from marketplace.db import uk_today, utcnow
from marketplace.extensions import db
from marketplace.organisations.models import Organisation
from marketplace.vacancies import listing_schools, vocabulary
from marketplace.vacancies.details import VacancyDetails, problems
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.services import InvalidDetails, check_member


@dataclasses.dataclass(frozen=True)
class Step:
    slug: str
    title: str
    fields: tuple[str, ...]


STEPS: tuple[Step, ...] = (
    Step("job-details", "Job details", ("title", "job_roles", "phases")),
    Step("key-stages-and-subjects", "Key stages and subjects", ("key_stages", "subjects")),
    Step(
        "working-pattern",
        "Working pattern and contract",
        (
            "working_patterns",
            "job_share",
            "hours_per_week",
            "fte",
            "term_time_only",
            "contract_type",
            "fixed_term_length",
            "parental_leave_cover",
        ),
    ),
    Step(
        "pay",
        "Pay",
        ("salary", "salary_minimum", "salary_maximum", "actual_salary", "hourly_rate_pence"),
    ),
    Step("important-dates", "Important dates", ("publish_on", "closing_date", "closing_time", "starts_on")),
    Step(
        "about-the-role",
        "About the role",
        ("about_role", "what_school_offers", "ect_status", "visa_sponsorship"),
    ),
    Step("documents", "Supporting documents", ()),
    Step(
        "how-to-apply",
        "How to apply",
        (
            "how_to_apply",
            "application_url",
            "application_email",
            "contact_email",
            "external_reference",
            "statement_instructions",
            "application_questions",
        ),
    ),
)
BY_SLUG = {step.slug: step for step in STEPS}

# Which key stages each phase covers: a school is only offered the key stages of the phases it chose.
PHASE_KEY_STAGES = {
    "nursery": ("early_years",),
    "primary": ("early_years", "ks1", "ks2"),
    "secondary": ("ks3", "ks4", "ks5"),
    "sixth_form_or_college": ("ks5",),
    "through": ("early_years", "ks1", "ks2", "ks3", "ks4", "ks5"),
}
# Subjects are asked only where teaching is by subject: secondary and post-16 (an all-through school
# includes a secondary phase).
SUBJECT_PHASES = frozenset({"secondary", "sixth_form_or_college", "through"})

# Statuses the wizard may change, and those among them that are public (or about to be).
WIZARD_EDITABLE = frozenset(
    {VacancyStatus.DRAFT, VacancyStatus.REJECTED, VacancyStatus.PUBLISHED, VacancyStatus.SCHEDULED}
)
ON_SALE = frozenset({VacancyStatus.PUBLISHED, VacancyStatus.SCHEDULED})


def key_stages_for(phases: list[str]) -> list[str]:
    """The key stages that match the phases, in the vocabulary's order."""
    offered = {stage for phase in phases for stage in PHASE_KEY_STAGES.get(phase, ())}
    return [stage for stage in vocabulary.KEY_STAGES if stage in offered]


def asks_subjects(phases: list[str]) -> bool:
    return bool(SUBJECT_PHASES.intersection(phases))


def fitted(details: VacancyDetails) -> VacancyDetails:
    """The details with answers that no longer fit dropped: key stages of other phases, unasked subjects."""
    allowed = set(key_stages_for(details.phases))
    return dataclasses.replace(
        details,
        key_stages=[stage for stage in details.key_stages if stage in allowed],
        subjects=list(details.subjects) if asks_subjects(details.phases) else [],
    )


def step_fields(step: Step, vacancy: Vacancy | None) -> tuple[str, ...]:
    """The questions a section asks: a listing already on sale keeps its publish date."""
    if step.slug == "important-dates" and vacancy is not None and vacancy.status in ON_SALE:
        return tuple(name for name in step.fields if name != "publish_on")
    return step.fields


def first_unanswered(vacancy: Vacancy) -> Step | None:
    for step in STEPS:
        if step.slug in vacancy.unanswered_steps:
            return step
    return None


def next_step(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def previous_step(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index - 1] if index else None


def placeholders(user: User, now: dt.datetime) -> VacancyDetails:
    """Neutral answers for the questions a new draft has not reached yet (never shown as answers)."""
    today = uk_today(now)
    return VacancyDetails(
        title="",
        job_roles=[],
        phases=[],
        key_stages=[],
        subjects=[],
        working_patterns=[],
        job_share=False,
        contract_type="permanent",
        fixed_term_length=None,
        parental_leave_cover=False,
        salary="",
        salary_minimum=None,
        salary_maximum=None,
        starts_on=None,
        publish_on=today,
        closing_date=today + dt.timedelta(days=28),
        closing_time="12:00",
        ect_status="ect_suitable",
        visa_sponsorship=False,
        about_role="",
        what_school_offers="",
        how_to_apply="marketplace",
        application_url=None,
        application_email=None,
        contact_email=user.email,
        external_reference=None,
    )


def problems_of(details: VacancyDetails, fields: tuple[str, ...], now: dt.datetime) -> dict[str, str]:
    """The problems of the details that belong to the questions `fields` (a section reports only its own)."""
    return {name: message for name, message in problems(details, now).items() if name in fields}


def schools_for(organisation_id: int, school_ids: list[int] | None) -> list[Organisation] | None:
    """The schools a listing of the organisation covers, checked (None: the question was not asked).
    Reported as a problem of the `school_ids` question."""
    if school_ids is None:
        return None
    try:
        return listing_schools.checked_schools(db.session.get(Organisation, organisation_id), school_ids)
    except listing_schools.SchoolsProblem as problem:
        raise InvalidDetails({"school_ids": str(problem)}) from None


def start(
    user: User,
    organisation_id: int,
    values: dict,
    *,
    school_ids: list[int] | None = None,
    now: dt.datetime | None = None,
) -> Vacancy:
    """Save the first section of a new listing as a draft of one of the user's organisations; a trust's
    listing names the schools of the trust the job is at (`school_ids`)."""
    now = now or utcnow()
    check_member(user, organisation_id)
    first = STEPS[0]
    details = fitted(dataclasses.replace(placeholders(user, now), **values))
    found = problems_of(details, first.fields, now)
    try:
        schools = schools_for(organisation_id, school_ids)
    except InvalidDetails as error:
        found.update(error.problems)
    if found:
        raise InvalidDetails(found)
    vacancy = Vacancy(
        organisation_id=organisation_id,
        created_by_id=user.id,
        status=VacancyStatus.DRAFT,
        unanswered_steps=[step.slug for step in STEPS if step is not first],
        **details.model_fields(),
    )
    if schools:
        listing_schools.set_schools(vacancy, schools)
    db.session.add(vacancy)
    db.session.flush()
    audit.record(
        AuditAction.VACANCY_CREATE, subject_type=AuditSubject.VACANCY, subject_id=vacancy.id, actor=user
    )
    return vacancy

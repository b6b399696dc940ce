"""Fair recruitment: an optional equal-opportunities questionnaire after applying, and its report.

The answers are stored apart from the application, with nothing that leads back to it or to the person:
the listing, its organisation and the month. So no one shortlisting can ever see them, and nothing about
the person remains to download or erase (the application only records that the questionnaire was answered,
so it is not offered twice). Reports count answers per listing or organisation, and show a group only when
it has at least MIN_GROUP people: smaller groups are counted together as "Fewer than 5", and a report with
fewer than MIN_GROUP answers shows nothing.

Totals that grew by one answer while staff read applications would give that one person away, so answers
are taken only while a listing is open and counted only once it has closed: a report never changes while
anyone could match its change to an application.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.accounts.models import User
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.db import Base, utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.vacancies.models import Vacancy

MIN_GROUP = 5
PREFER_NOT = "Prefer not to say"

# (name, question, answers): the categories of the census for England, each with "Prefer not to say".
QUESTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("age", "What is your age?", ("Under 25", "25 to 29", "30 to 39", "40 to 49", "50 to 59", "60 or over")),
    ("sex", "What is your sex?", ("Female", "Male")),
    (
        "gender_identity",
        "Is the gender you identify with the same as your sex registered at birth?",
        ("Yes", "No"),
    ),
    (
        "ethnicity",
        "What is your ethnic group?",
        (
            "Asian or Asian British",
            "Black, Black British, Caribbean or African",
            "Mixed or multiple ethnic groups",
            "White",
            "Other ethnic group",
        ),
    ),
    (
        "disability",
        "Do you consider yourself to have a disability or long-term health condition?",
        ("Yes", "No"),
    ),
    (
        "religion",
        "What is your religion or belief?",
        ("No religion", "Buddhist", "Christian", "Hindu", "Jewish", "Muslim", "Sikh", "Any other religion"),
    ),
    (
        "sexual_orientation",
        "What is your sexual orientation?",
        ("Bisexual", "Gay or lesbian", "Heterosexual or straight", "Other sexual orientation"),
    ),
)
CHOICES = {name: (*answers, PREFER_NOT) for name, _, answers in QUESTIONS}


class EqualOpportunitiesResponse(Base):
    """One anonymous set of answers: no application, no person, only where and roughly when."""

    __tablename__ = "equal_opportunities_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    month: Mapped[str] = mapped_column(sa.String(7))  # "2026-12": no day, no time, nothing to match on
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class QuestionnaireRefused(DomainError):
    """The questionnaire cannot be answered for this application."""


def can_answer(application: Application, now: dt.datetime | None = None) -> bool:
    """Once per sent application, while its listing still takes applications."""
    return (
        application.status is not ApplicationStatus.DRAFT
        and not application.equal_opportunities_answered
        and application.vacancy.closes_at > (now or utcnow())
    )


def answer(
    jobseeker: User, application: Application, answers: dict[str, str], *, now: dt.datetime | None = None
):
    """Store the answers anonymously (a missing or unknown answer counts as "Prefer not to say")."""
    if application.jobseeker_id != jobseeker.id:
        raise QuestionnaireRefused("This is not your application.")
    if not can_answer(application, now):
        raise QuestionnaireRefused(
            "The equal opportunities questions for this application were answered, or the job has closed."
        )
    cleaned = {
        name: answers.get(name) if answers.get(name) in CHOICES[name] else PREFER_NOT for name in CHOICES
    }
    db.session.add(
        EqualOpportunitiesResponse(
            vacancy_id=application.vacancy_id,
            organisation_id=application.vacancy.organisation_id,
            month=(now or utcnow()).strftime("%Y-%m"),
            answers=cleaned,
        )
    )
    application.equal_opportunities_answered = True


@dataclass(frozen=True)
class QuestionReport:
    question: str
    rows: list[tuple[str, int]]  # (answer, people), groups under MIN_GROUP folded into one row


@dataclass(frozen=True)
class Report:
    responses: int
    questions: list[QuestionReport]

    @property
    def shown(self) -> bool:
        return self.responses >= MIN_GROUP


def report(
    *,
    vacancy_ids: list[int] | None = None,
    organisation_ids: set[int] | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """The aggregate for some listings or organisations, over closed listings only; groups of fewer than
    MIN_GROUP are never shown."""
    query = (
        sa.select(EqualOpportunitiesResponse.answers)
        .join(Vacancy, Vacancy.id == EqualOpportunitiesResponse.vacancy_id)
        .where(Vacancy.closes_at <= (now or utcnow()))
    )
    if vacancy_ids is not None:
        query = query.where(EqualOpportunitiesResponse.vacancy_id.in_(vacancy_ids))
    if organisation_ids is not None:
        query = query.where(EqualOpportunitiesResponse.organisation_id.in_(organisation_ids))
    answers = list(db.session.scalars(query))
    if len(answers) < MIN_GROUP:
        return Report(len(answers), [])
    questions = []
    for name, question, _ in QUESTIONS:
        counts = Counter(given.get(name, PREFER_NOT) for given in answers)
        rows = [(choice, counts[choice]) for choice in CHOICES[name] if counts[choice] >= MIN_GROUP]
        folded = sum(count for choice, count in counts.items() if count < MIN_GROUP)
        if folded:
            rows.append((f"Fewer than {MIN_GROUP} in a group (not shown)", folded))
        questions.append(QuestionReport(question, rows))
    return Report(len(answers), questions)

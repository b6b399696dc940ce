"""Fair recruitment: an optional equal-opportunities questionnaire after applying, and its report.

The answers are stored apart from the application, with nothing that leads back to it or to the person:
the listing, its organisation and the month. So no one shortlisting can ever see them, and nothing about
the person remains to download or erase (the application only records that the questionnaire was answered,
so it is not offered twice). Reports count answers per listing or organisation, and show a group only when
it has at least MIN_GROUP people: smaller groups are counted together in one row, and a report with fewer
than MIN_GROUP answers shows nothing.

Totals that grew by one answer while staff read applications would give that one person away, so answers
are taken only while a listing is open and counted only once it has closed: a report never changes while
anyone could match its change to an application.

Hiding small groups is not enough on its own, because a reader can subtract. Two rules close the gaps:

- Within a question, the hidden groups are shown as one folded row, and that row must itself be at least
  MIN_GROUP people: otherwise the smallest shown group is hidden too (complementary suppression). Without
  this, "Yes 12, Prefer not to say 6" out of 20 answers would tell the reader that 2 said "No".
- Between two reports, the counts only ever grow in steps of at least MIN_GROUP people (`released`): a
  listing's answers are counted in batches, one per spell the listing was open, pooled with the next spell
  until the pool has MIN_GROUP answers. A closing date extended after a listing has closed re-opens it and
  starts a new spell; the answers from that spell join the report only once it has closed again and they
  (with any held back before) number MIN_GROUP or more. So the answers counted before the re-opening stay
  as they were, and no report differs from an earlier one by fewer than MIN_GROUP people.
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
from marketplace.vacancies.models import ClosingDateExtension, Vacancy

MIN_GROUP = 5
PREFER_NOT = "Prefer not to say"
FOLDED_ROW = f"Other answers, with every group of fewer than {MIN_GROUP} (not shown one by one)"

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
    # How many times the listing had been re-opened after closing when these answers were given: the
    # spell they belong to, so answers given after a re-opening are counted apart (see `released`).
    reopenings: Mapped[int] = mapped_column(default=0, server_default="0")


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
            reopenings=reopenings([application.vacancy_id]).get(application.vacancy_id, 0),
        )
    )
    application.equal_opportunities_answered = True


def reopenings(vacancy_ids: list[int]) -> dict[int, int]:
    """How many times each listing's closing date was extended after it had already closed (listings
    never re-opened are left out)."""
    if not vacancy_ids:
        return {}
    rows = db.session.execute(
        sa.select(ClosingDateExtension.vacancy_id, sa.func.count(ClosingDateExtension.id))
        .where(
            ClosingDateExtension.vacancy_id.in_(vacancy_ids),
            ClosingDateExtension.previous_closes_at <= ClosingDateExtension.extended_at,
        )
        .group_by(ClosingDateExtension.vacancy_id)
    )
    return dict(rows.all())


def released(answers_per_spell: dict[int, int], spells_finished: int) -> int:
    """How many of a listing's answers a report may count: its finished spells (0 to spells_finished - 1,
    each a time the listing was open), taken in order and counted a batch at a time, a batch being the
    answers of one or more spells pooled until they reach MIN_GROUP. What is left over waits for the
    next spell, so a listing's count only ever grows, and by MIN_GROUP or more each time."""
    counted = pooled = 0
    for spell in range(spells_finished):
        pooled += answers_per_spell.get(spell, 0)
        if pooled >= MIN_GROUP:
            counted, pooled = counted + pooled, 0
    return counted


def fold_small_groups(counts: dict[str, int]) -> tuple[list[tuple[str, int]], int]:
    """(shown groups, people folded together) for one question's counts in the order of its choices.

    Groups under MIN_GROUP are folded; if the fold then holds fewer than MIN_GROUP people (one small
    group, or a few), it could be worked out by subtracting the shown groups from the total, so the
    smallest shown group is folded in as well (complementary suppression).
    """
    shown = {choice: count for choice, count in counts.items() if count >= MIN_GROUP}
    folded = sum(counts.values()) - sum(shown.values())
    if 0 < folded < MIN_GROUP and shown:
        smallest = min(shown, key=lambda choice: (shown[choice], list(counts).index(choice)))
        folded += shown.pop(smallest)
    return list(shown.items()), folded


@dataclass(frozen=True)
class QuestionReport:
    question: str
    rows: list[tuple[str, int]]  # (answer, people), small groups folded into one last row (FOLDED_ROW)


@dataclass(frozen=True)
class Report:
    responses: int
    questions: list[QuestionReport]
    # Answers from listings that have closed, waiting to be counted until there are MIN_GROUP of them.
    held_back: bool = False

    @property
    def shown(self) -> bool:
        return self.responses >= MIN_GROUP


def report(
    *,
    vacancy_ids: list[int] | None = None,
    organisation_ids: set[int] | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """The aggregate for some listings or organisations: only answers released for counting (see
    `released`), and never a group of fewer than MIN_GROUP, directly or by subtraction."""
    now = now or utcnow()
    query = sa.select(
        EqualOpportunitiesResponse.vacancy_id,
        EqualOpportunitiesResponse.reopenings,
        EqualOpportunitiesResponse.answers,
    ).order_by(EqualOpportunitiesResponse.id)
    if vacancy_ids is not None:
        query = query.where(EqualOpportunitiesResponse.vacancy_id.in_(vacancy_ids))
    if organisation_ids is not None:
        query = query.where(EqualOpportunitiesResponse.organisation_id.in_(organisation_ids))
    per_listing: dict[int, dict[int, list[dict[str, Any]]]] = {}
    for vacancy_id, spell, given in db.session.execute(query):
        per_listing.setdefault(vacancy_id, {}).setdefault(spell, []).append(given)
    closed = set(
        db.session.scalars(
            sa.select(Vacancy.id).where(Vacancy.id.in_(list(per_listing)), Vacancy.closes_at <= now)
        )
    )
    times_reopened = reopenings(list(per_listing))
    answers: list[dict[str, Any]] = []
    held_back = False
    for vacancy_id, spells in per_listing.items():
        # Every spell before the current one has closed; the current one has once the listing is closed.
        finished = times_reopened.get(vacancy_id, 0) + (vacancy_id in closed)
        counted = released({spell: len(given) for spell, given in spells.items()}, finished)
        answers.extend([given for spell in sorted(spells) for given in spells[spell]][:counted])
        held_back = held_back or sum(len(spells.get(spell, ())) for spell in range(finished)) > counted
    if len(answers) < MIN_GROUP:
        return Report(len(answers), [], held_back)
    questions = []
    for name, question, _ in QUESTIONS:
        tally = Counter(given.get(name, PREFER_NOT) for given in answers)
        rows, folded = fold_small_groups({choice: tally[choice] for choice in CHOICES[name]})
        if folded:
            rows.append((FOLDED_ROW, folded))
        questions.append(QuestionReport(question, rows))
    return Report(len(answers), questions, held_back)

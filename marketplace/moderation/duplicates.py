"""Duplicate checks: the rules that need other listings, so they read the database.

Kept apart from `rules.py` so the text rules stay pure. Similarity is the Jaccard overlap of word
shingles (runs of five words) over the title and description: near-duplicates within one organisation
usually mean a listing posted twice by mistake; an exact copy of another organisation's listing is a
classic sign of a scraped or fake advert.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.moderation.rules import Finding, Severity
from marketplace.organisations.models import Organisation
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.richtext import plain_text

SHINGLE_WORDS = 5
# Listings another one may duplicate: those live, on their way to being live, or waiting for review.
ACTIVE = (VacancyStatus.PUBLISHED, VacancyStatus.SCHEDULED, VacancyStatus.PENDING_REVIEW)

_WORD = re.compile(r"[a-z0-9£]+")


def normalised_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[tuple[str, ...]]:
    words = normalised_words(text)
    if len(words) < size:
        return frozenset({tuple(words)}) if words else frozenset()
    return frozenset(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def similarity(first: str, second: str) -> float:
    """Jaccard similarity of the two texts' shingles: 1.0 for the same words in the same order."""
    a, b = shingles(first), shingles(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def listing_text(title: str, about_role: str) -> str:
    return f"{title}\n{plain_text(about_role)}"


def duplicate_findings(
    details: VacancyDetails,
    organisation: Organisation,
    *,
    threshold: float,
    exclude_vacancy_id: int | None = None,
) -> list[Finding]:
    """Near-duplicates among the organisation's active listings; exact copies of other organisations' ones."""
    findings: list[Finding] = []
    text = listing_text(details.title, details.about_role)
    own = db.session.scalars(
        sa.select(Vacancy).where(
            Vacancy.organisation_id == organisation.id,
            Vacancy.status.in_(ACTIVE),
            Vacancy.id != (exclude_vacancy_id or -1),
        )
    )
    for other in own:
        score = similarity(text, listing_text(other.title, other.about_role))
        if score >= threshold:
            findings.append(
                Finding(
                    "duplicate.same_organisation",
                    Severity.REVIEW,
                    "about_role",
                    f"This listing is {score:.0%} the same as your listing “{other.title}” (reference "
                    f"{other.id}), which is already {other.status.label.lower()}. If it is a second post, "
                    "say how it differs; if it is a mistake, delete this draft.",
                    text=other.title,
                )
            )
            break
    same_family = {organisation.id}
    if organisation.trust_id:
        same_family.add(organisation.trust_id)
        same_family.update(
            db.session.scalars(
                sa.select(Organisation.id).where(Organisation.trust_id == organisation.trust_id)
            )
        )
    same_family.update(
        db.session.scalars(sa.select(Organisation.id).where(Organisation.trust_id == organisation.id))
    )
    words = normalised_words(text)
    if len(words) >= 20:  # short, formulaic texts are not evidence of copying
        copies = db.session.scalars(
            sa.select(Vacancy).where(
                Vacancy.organisation_id.not_in(same_family),
                Vacancy.status.in_(ACTIVE),
                sa.func.lower(Vacancy.title) == details.title.strip().lower(),
            )
        )
        for other in copies:
            if normalised_words(listing_text(other.title, other.about_role)) == words:
                findings.append(
                    Finding(
                        "duplicate.other_organisation",
                        Severity.REVIEW,
                        "about_role",
                        "This listing is word for word the same as one posted by another organisation. Write "
                        "your own description of the job: copied adverts are a common sign of fake listings.",
                    )
                )
                break
    return findings

"""Duplicate checks: the rules that need other listings, so they read the database.

Kept apart from `rules.py` so the text rules stay pure. Similarity is the Jaccard overlap of word
shingles (runs of five words) over the title and description: near-duplicates within one organisation
usually mean a listing posted twice by mistake; an exact copy of another organisation's listing is a
classic sign of a scraped or fake advert.

Both checks find their candidates by index, so they cost the same with a hundred listings or a million:
exact copies by the content hash of the words, near-duplicates by the MinHash band keys of the
organisation's listings (vacancies/fingerprints.py); `similarity` then decides as it always has.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.moderation.rules import Finding, Severity
from marketplace.organisations.models import Organisation
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.fingerprints import (
    SHINGLE_WORDS,
    band_keys,
    content_hash,
    listing_text,
    normalised_words,
    shingles,
)
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy, vacancy_bands

__all__ = [
    "SHINGLE_WORDS",
    "duplicate_findings",
    "listing_text",
    "normalised_words",
    "shingles",
    "similarity",
]

# Listings another one may duplicate: those live, on their way to being live, or waiting for review.
ACTIVE = (VacancyStatus.PUBLISHED, VacancyStatus.SCHEDULED, VacancyStatus.PENDING_REVIEW)


def similarity(first: str, second: str) -> float:
    """Jaccard similarity of the two texts' shingles: 1.0 for the same words in the same order."""
    a, b = shingles(first), shingles(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


# What the checks read of another listing: a short statement the driver keeps prepared, rather than
# every column of the vacancy.
_COMPARED = (Vacancy.id, Vacancy.title, Vacancy.about_role, Vacancy.status)

# Both lookups below keep to the index that finds their few candidates and check the status of those
# in Python: a status condition in the query lets PostgreSQL combine the status index too, which covers
# most of the table and costs more than the whole lookup (the more so while a bulk import has left
# its statistics behind).


def near_duplicate_candidates(
    details: VacancyDetails, organisation_id: int, *, exclude_vacancy_id: int | None = None
) -> list[sa.Row]:
    """The organisation's active listings that share a MinHash band with these details, in id order:
    every listing at or above the usual thresholds is among them (see vacancies/fingerprints.py), and
    only a few that are not."""
    keys = band_keys(details.title, details.about_role)
    if not keys:
        return []
    sharing = (
        sa.select(vacancy_bands.c.vacancy_id)
        .where(vacancy_bands.c.organisation_id == organisation_id, vacancy_bands.c.key.in_(keys))
        .distinct()
    )
    rows = db.session.execute(
        sa.select(*_COMPARED)
        .where(Vacancy.id.in_(sharing), Vacancy.organisation_id == organisation_id)
        .order_by(Vacancy.id)
    )
    return [row for row in rows if row.status in ACTIVE and row.id != exclude_vacancy_id]


def exact_copies(details: VacancyDetails, organisation_ids: set[int]) -> list[sa.Row]:
    """Active listings outside `organisation_ids` with the same title (ignoring case) and word for word
    the same text, found by the content hash."""
    rows = db.session.execute(
        sa.select(*_COMPARED).where(
            Vacancy.content_hash == content_hash(details.title, details.about_role),
            Vacancy.organisation_id.not_in(organisation_ids),
            sa.func.lower(Vacancy.title) == details.title.strip().lower(),
        )
    )
    return [row for row in rows if row.status in ACTIVE]


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
    near = near_duplicate_finding(
        text,
        near_duplicate_candidates(details, organisation.id, exclude_vacancy_id=exclude_vacancy_id),
        threshold=threshold,
    )
    if near is not None:
        findings.append(near)
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
    if len(words) >= COPY_MIN_WORDS:
        copy = exact_copy_finding(words, exact_copies(details, same_family))
        if copy is not None:
            findings.append(copy)
    return findings


# Short, formulaic texts are not evidence of copying.
COPY_MIN_WORDS = 20


def near_duplicate_finding(text: str, candidates: Iterable[Any], *, threshold: float) -> Finding | None:
    """The finding for the first candidate (in the order given: id order) at least `threshold` the same as
    `text`, if any. Candidates carry id, title, about_role and status, as `near_duplicate_candidates`
    gives them (a bulk import gives them from its batch)."""
    for other in candidates:
        score = similarity(text, listing_text(other.title, other.about_role))
        if score >= threshold:
            return Finding(
                "duplicate.same_organisation",
                Severity.REVIEW,
                "about_role",
                f"This listing is {score:.0%} the same as your listing “{other.title}” (reference "
                f"{other.id}), which is already {other.status.label.lower()}. If it is a second post, "
                "say how it differs; if it is a mistake, delete this draft.",
                text=other.title,
            )
    return None


def exact_copy_finding(words: list[str], copies: Iterable[Any]) -> Finding | None:
    """The finding when one of `copies` (found by the content hash) has word for word these words."""
    for other in copies:
        # The hash found it; the words confirm it (a digest collision is not a copy).
        if normalised_words(listing_text(other.title, other.about_role)) == words:
            return Finding(
                "duplicate.other_organisation",
                Severity.REVIEW,
                "about_role",
                "This listing is word for word the same as one posted by another organisation. Write "
                "your own description of the job: copied adverts are a common sign of fake listings.",
            )
    return None

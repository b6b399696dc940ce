"""Duplicate checks by index: the content hash and MinHash band keys kept on every listing find the same
duplicates as comparing a listing with every other one did, and follow the listing's words on save."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db
from marketplace.moderation.duplicates import (
    ACTIVE,
    duplicate_findings,
    listing_text,
    near_duplicate_candidates,
    similarity,
)
from marketplace.vacancies import fingerprints
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.models import Vacancy, vacancy_bands
from tests.factories import OrganisationFactory, VacancyFactory

pytestmark = pytest.mark.usefixtures("app")

WORDS = (  # noqa: SIM905 (a sentence's words, easier to read as one)
    "plan teach assess inspire pupils lessons curriculum department colleagues progress learning "
    "enthusiastic reflective practitioner support intervention marking feedback behaviour pastoral tutor "
    "group trips clubs enrichment examination results outstanding developing mentor training career "
    "subject knowledge passion creative resources classroom practice wellbeing leadership collaborate"
).split()


def stored_bands(vacancy: Vacancy) -> list[tuple[int, int, int]]:
    rows = db.session.execute(
        sa.select(vacancy_bands.c.band, vacancy_bands.c.key, vacancy_bands.c.organisation_id)
        .where(vacancy_bands.c.vacancy_id == vacancy.id)
        .order_by(vacancy_bands.c.band)
    )
    return [(band, key, organisation_id) for band, key, organisation_id in rows]


def expected_bands(vacancy: Vacancy) -> list[tuple[int, int, int]]:
    keys = fingerprints.band_keys(vacancy.title, vacancy.about_role)
    return [(band, key, vacancy.organisation_id) for band, key in enumerate(keys)]


def test_fingerprints_are_kept_on_save_and_follow_an_edit_and_a_move():
    vacancy = VacancyFactory(published=True, about_role="Teach <strong>mathematics</strong> to keen pupils.")
    db.session.flush()
    assert vacancy.content_hash == fingerprints.content_hash(vacancy.title, vacancy.about_role)
    assert len(stored_bands(vacancy)) == fingerprints.BANDS
    assert stored_bands(vacancy) == expected_bands(vacancy)

    before = vacancy.content_hash
    vacancy.about_role = "Teach mathematics to keen pupils."  # the same words without the markup
    db.session.flush()
    assert vacancy.content_hash == before

    vacancy.about_role = "Teach physics to keen pupils in years seven to eleven."
    db.session.flush()
    assert vacancy.content_hash != before
    assert stored_bands(vacancy) == expected_bands(vacancy)

    vacancy.organisation = OrganisationFactory()
    db.session.flush()
    assert {row[2] for row in stored_bands(vacancy)} == {vacancy.organisation_id}


def _variant(base: list[str], rng: random.Random, changes: int) -> str:
    words = list(base)
    for _ in range(changes):
        words[rng.randrange(len(words))] = rng.choice(WORDS) + rng.choice("abc")
    return " ".join(words)


def _old_rule(details: VacancyDetails, organisation_id: int, threshold: float) -> tuple[int, float] | None:
    """What the check did before the band keys: compare with every active listing of the organisation."""
    text = listing_text(details.title, details.about_role)
    others = db.session.scalars(
        sa.select(Vacancy)
        .where(Vacancy.organisation_id == organisation_id, Vacancy.status.in_(ACTIVE))
        .order_by(Vacancy.id)
    )
    for other in others:
        score = similarity(text, listing_text(other.title, other.about_role))
        if score >= threshold:
            return other.id, score
    return None


def test_band_lookups_find_every_near_duplicate_that_comparing_with_all_listings_finds():
    """Listings of one school at every similarity from unrelated to identical: the lookup names the
    same listing as the exhaustive comparison, for the default threshold and a lower one."""
    rng = random.Random(12)
    school = OrganisationFactory()
    bases = [[rng.choice(WORDS) for _ in range(120)] for _ in range(4)]
    for base in bases:
        for changes in (0, 2, 4, 6, 8, 12, 20, 40):
            VacancyFactory(organisation=school, published=True, about_role=_variant(base, rng, changes))
    db.session.flush()

    compared = 0
    for base in bases:
        for changes in (1, 3, 5, 7, 9, 10, 14, 30, 60):
            details = VacancyDetails.from_vacancy(VacancyFactory.build(organisation=school))
            details.about_role = _variant(base, rng, changes)
            for threshold in (0.8, 0.6):
                expected = _old_rule(details, school.id, threshold)
                findings = duplicate_findings(details, school, threshold=threshold)
                found = [f for f in findings if f.rule == "duplicate.same_organisation"]
                if expected is None:
                    assert found == []
                else:
                    other_id, score = expected
                    assert len(found) == 1
                    assert f"(reference {other_id})" in found[0].message
                    assert f"{score:.0%} the same" in found[0].message
                    compared += 1
    assert compared > 10  # the corpus really exercises matches, not only misses


def test_candidates_are_only_the_organisations_active_listings_sharing_a_band():
    text = " ".join(random.Random(3).choice(WORDS) for _ in range(80))
    school, other_school = OrganisationFactory(), OrganisationFactory()
    live = VacancyFactory(organisation=school, published=True, about_role=text)
    VacancyFactory(organisation=school, about_role=text)  # a draft
    VacancyFactory(organisation=other_school, published=True, about_role=text)
    VacancyFactory(organisation=school, published=True, about_role="Look after the site and grounds.")
    db.session.flush()
    details = VacancyDetails.from_vacancy(live)

    assert [row.id for row in near_duplicate_candidates(details, school.id)] == [live.id]
    assert near_duplicate_candidates(details, school.id, exclude_vacancy_id=live.id) == []


def test_an_exact_copy_is_found_by_its_hash_among_many_listings_with_the_same_title():
    text = "Join our friendly mathematics department teaching key stages three and four with a team " * 2
    for number in range(30):
        VacancyFactory(published=True, about_role=f"{text} Listing {number}.")
    original = VacancyFactory(published=True, about_role=text)
    copier = OrganisationFactory()
    copy = VacancyDetails.from_vacancy(original)
    copy.about_role = f"<p>{text.upper()}</p>"  # case and markup do not disguise a copy

    assert [f.rule for f in duplicate_findings(copy, copier, threshold=0.8)] == [
        "duplicate.other_organisation"
    ]
    copy.about_role = text + " Apply soon."
    assert duplicate_findings(copy, copier, threshold=0.8) == []


def test_the_migration_fingerprints_listings_saved_before_it(app):
    vacancies = [
        VacancyFactory(
            published=True, about_role="Teach mathematics to keen pupils in years seven to eleven."
        ),
        VacancyFactory(about_role=""),
    ]
    db.session.commit()
    expected = {v.id: (v.content_hash, expected_bands(v)) for v in vacancies}
    db.session.remove()

    downgrade(revision="fcf0c0de0019")
    upgrade()

    for vacancy in db.session.scalars(sa.select(Vacancy)):
        assert (vacancy.content_hash, stored_bands(vacancy)) == expected[vacancy.id]

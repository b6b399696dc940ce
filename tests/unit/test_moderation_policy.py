"""The moderation policy, table-tested: findings and standing in, publish / review / block out."""

import pytest

from marketplace.moderation.duplicates import similarity
from marketplace.moderation.policy import Outcome, PersonStanding, Standing, Submission, Thresholds, decide
from marketplace.moderation.rules import Finding, Severity

TRUSTED = Standing(verified=True, approved_listings=3)
THRESHOLDS = Thresholds(trusted_after_approvals=1, recent_rejections_limit=2, upheld_reports_limit=1)


def finding(severity: Severity, rule: str = "equality.age") -> Finding:
    return Finding(rule, severity, "about_role", "Fix it.")


@pytest.mark.parametrize(
    ("findings", "standing", "outcome"),
    [
        ([], TRUSTED, Outcome.PUBLISH),
        ([finding(Severity.ADVISE)], TRUSTED, Outcome.PUBLISH),
        ([finding(Severity.REVIEW)], TRUSTED, Outcome.REVIEW),
        ([finding(Severity.BLOCK)], TRUSTED, Outcome.BLOCK),
        ([finding(Severity.REVIEW), finding(Severity.BLOCK)], TRUSTED, Outcome.BLOCK),
        ([], Standing(verified=False, approved_listings=10), Outcome.REVIEW),
        ([], Standing(verified=True, approved_listings=0), Outcome.REVIEW),
        ([], Standing(verified=True, approved_listings=5, recent_rejections=2), Outcome.REVIEW),
        ([], Standing(verified=True, approved_listings=5, recent_rejections=1), Outcome.PUBLISH),
        ([], Standing(verified=True, approved_listings=5, upheld_reports=1), Outcome.REVIEW),
        ([], Standing(verified=True, approved_listings=5, suspended=True), Outcome.BLOCK),
    ],
)
def test_the_policy_publishes_only_clean_listings_from_organisations_in_good_standing(
    findings, standing, outcome
):
    verdict = decide(findings, standing, THRESHOLDS)

    assert verdict.outcome is outcome
    assert verdict.reasons


def test_thresholds_are_settings():
    standing = Standing(verified=True, approved_listings=2)
    assert decide([], standing, Thresholds(trusted_after_approvals=3)).outcome is Outcome.REVIEW
    assert decide([], standing, Thresholds(trusted_after_approvals=2)).outcome is Outcome.PUBLISH
    assert Thresholds.from_config(
        {
            "MODERATION_TRUSTED_AFTER_APPROVALS": 4,
            "MODERATION_RECENT_REJECTIONS_LIMIT": 5,
            "MODERATION_UPHELD_REPORTS_LIMIT": 6,
            "MODERATION_PERSON_TRUSTED_AFTER": 7,
            "MODERATION_NEW_MEMBER_DAYS": 8,
        }
    ) == Thresholds(4, 5, 6, person_trusted_after=7, new_member_days=8)


# --- the person submitting -------------------------------------------------------------------------------

PERSON_THRESHOLDS = Thresholds(trusted_after_approvals=1, person_trusted_after=2, new_member_days=14)


def person(reviewed: int = 5, days: int | None = 100, joined: str = "") -> PersonStanding:
    return PersonStanding(
        name="Priya Shah",
        organisation_name="Oakfield Primary",
        reviewed_listings=reviewed,
        member_for_days=days,
        joined_name=joined or "Oakfield Primary",
    )


@pytest.mark.parametrize(
    ("submission", "outcome", "reason"),
    [
        # Trusted on both counts: the organisation's record decides alone.
        (Submission(person=person()), Outcome.PUBLISH, None),
        (Submission(person=person(reviewed=2, days=14)), Outcome.PUBLISH, None),
        # No person (an ATS client or an import): today's organisation-level policy.
        (Submission(), Outcome.PUBLISH, None),
        # Their first listings for the organisation.
        (
            Submission(person=person(reviewed=0)),
            Outcome.REVIEW,
            "Priya Shah's first listing for Oakfield Primary (1 of 2 reviewed).",
        ),
        (
            Submission(person=person(reviewed=1)),
            Outcome.REVIEW,
            "Priya Shah's second listing for Oakfield Primary (2 of 2 reviewed).",
        ),
        # A new member of the organisation (or of its trust).
        (Submission(person=person(days=3)), Outcome.REVIEW, "Priya Shah joined Oakfield Primary 3 days ago."),
        (
            Submission(person=person(days=13)),
            Outcome.REVIEW,
            "Priya Shah joined Oakfield Primary 13 days ago.",
        ),
        (Submission(person=person(days=1)), Outcome.REVIEW, "Priya Shah joined Oakfield Primary 1 day ago."),
        (Submission(person=person(days=0)), Outcome.REVIEW, "Priya Shah joined Oakfield Primary today."),
        (
            Submission(person=person(days=2, joined="Oak Learning Trust")),
            Outcome.REVIEW,
            "Priya Shah joined Oak Learning Trust 2 days ago.",
        ),
        (
            Submission(person=person(days=None)),
            Outcome.REVIEW,
            "Priya Shah is not a member of Oakfield Primary.",
        ),
        # A change to a live listing: the first-listings count was spent when it was submitted...
        (Submission(person=person(reviewed=0), live_edit=True), Outcome.PUBLISH, None),
        # ...but a new member's change, and a changed contact or way to apply, go to a moderator.
        (
            Submission(person=person(days=3), live_edit=True),
            Outcome.REVIEW,
            "Priya Shah joined Oakfield Primary 3 days ago.",
        ),
        (
            Submission(person=person(), live_edit=True, changed_fields=("contact email",)),
            Outcome.REVIEW,
            "The contact email of a live listing changed.",
        ),
        (
            Submission(live_edit=True, changed_fields=("application website",)),
            Outcome.REVIEW,
            "The application website of a live listing changed.",
        ),
        # Returned for changes: back to a moderator whatever else is true.
        (
            Submission(person=person(), returned_for_changes=True),
            Outcome.REVIEW,
            "A moderator asked for changes: the school's reply and what changed go back to a moderator.",
        ),
        (
            Submission(returned_for_changes=True),
            Outcome.REVIEW,
            "A moderator asked for changes: the school's reply and what changed go back to a moderator.",
        ),
    ],
)
def test_the_policy_judges_the_person_as_well_as_the_school(submission, outcome, reason):
    verdict = decide([], TRUSTED, PERSON_THRESHOLDS, submission)

    assert verdict.outcome is outcome
    if reason is None:
        assert len(verdict.reasons) == 1
    else:
        assert reason in verdict.reasons


def test_a_blocking_finding_or_a_suspension_still_blocks_whoever_submits():
    returned = Submission(person=person(reviewed=0, days=0), returned_for_changes=True)

    assert decide([finding(Severity.BLOCK)], TRUSTED, PERSON_THRESHOLDS, returned).outcome is Outcome.BLOCK
    suspended = Standing(verified=True, approved_listings=3, suspended=True)
    assert decide([], suspended, PERSON_THRESHOLDS, returned).outcome is Outcome.BLOCK


def test_every_reason_for_review_is_given_not_only_the_first():
    new_and_unproven = Submission(person=person(reviewed=0, days=2))
    unverified = Standing(verified=False)

    verdict = decide([finding(Severity.REVIEW)], unverified, PERSON_THRESHOLDS, new_and_unproven)

    assert verdict.reasons == (
        "The organisation is not verified yet.",
        "The organisation has no approved listings yet.",
        "Priya Shah's first listing for Oakfield Primary (1 of 2 reviewed).",
        "Priya Shah joined Oakfield Primary 2 days ago.",
        "The checks flagged the listing for a moderator (equality.age).",
    )


def test_the_person_thresholds_are_settings():
    seasoned = Submission(person=person(reviewed=2, days=20))

    assert decide([], TRUSTED, Thresholds(person_trusted_after=3), seasoned).outcome is Outcome.REVIEW
    assert decide([], TRUSTED, Thresholds(new_member_days=21), seasoned).outcome is Outcome.REVIEW
    assert decide([], TRUSTED, Thresholds(person_trusted_after=0, new_member_days=0), seasoned).outcome is (
        Outcome.PUBLISH
    )


@pytest.mark.parametrize(
    ("first", "second", "low", "high"),
    [
        (
            "Teacher of maths to join our department in September",
            "Teacher of maths to join our department in September",
            1.0,
            1.0,
        ),
        (
            "Teacher of maths to join our friendly department in September with a mentor",
            "Teacher of maths to join our friendly department in January with a mentor",
            0.2,
            0.7,
        ),
        ("Teacher of maths", "Caretaker for the site and grounds, evenings", 0.0, 0.0),
    ],
)
def test_shingle_similarity(first, second, low, high):
    assert low <= similarity(first, second) <= high

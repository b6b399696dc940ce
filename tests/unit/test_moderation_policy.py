"""The moderation policy, table-tested: findings and standing in, publish / review / block out."""

import pytest

from marketplace.moderation.duplicates import similarity
from marketplace.moderation.policy import Outcome, Standing, Thresholds, decide
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
        }
    ) == Thresholds(4, 5, 6)


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

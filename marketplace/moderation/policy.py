"""The moderation policy: findings and the organisation's standing in, publish / review / block out.

Pure: no database, no clock. `standing.py` gathers the facts; the thresholds are settings
(MARKETPLACE_MODERATION_*), passed in as a `Thresholds`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from marketplace.moderation.rules import Finding, Severity


class Outcome(enum.StrEnum):
    PUBLISH = "publish"
    REVIEW = "review"
    BLOCK = "block"


@dataclass(frozen=True)
class Standing:
    """What the marketplace knows about an organisation's record."""

    verified: bool
    suspended: bool = False
    approved_listings: int = 0
    recent_rejections: int = 0
    upheld_reports: int = 0


@dataclass(frozen=True)
class Thresholds:
    # Listings an organisation must have had approved before a clean one publishes without review.
    trusted_after_approvals: int = 1
    # At or above this many rejections or removals in the recent window, every listing is reviewed.
    recent_rejections_limit: int = 2
    # At or above this many upheld reports, every listing is reviewed.
    upheld_reports_limit: int = 1

    @classmethod
    def from_config(cls, config) -> Thresholds:
        return cls(
            trusted_after_approvals=config["MODERATION_TRUSTED_AFTER_APPROVALS"],
            recent_rejections_limit=config["MODERATION_RECENT_REJECTIONS_LIMIT"],
            upheld_reports_limit=config["MODERATION_UPHELD_REPORTS_LIMIT"],
        )


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reasons: tuple[str, ...]
    findings: tuple[Finding, ...] = field(default=())

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.BLOCK]


def decide(findings: list[Finding], standing: Standing, thresholds: Thresholds) -> Verdict:
    """Block on any `block` finding or a suspension; review on any doubt; otherwise publish now."""
    found = tuple(findings)
    blocking = [f for f in found if f.severity is Severity.BLOCK]
    if standing.suspended:
        return Verdict(Outcome.BLOCK, ("The organisation is suspended.",), found)
    if blocking:
        rules = sorted({f.rule for f in blocking})
        return Verdict(Outcome.BLOCK, (f"The listing must be fixed first ({', '.join(rules)}).",), found)
    reasons = []
    if not standing.verified:
        reasons.append("The organisation is not verified yet.")
    if standing.approved_listings < thresholds.trusted_after_approvals:
        reasons.append("The organisation has no approved listings yet.")
    if standing.recent_rejections >= thresholds.recent_rejections_limit:
        reasons.append(
            f"The organisation had {standing.recent_rejections} listings rejected or removed recently."
        )
    if standing.upheld_reports >= thresholds.upheld_reports_limit:
        reasons.append(f"Reports against the organisation were upheld {standing.upheld_reports} times.")
    review_rules = sorted({f.rule for f in found if f.severity is Severity.REVIEW})
    if review_rules:
        reasons.append(f"The checks flagged the listing for a moderator ({', '.join(review_rules)}).")
    if reasons:
        return Verdict(Outcome.REVIEW, tuple(reasons), found)
    return Verdict(
        Outcome.PUBLISH, ("A verified organisation with a clean record and a clean listing.",), found
    )

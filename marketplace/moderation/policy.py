"""The moderation policy: findings and the standing of the organisation and the person in; publish / review /
block out.

Pure: no database, no clock. `screening.py` gathers the facts; the thresholds are settings
(MARKETPLACE_MODERATION_*), passed in as a `Thresholds`. Trust belongs to the person as well as the
school: a verified school with a long record still has a new colleague's first listings reviewed.
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
class PersonStanding:
    """What the marketplace knows about the person submitting, for the organisation of the listing."""

    name: str
    organisation_name: str
    # Listings of theirs for this organisation that a moderator approved or that were published.
    reviewed_listings: int = 0
    # Whole days since they joined the organisation (or its trust); None when they are not a member.
    member_for_days: int | None = 0
    # The organisation (or trust) whose membership `member_for_days` counts.
    joined_name: str = ""


@dataclass(frozen=True)
class Submission:
    """What is being decided, beyond the listing's words.

    `person` is None for an ATS client or an import: those speak for the organisation, not a person,
    so they are judged on the organisation's record alone. `live_edit` marks a change to a listing
    already on sale (its first listings were counted when it was submitted, so only a new member's
    change is held for that reason); `changed_fields` names, in words, what changed there that a
    moderator must see. `returned_for_changes`: a moderator asked for changes, so it goes back to them.
    """

    person: PersonStanding | None = None
    live_edit: bool = False
    changed_fields: tuple[str, ...] = ()
    returned_for_changes: bool = False


@dataclass(frozen=True)
class Thresholds:
    # Listings an organisation must have had approved before a clean one publishes without review.
    trusted_after_approvals: int = 1
    # At or above this many rejections or removals in the recent window, every listing is reviewed.
    recent_rejections_limit: int = 2
    # At or above this many upheld reports, every listing is reviewed.
    upheld_reports_limit: int = 1
    # A person's first this-many listings for an organisation are reviewed.
    person_trusted_after: int = 2
    # Listings from someone who joined the organisation fewer than this many days ago are reviewed.
    new_member_days: int = 14

    @classmethod
    def from_config(cls, config) -> Thresholds:
        return cls(
            trusted_after_approvals=config["MODERATION_TRUSTED_AFTER_APPROVALS"],
            recent_rejections_limit=config["MODERATION_RECENT_REJECTIONS_LIMIT"],
            upheld_reports_limit=config["MODERATION_UPHELD_REPORTS_LIMIT"],
            person_trusted_after=config["MODERATION_PERSON_TRUSTED_AFTER"],
            new_member_days=config["MODERATION_NEW_MEMBER_DAYS"],
        )


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reasons: tuple[str, ...]
    findings: tuple[Finding, ...] = field(default=())

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.BLOCK]


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def _ordinal(number: int) -> str:
    return ORDINALS[number - 1] if 0 < number <= len(ORDINALS) else f"listing number {number}"


def _days_ago(days: int) -> str:
    if days <= 0:
        return "today"
    return f"{days} day{'' if days == 1 else 's'} ago"


def person_reasons(person: PersonStanding, thresholds: Thresholds, *, live_edit: bool = False) -> list[str]:
    """Why the person submitting means a moderator looks first, in words (empty when they are trusted)."""
    reasons = []
    if not live_edit and person.reviewed_listings < thresholds.person_trusted_after:
        number = person.reviewed_listings + 1
        which = _ordinal(number)
        which = f"{which} listing" if which in ORDINALS else which
        reasons.append(
            f"{person.name}'s {which} for {person.organisation_name} "
            f"({number} of {thresholds.person_trusted_after} reviewed)."
        )
    if person.member_for_days is None:
        reasons.append(f"{person.name} is not a member of {person.organisation_name}.")
    elif person.member_for_days < thresholds.new_member_days:
        reasons.append(
            f"{person.name} joined {person.joined_name or person.organisation_name} "
            f"{_days_ago(person.member_for_days)}."
        )
    return reasons


def decide(
    findings: list[Finding],
    standing: Standing,
    thresholds: Thresholds,
    submission: Submission | None = None,
) -> Verdict:
    """Block on any `block` finding or a suspension; review on any doubt about the listing, the
    organisation or the person; review whatever else is true when a moderator asked for changes or
    a live listing's contact or application details changed; otherwise publish now."""
    submission = submission or Submission()
    found = tuple(findings)
    blocking = [f for f in found if f.severity is Severity.BLOCK]
    if standing.suspended:
        return Verdict(Outcome.BLOCK, ("The organisation is suspended.",), found)
    if blocking:
        rules = sorted({f.rule for f in blocking})
        return Verdict(Outcome.BLOCK, (f"The listing must be fixed first ({', '.join(rules)}).",), found)
    reasons = []
    if submission.returned_for_changes:
        reasons.append(
            "A moderator asked for changes: the school's reply and what changed go back to a moderator."
        )
    reasons += [f"The {field} of a live listing changed." for field in submission.changed_fields]
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
    if submission.person is not None:
        reasons += person_reasons(submission.person, thresholds, live_edit=submission.live_edit)
    review_rules = sorted({f.rule for f in found if f.severity is Severity.REVIEW})
    if review_rules:
        reasons.append(f"The checks flagged the listing for a moderator ({', '.join(review_rules)}).")
    if reasons:
        return Verdict(Outcome.REVIEW, tuple(reasons), found)
    return Verdict(
        Outcome.PUBLISH,
        (
            "A verified organisation with a clean record and a clean listing"
            + (", from a trusted member." if submission.person is not None else "."),
        ),
        found,
    )

"""Reports from the public: "Report this listing", hiding a listing many people report, and the outcome.

No account is needed to report. Each reporter (account, email address or, failing both, network
address) may report a listing once; only a one-way digest of who they are is kept for that purpose.

A report reaches moderators at once, but it counts towards hiding the listing only once its reporter is
verified: signed in to an account whose address is confirmed, or confirming the address they typed by
following the link we email to it. Reports from one network count once, whatever accounts or addresses
they give, so one person cannot hide a listing by inventing reporters. When verified reporters on the
configured number of different networks have open reports, the listing is held (taken out of search and
the public pages) until a moderator decides. A moderator may dismiss every report from one network as
abuse at once; a listing the reports held comes back as soon as what is left no longer reaches the
threshold.

Network addresses are never stored: only an HMAC keyed with SECRET_KEY (IPv6 by its /64 prefix, which
one household or server usually holds whole), enough to group reports and nothing more.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.orm import selectinload

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.audit import AuditAction, AuditEvent, AuditSubject
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation.models import (
    DecisionOutcome,
    ListingReport,
    ReportCategory,
    ReportStatus,
)
from marketplace.moderation.services import decide, guarded_transition, remove
from marketplace.notifications.messages import moderation as messages
from marketplace.numbers import record_id
from marketplace.vacancies.lifecycle import VacancyAction, VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.services import VacancyError

# The path the emailed confirmation link opens (the web layer serves it; emails are built without a request).
CONFIRM_PATH = "/reports/confirm/"

REPORT_OUTCOME_TEXT = {
    "dismiss": "The moderator found that the listing does not break the marketplace's rules, so it stays up.",
    "remove": "The moderator agreed with the report and removed the listing.",
    "suspend": "The moderator agreed with the report, removed the listing and suspended the organisation.",
}


class AlreadyReported(VacancyError):
    """This reporter has already reported this listing."""


class ReportLinkInvalid(Exception):
    """A confirmation link that is not one of ours, was tampered with, or whose report no longer exists."""


class ReportLinkExpired(ReportLinkInvalid):
    """A genuine confirmation link older than TOKEN_MAX_AGE_HOURS."""


class ReportAlreadyConfirmed(ReportLinkInvalid):
    """A genuine link whose report is already confirmed: following it again changes nothing."""

    def __init__(self, report: ListingReport) -> None:
        super().__init__("This report is already confirmed")
        self.report = report


@dataclass(frozen=True)
class ReportReceipt:
    """What happened to a report: recorded (or found again), and whether its reporter must confirm it."""

    report: ListingReport
    needs_confirmation: bool
    link_resent: bool = False


def reporter_key(*, user: User | None, email: str | None, network_address: str | None) -> str:
    """Who reported, as a digest: the account if signed in, else the email given, else the network address."""
    if user is not None and getattr(user, "is_authenticated", False):
        identity = f"user:{user.id}"
    elif email:
        identity = f"email:{email.strip().lower()}"
    else:
        identity = f"address:{network_address or 'unknown'}"
    return hashlib.sha256(identity.encode()).hexdigest()


def network_key(address: str | None, *, secret_key: str) -> str:
    """The network a request came from, as an HMAC keyed with `secret_key`: never reversible to the address.

    An IPv4 address stands for itself; an IPv6 address for its /64 prefix, because one connection is
    usually given a whole /64 and could otherwise pose as countless reporters. An address that cannot
    be read counts as one shared "unknown" network, so it can never multiply reporters either.
    """
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        network = "unknown"
    else:
        if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
            parsed = parsed.ipv4_mapped
        if isinstance(parsed, ipaddress.IPv6Address):
            network = str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
        else:
            network = str(parsed)
    message = f"marketplace.report-network\0{network}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def source_label(key: str | None) -> str:
    """A short label a moderator can read and compare, e.g. "network 3FA9C2"; it reveals no address."""
    return f"network {key[:6].upper()}" if key else "network not recorded"


def open_report_count(vacancy_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(ListingReport.id)).where(
                ListingReport.vacancy_id == vacancy_id, ListingReport.status == ReportStatus.OPEN
            )
        )
        or 0
    )


def verified_source_count(vacancy_id: int) -> int:
    """Open reports that count towards hiding: verified reporters, one per network."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(sa.distinct(ListingReport.network_key))).where(
                ListingReport.vacancy_id == vacancy_id,
                ListingReport.status == ReportStatus.OPEN,
                ListingReport.confirmed_at.is_not(None),
                ListingReport.network_key.is_not(None),
            )
        )
        or 0
    )


def verified_source_counts(vacancy_ids: list[int]) -> dict[int, int]:
    """verified_source_count for several listings in one query."""
    if not vacancy_ids:
        return {}
    rows = db.session.execute(
        sa.select(ListingReport.vacancy_id, sa.func.count(sa.distinct(ListingReport.network_key)))
        .where(
            ListingReport.vacancy_id.in_(vacancy_ids),
            ListingReport.status == ReportStatus.OPEN,
            ListingReport.confirmed_at.is_not(None),
            ListingReport.network_key.is_not(None),
        )
        .group_by(ListingReport.vacancy_id)
    ).all()
    return {vacancy_id: count for vacancy_id, count in rows}


def report_listing(
    vacancy: Vacancy,
    *,
    category: ReportCategory,
    details: str,
    reporter_email: str | None,
    reporter: User | None,
    network_address: str | None,
    hide_after: int,
    now: dt.datetime | None = None,
) -> ReportReceipt:
    """Record a report; once verified reporters on `hide_after` networks have open reports, hold the listing.

    A signed-in reporter reports as their account (its address, confirmed or not, replaces any typed);
    anyone else may give an address, which is sent a confirmation link. Reporting again with an address
    still unconfirmed sends a new link instead of a second report. Raises AlreadyReported otherwise.
    """
    now = now or utcnow()
    signed_in = reporter is not None and getattr(reporter, "is_authenticated", False)
    email = (reporter.email if signed_in else (reporter_email or "")).strip().lower() or None
    key = reporter_key(user=reporter, email=email, network_address=network_address)
    already = db.session.scalar(
        sa.select(ListingReport).where(
            ListingReport.vacancy_id == vacancy.id, ListingReport.reporter_key == key
        )
    )
    if already is not None:
        if already.status is ReportStatus.OPEN and already.confirmed_at is None and already.reporter_email:
            _send_confirmation_link(already, vacancy)
            return ReportReceipt(already, needs_confirmation=True, link_resent=True)
        raise AlreadyReported("You have already reported this listing. A moderator will look at it.")
    verified = signed_in and reporter.email_verified
    report = ListingReport(
        vacancy_id=vacancy.id,
        category=category,
        details=details.strip()[:5000],
        reporter_email=email,
        reporter_user_id=reporter.id if signed_in else None,
        reporter_key=key,
        network_key=network_key(network_address, secret_key=current_app.config["SECRET_KEY"]),
        confirmed_at=now if verified else None,
        created_at=now,
    )
    db.session.add(report)
    db.session.flush()
    audit.record(
        AuditAction.REPORT_CREATE,
        subject_type=AuditSubject.VACANCY,
        subject_id=vacancy.id,
        reason=str(category),
        report_id=report.id,
        verified=verified,
        source=source_label(report.network_key),
    )
    if not verified and email:
        _send_confirmation_link(report, vacancy)
    _hold_if_reported(vacancy, hide_after=hide_after, now=now)
    return ReportReceipt(report, needs_confirmation=bool(not verified and email))


def _hold_if_reported(vacancy: Vacancy, *, hide_after: int, now: dt.datetime) -> None:
    sources = verified_source_count(vacancy.id)
    if sources >= hide_after and vacancy.status in (VacancyStatus.PUBLISHED, VacancyStatus.SCHEDULED):
        guarded_transition(
            vacancy,
            VacancyAction.HOLD,
            actor=None,
            reason=(
                f"Hidden after reports from {sources} verified reporters on different networks, "
                "until a moderator decides."
            ),
            now=now,
        )
        vacancy.submitted_at = now
        vacancy.review_reasons = [
            f"Hidden after reports from {sources} verified reporters on different networks, "
            "until a moderator decides."
        ]


# --- confirming a reporter's address -------------------------------------------------------------------


def _fixed_clock(now: dt.datetime) -> type[TimestampSigner]:
    """A signer whose clock reads `now`, so links can be made and checked at chosen times."""
    timestamp = int(now.timestamp())

    class FixedClockSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return timestamp

    return FixedClockSigner


def _serializer(now: dt.datetime | None) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"],
        salt="marketplace.confirm-report",
        signer=TimestampSigner if now is None else _fixed_clock(now),
    )


def _state(report: ListingReport) -> str:
    """A digest of what the link confirms: this address, not yet confirmed. Confirming changes it, so a
    link works once; hashed, because anyone holding a signed link can read it."""
    state = f"{report.id}\0{report.reporter_email}\0{'confirmed' if report.confirmed_at else 'unconfirmed'}"
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def confirmation_token(report: ListingReport, *, now: dt.datetime | None = None) -> str:
    """A signed, expiring, single-use token that confirms `report`'s address."""
    return _serializer(now).dumps([report.id, _state(report)])


def _send_confirmation_link(report: ListingReport, vacancy: Vacancy) -> None:
    messages.report_confirm(report.reporter_email, vacancy.id, confirmation_token(report))


def report_for_link(token: str, *, now: dt.datetime | None = None) -> ListingReport:
    """The report a confirmation link is for, while the link can be used.

    Raises ReportLinkInvalid, ReportLinkExpired, or ReportAlreadyConfirmed (with the report).
    """
    max_age = dt.timedelta(hours=current_app.config["TOKEN_MAX_AGE_HOURS"])
    try:
        payload = _serializer(now).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise ReportLinkExpired("This link has expired") from error
    except BadData as error:
        raise ReportLinkInvalid("This link is not valid") from error
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or type(payload[0]) is not int
        or not isinstance(payload[1], str)
    ):
        raise ReportLinkInvalid("This link is not valid")
    report = db.session.get(ListingReport, payload[0])
    if report is None or not report.reporter_email:
        raise ReportLinkInvalid("This link is not valid")
    if report.confirmed_at is not None:
        raise ReportAlreadyConfirmed(report)
    if not hmac.compare_digest(payload[1], _state(report)):
        raise ReportLinkInvalid("This link is not valid")
    return report


def confirm_report(token: str, *, hide_after: int, now: dt.datetime | None = None) -> ListingReport:
    """Confirm the reporter's address from the emailed link; the report now counts towards hiding.

    Raises as report_for_link does; ReportAlreadyConfirmed makes confirming twice change nothing.
    """
    report = report_for_link(token, now=now)
    now = now or utcnow()
    report.confirmed_at = now
    audit.record(
        AuditAction.REPORT_CONFIRM,
        subject_type=AuditSubject.VACANCY,
        subject_id=report.vacancy_id,
        report_id=report.id,
        source=source_label(report.network_key),
    )
    if report.status is ReportStatus.OPEN:
        vacancy = db.session.get(Vacancy, report.vacancy_id)
        if vacancy is not None:
            _hold_if_reported(vacancy, hide_after=hide_after, now=now)
    return report


def reported_listings() -> list[tuple[Vacancy, int]]:
    """Listings with open reports, the most reported first."""
    rows = db.session.execute(
        sa.select(Vacancy, sa.func.count(ListingReport.id).label("reports"))
        .join(ListingReport, ListingReport.vacancy_id == Vacancy.id)
        .options(selectinload(Vacancy.organisation))
        .where(ListingReport.status == ReportStatus.OPEN)
        .group_by(Vacancy.id)
        .order_by(sa.func.count(ListingReport.id).desc(), sa.func.min(ListingReport.created_at))
    ).all()
    return [(vacancy, count) for vacancy, count in rows]


def reports_on(vacancy_id: int) -> list[ListingReport]:
    return list(
        db.session.scalars(
            sa.select(ListingReport)
            .options(selectinload(ListingReport.reporter))
            .where(ListingReport.vacancy_id == vacancy_id)
            .order_by(ListingReport.created_at, ListingReport.id)
        )
    )


# Who a reporter is, as far as we know, in the order a moderator weighs them.
REPORTER_KINDS = {
    "account": "Signed-in account",
    "confirmed_email": "Confirmed email",
    "unconfirmed_email": "Unconfirmed email",
    "anonymous": "No email given",
}


def reporter_kind(report: ListingReport) -> str:
    """account, confirmed_email, unconfirmed_email or anonymous (see REPORTER_KINDS)."""
    if report.reporter_user_id is not None and report.confirmed_at is not None:
        return "account"
    if report.reporter_email and report.confirmed_at is not None:
        return "confirmed_email"
    if report.reporter_email:
        return "unconfirmed_email"
    return "anonymous"


@dataclass
class ReportSource:
    """The reports on one listing that came from one network: a burst from one person shows as one source."""

    source: str  # the network key, or "report-<id>" for a report whose network was not recorded
    label: str
    reports: list[ListingReport] = field(default_factory=list)

    @property
    def open_reports(self) -> list[ListingReport]:
        return [r for r in self.reports if r.status is ReportStatus.OPEN]

    @property
    def kinds(self) -> list[tuple[str, int]]:
        """(label, count) for each kind of reporter in this source, in REPORTER_KINDS order."""
        counts = Counter(reporter_kind(r) for r in self.reports)
        return [(label, counts[kind]) for kind, label in REPORTER_KINDS.items() if counts[kind]]

    @property
    def counts_towards_hiding(self) -> bool:
        """True when this network is one of those counted towards hiding: it has a verified open report."""
        return not self.source.startswith("report-") and any(r.confirmed_at for r in self.open_reports)


def report_sources(vacancy_id: int) -> list[ReportSource]:
    """The reports on a listing grouped by the network they came from, the largest group first."""
    groups: dict[str, ReportSource] = {}
    for report in reports_on(vacancy_id):
        source = report.network_key or f"report-{report.id}"
        if source not in groups:
            groups[source] = ReportSource(source=source, label=source_label(report.network_key))
        groups[source].reports.append(report)
    return sorted(groups.values(), key=lambda g: (-len(g.open_reports), -len(g.reports), g.reports[0].id))


def reporter_kind_totals(vacancy_id: int) -> list[tuple[str, int]]:
    """(label, count) of the open reports on a listing by kind of reporter, in REPORTER_KINDS order."""
    counts = Counter(reporter_kind(r) for r in reports_on(vacancy_id) if r.status is ReportStatus.OPEN)
    return [(label, counts[kind]) for kind, label in REPORTER_KINDS.items() if counts[kind]]


@dataclass(frozen=True)
class AbuseDismissal:
    reports: list[ListingReport]
    restored: bool  # the listing the reports had hidden is back


def dismiss_source_as_abuse(
    moderator: User,
    vacancy: Vacancy,
    *,
    source: str,
    reason: str,
    hide_after: int,
    now: dt.datetime | None = None,
) -> AbuseDismissal:
    """Dismiss every open report on a listing from one source (a burst from one network) as abuse.

    Audited with the reason. The reporters are not written to. If the reports had hidden the listing and
    the verified reports left no longer reach `hide_after`, the listing goes back up at once (its school
    is told why) and returns to search when the transaction commits.
    """
    now = now or utcnow()
    reason = reason.strip()
    if not reason:
        raise VacancyError("Enter why these reports are abuse.")
    report_id = record_id(source.removeprefix("report-")) if source.startswith("report-") else None
    condition = ListingReport.id == report_id if report_id else ListingReport.network_key == source
    reports = list(
        db.session.scalars(
            sa.select(ListingReport).where(
                ListingReport.vacancy_id == vacancy.id, ListingReport.status == ReportStatus.OPEN, condition
            )
        )
    )
    if not reports:
        raise VacancyError("These reports are no longer open: another moderator may have decided them.")
    closed = db.session.execute(
        sa.update(ListingReport)
        .where(ListingReport.id.in_([r.id for r in reports]), ListingReport.status == ReportStatus.OPEN)
        .values(
            status=ReportStatus.DISMISSED,
            closed_at=now,
            closed_by_id=moderator.id,
            outcome_note=f"Dismissed as abuse: {reason}",
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if closed != len(reports):
        raise VacancyError("Another moderator decided these reports a moment ago: nothing was changed.")
    for report in reports:
        db.session.refresh(report)
    label = source_label(reports[0].network_key)
    audit.record(
        AuditAction.REPORT_DISMISS_ABUSE,
        subject_type=AuditSubject.VACANCY,
        subject_id=vacancy.id,
        actor=moderator,
        reason=reason,
        source=label,
        report_ids=[r.id for r in reports],
    )
    restored = False
    if (
        vacancy.status is VacancyStatus.PENDING_REVIEW
        and _held_by_reports(vacancy.id)
        and verified_source_count(vacancy.id) < hide_after
    ):
        decide(
            vacancy,
            VacancyAction.APPROVE,
            DecisionOutcome.APPROVED,
            moderator=moderator,
            reason=f"The reports that hid it were dismissed as abuse: {reason}",
            now=now,
        )
        restored = True
        messages.listing_reports_decided(
            vacancy.id,
            reason,
            "The moderator found that the reports which hid your listing were not genuine, so it is back up.",
        )
    return AbuseDismissal(reports, restored)


def decide_reports(
    moderator: User, vacancy: Vacancy, *, outcome: str, reason: str, now: dt.datetime | None = None
) -> list[ListingReport]:
    """Close every open report on a listing: dismiss them, remove the listing, or also suspend its
    organisation."""
    from marketplace.moderation.sanctions import suspend_organisation

    now = now or utcnow()
    reason = reason.strip()
    if outcome not in REPORT_OUTCOME_TEXT:
        raise VacancyError("Choose dismiss, remove or suspend.")
    if not reason:
        raise VacancyError("Enter the reason for your decision.")
    reports = list(
        db.session.scalars(
            sa.select(ListingReport).where(
                ListingReport.vacancy_id == vacancy.id, ListingReport.status == ReportStatus.OPEN
            )
        )
    )
    if not reports:
        raise VacancyError("This listing has no open reports: another moderator may have decided them.")
    closed = db.session.execute(
        sa.update(ListingReport)
        .where(ListingReport.id.in_([r.id for r in reports]), ListingReport.status == ReportStatus.OPEN)
        .values(
            status=ReportStatus.DISMISSED if outcome == "dismiss" else ReportStatus.UPHELD,
            closed_at=now,
            closed_by_id=moderator.id,
            outcome_note=reason,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if closed != len(reports):
        raise VacancyError("Another moderator decided these reports a moment ago: nothing was changed.")
    for report in reports:
        db.session.refresh(report)
    if outcome == "dismiss":
        if vacancy.status is VacancyStatus.PENDING_REVIEW and _held_by_reports(vacancy.id):
            decide(
                vacancy,
                VacancyAction.APPROVE,
                DecisionOutcome.APPROVED,
                moderator=moderator,
                reason=reason,
                now=now,
            )
    elif outcome == "remove":
        remove(moderator, vacancy, reason=reason, now=now)
    else:
        suspend_organisation(moderator, vacancy.organisation, reason=reason, now=now)
    audit.record(
        AuditAction.REPORT_DISMISS if outcome == "dismiss" else AuditAction.REPORT_UPHOLD,
        subject_type=AuditSubject.VACANCY,
        subject_id=vacancy.id,
        actor=moderator,
        reason=reason,
        outcome=outcome,
        report_ids=[r.id for r in reports],
    )
    if outcome == "dismiss":
        messages.listing_reports_decided(vacancy.id, reason, REPORT_OUTCOME_TEXT[outcome])
    # Only confirmed addresses hear the outcome: an address someone else typed is never written to again.
    for address in sorted({r.reporter_email for r in reports if r.reporter_email and r.confirmed_at}):
        messages.report_closed(address, vacancy.id, REPORT_OUTCOME_TEXT[outcome])
    return reports


def _held_by_reports(vacancy_id: int) -> bool:

    last = db.session.scalar(
        sa.select(AuditEvent.action)
        .where(
            AuditEvent.subject_type == AuditSubject.VACANCY,
            AuditEvent.subject_id == vacancy_id,
            AuditEvent.action.in_([AuditAction.VACANCY_HOLD, AuditAction.VACANCY_SUBMIT]),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return last == AuditAction.VACANCY_HOLD

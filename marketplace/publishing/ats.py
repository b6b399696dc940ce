"""Applicant tracking systems (ATS): client tokens, the listing payload, and create-or-update by reference.

The payload uses the field names of the JSON Lines import format (docs/import-format.md): `title`,
`job_roles`, `salary_min`, `description`, `closes_at`, `external_reference`, `status` and so on. An
ATS client belongs to one organisation (a school, or a trust posting for its schools), and everything
it posts passes through the same moderation rules and policy as the web form.

Updating a live listing: if the new text passes the policy it changes in place and stays live; if it
needs a moderator it is taken down (held) until approved, so the previous version does not stay live
meanwhile; if it is blocked nothing changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from marketplace import audit
from marketplace.audit import AuditAction, AuditSubject
from marketplace.db import UK, utcnow
from marketplace.extensions import db
from marketplace.moderation.models import AtsClient
from marketplace.moderation.policy import Outcome, Verdict
from marketplace.moderation.screening import ListingBlocked, record_verdict, verdict_for
from marketplace.moderation.services import guarded_transition
from marketplace.organisations.models import Organisation
from marketplace.publishing.submission import screen_submission
from marketplace.vacancies import pay, questions, vocabulary
from marketplace.vacancies.details import VacancyDetails, problems
from marketplace.vacancies.lifecycle import VacancyAction, VacancyStatus
from marketplace.vacancies.models import Vacancy

TOKEN_PREFIX = "tvm_"  # noqa: S105  (a visible marker on tokens, not a secret)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_client(organisation: Organisation, name: str) -> tuple[AtsClient, str]:
    """A new client and its token. Only the token's digest is stored: show the token once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client = AtsClient(
        organisation_id=organisation.id, name=name.strip()[:200] or "ATS", token_hash=token_digest(token)
    )
    db.session.add(client)
    db.session.flush()
    audit.record(
        AuditAction.ATS_CREATE_CLIENT,
        subject_type=AuditSubject.ORGANISATION,
        subject_id=organisation.id,
        name=client.name,
    )
    return client, token


def client_for_token(token: str) -> AtsClient | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    return db.session.scalar(
        sa.select(AtsClient).where(
            AtsClient.token_hash == token_digest(token), AtsClient.revoked_at.is_(None)
        )
    )


# --- the payload --------------------------------------------------------------------------------------------


class PayloadError(ValueError):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass
class Submission:
    details: VacancyDetails
    publish: bool  # "status": "published" asks to publish; "draft" only saves


def _text(payload: dict, name: str, errors: dict, *, required: bool = False, limit: int = 200) -> str:
    value = payload.get(name)
    if value is None or value == "":
        if required:
            errors[name] = "Required"
        return ""
    if not isinstance(value, str):
        errors[name] = "Must be a string"
        return ""
    if len(value) > limit:
        errors[name] = f"Must be {limit:,} characters or fewer"
    return value.replace("\x00", "").strip()


def _list(payload: dict, name: str, errors: dict, allowed=None, *, required: bool = False) -> list[str]:
    value = payload.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[name] = "Must be a list of strings"
        return []
    if required and not value:
        errors[name] = "Give at least one value"
    if allowed is not None:
        unknown = [v for v in value if v not in allowed]
        if unknown:
            errors[name] = f"Unknown values: {', '.join(unknown[:5])}"
    return list(dict.fromkeys(value))


def _bool(payload: dict, name: str, errors: dict, default: bool = False) -> bool:
    value = payload.get(name, default)
    if not isinstance(value, bool):
        errors[name] = "Must be true or false"
        return default
    return value


def _money(payload: dict, name: str, errors: dict) -> int | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or value > 10_000_000:
        errors[name] = "Must be a whole number of pounds a year"
        return None
    return int(value)


def _date(payload: dict, name: str, errors: dict) -> dt.date | None:
    value = payload.get(name)
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10]) if isinstance(value, str) else None
    except ValueError:
        errors[name] = "Must be a date like 2026-12-10"
        return None


def parse(payload: object, *, today: dt.date) -> Submission:
    """The payload as vacancy details, or PayloadError naming each bad field."""
    if not isinstance(payload, dict):
        raise PayloadError({"": "The body must be a JSON object"})
    errors: dict[str, str] = {}
    status = payload.get("status", "published")
    if status not in ("published", "draft"):
        errors["status"] = "Must be published or draft"
    closes_raw = payload.get("closes_at")
    closes_at = None
    if not isinstance(closes_raw, str) or not closes_raw:
        errors["closes_at"] = "Required: an ISO 8601 date and time, like 2026-12-10T12:00:00+00:00"
    else:
        try:
            parsed = dt.datetime.fromisoformat(closes_raw)
            # A moment at the edges of the calendar (year 1, year 9999) has no UK date and time.
            if not 2000 <= parsed.year <= 9000:
                raise ValueError(closes_raw)
            closes_at = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UK)
        except ValueError:
            errors["closes_at"] = "Must be an ISO 8601 date and time, like 2026-12-10T12:00:00+00:00"
    quick_apply = _bool(payload, "quick_apply", errors, default=True)
    application_url = _text(payload, "application_url", errors, limit=500) or None
    application_email = _text(payload, "application_email", errors, limit=320) or None
    if quick_apply:
        how_to_apply = "marketplace"
    elif application_url:
        how_to_apply = "website"
    elif application_email:
        how_to_apply = "email"
    else:
        how_to_apply = "marketplace"
        errors["quick_apply"] = "When quick_apply is false, give application_url or application_email"
    contract_type = payload.get("contract_type", "permanent")
    if contract_type not in vocabulary.CONTRACT_TYPES:
        errors["contract_type"] = f"Must be one of {', '.join(vocabulary.CONTRACT_TYPES)}"
        contract_type = "permanent"
    description = _text(payload, "description", errors, required=True, limit=20_000)
    publish_on = _date(payload, "publish_on", errors) or today
    local_close = (closes_at or dt.datetime.combine(today, dt.time(12), UK)).astimezone(UK)
    details = VacancyDetails(
        title=_text(payload, "title", errors, required=True),
        job_roles=_list(payload, "job_roles", errors, vocabulary.JOB_ROLES, required=True),
        phases=_list(payload, "phases", errors, vocabulary.PHASES, required=True),
        key_stages=_list(payload, "key_stages", errors, vocabulary.KEY_STAGES),
        subjects=_list(payload, "subjects", errors),
        working_patterns=_list(
            payload, "working_patterns", errors, vocabulary.WORKING_PATTERNS, required=True
        ),
        job_share=_bool(payload, "job_share", errors),
        contract_type=contract_type,
        fixed_term_length=_text(payload, "fixed_term_length", errors, limit=100) or None,
        parental_leave_cover=_bool(payload, "parental_leave_cover", errors),
        salary=_text(payload, "salary", errors, limit=200),
        salary_minimum=_money(payload, "salary_min", errors),
        salary_maximum=_money(payload, "salary_max", errors),
        starts_on=_date(payload, "starts_on", errors),
        publish_on=publish_on,
        closing_date=local_close.date(),
        closing_time=local_close.strftime("%H:%M"),
        ect_status="ect_suitable" if _bool(payload, "ect_suitable", errors) else "ect_unsuitable",
        visa_sponsorship=_bool(payload, "visa_sponsorship", errors),
        about_role=description,
        what_school_offers=_text(payload, "what_school_offers", errors, limit=10_000),
        how_to_apply=how_to_apply,
        application_url=application_url,
        application_email=application_email,
        contact_email=_text(payload, "contact_email", errors, required=True, limit=320),
        external_reference=_text(payload, "external_reference", errors, required=True, limit=100) or None,
        **pay.from_json(payload, errors),
        **questions.from_json(payload, errors),
    )
    if details.contact_email and "@" not in details.contact_email:
        errors["contact_email"] = "Must be an email address"
    if not errors:
        renamed = {
            "salary_maximum": "salary_max",
            "about_role": "description",
            "closing_date": "closes_at",
            "hourly_rate_pence": "hourly_rate",
        }
        for name, message in problems(details, utcnow()).items():
            errors[renamed.get(name, name)] = message
    if errors:
        raise PayloadError(errors)
    return Submission(details=details, publish=status == "published")


def target_organisation(client: AtsClient, payload: dict) -> Organisation:
    """The school the listing is for: the client's own, or (for a trust) one of its schools, by URN."""
    own = db.session.get_one(Organisation, client.organisation_id)
    school = payload.get("school") if isinstance(payload, dict) else None
    urn = school.get("urn") if isinstance(school, dict) else None
    if urn in (None, "", own.urn):
        return own
    found = db.session.scalar(sa.select(Organisation).where(Organisation.urn == str(urn)))
    if found is None or found.trust_id != own.id:
        raise PayloadError(
            {"school.urn": "This client may only post for its own school or its trust's schools"}
        )
    return found


def existing_listing(organisation: Organisation, reference: str | None) -> Vacancy | None:
    if not reference:
        return None
    return db.session.scalar(
        sa.select(Vacancy).where(
            Vacancy.organisation_id == organisation.id, Vacancy.external_reference == reference
        )
    )


def check(client: AtsClient, payload: dict, *, now: dt.datetime | None = None) -> Verdict:
    """What the policy would decide for this payload, saving nothing."""
    now = now or utcnow()
    organisation = target_organisation(client, payload)
    submission = parse(payload, today=now.astimezone(UK).date())
    existing = existing_listing(organisation, submission.details.external_reference)
    on_sale = existing is not None and existing.status in (VacancyStatus.PUBLISHED, VacancyStatus.SCHEDULED)
    # No person is behind an ATS client: the organisation-level policy, as for imports.
    return verdict_for(
        submission.details,
        organisation,
        now=now,
        vacancy_id=existing.id if existing else None,
        editing=existing if on_sale else None,
    )


def upsert(
    client: AtsClient, payload: dict, *, now: dt.datetime | None = None
) -> tuple[Vacancy, Verdict, bool]:
    """Create or update the listing with this external reference and let the policy decide.

    Returns the listing, the verdict and whether it was created. A blocked verdict leaves a new
    listing as a draft (and an existing one unchanged) with the refusal audited; the caller commits.
    """
    now = now or utcnow()
    organisation = target_organisation(client, payload)
    submission = parse(payload, today=now.astimezone(UK).date())
    details = submission.details
    client.last_used_at = now
    existing = existing_listing(organisation, details.external_reference)
    created = existing is None
    on_sale = existing is not None and existing.status in (VacancyStatus.PUBLISHED, VacancyStatus.SCHEDULED)
    # An ATS client acts for the organisation with no person behind it, so it keeps the organisation-level
    # policy (no first-listings or new-member review); a change to where candidates apply or whom they
    # contact on a listing on sale still goes to a moderator, as it does for a school's own edit.
    verdict = verdict_for(
        details,
        organisation,
        now=now,
        vacancy_id=None if existing is None else existing.id,
        editing=existing if on_sale else None,
    )
    if existing is None:
        vacancy = Vacancy(
            organisation_id=organisation.id,
            created_by_id=None,
            status=VacancyStatus.DRAFT,
            **details.model_fields(),
        )
        db.session.add(vacancy)
        db.session.flush()
        audit.record(
            AuditAction.VACANCY_CREATE,
            subject_type=AuditSubject.VACANCY,
            subject_id=vacancy.id,
            ats_client_id=client.id,
        )
    elif verdict.outcome is Outcome.BLOCK and existing.status not in (
        VacancyStatus.DRAFT,
        VacancyStatus.REJECTED,
    ):
        record_verdict(existing, verdict)
        return existing, verdict, False
    else:
        vacancy = existing
        if vacancy.status in (VacancyStatus.CLOSED, VacancyStatus.EXPIRED, VacancyStatus.REMOVED):
            raise PayloadError(
                {
                    "external_reference": (
                        f"This listing is {vacancy.status.label.lower()} and cannot be changed"
                    )
                }
            )
        for name, value in details.model_fields().items():
            setattr(vacancy, name, value)
        audit.record(
            AuditAction.VACANCY_EDIT,
            subject_type=AuditSubject.VACANCY,
            subject_id=vacancy.id,
            ats_client_id=client.id,
        )
        if vacancy.status is VacancyStatus.REJECTED:
            guarded_transition(vacancy, VacancyAction.REVISE, actor=None, now=now)
    if vacancy.status in (VacancyStatus.PUBLISHED, VacancyStatus.SCHEDULED):
        if verdict.outcome is Outcome.REVIEW:
            guarded_transition(
                vacancy, VacancyAction.HOLD, actor=None, reason="Changed by the ATS: needs review", now=now
            )
            vacancy.submitted_at = now
        record_verdict(vacancy, verdict)
        return vacancy, verdict, created
    if vacancy.status is VacancyStatus.DRAFT and submission.publish:
        try:
            verdict = screen_submission(None, vacancy, now=now)
        except ListingBlocked as blocked:
            verdict = blocked.verdict
    return vacancy, verdict, created

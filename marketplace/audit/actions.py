"""The names of what the audit log records: a contract between the code that writes an event and the
pages, metrics and rules that read it back, so neither side spells it by hand."""

from __future__ import annotations

import enum


class AuditSubject(enum.StrEnum):
    """What an event is about; with the subject's id it names one thing."""

    VACANCY = "vacancy"
    ORGANISATION = "organisation"
    USER = "user"
    APPEAL = "appeal"
    REPORT = "report"
    ATS_CLIENT = "ats_client"


class AuditAction(enum.StrEnum):
    """Every action the log records, as `subject.verb`."""

    # A listing's lifecycle, one per lifecycle action (vacancies/lifecycle.py VacancyAction), written
    # by every transition, and the school's own changes to it.
    VACANCY_SUBMIT = "vacancy.submit"
    VACANCY_APPROVE = "vacancy.approve"
    VACANCY_REJECT = "vacancy.reject"
    VACANCY_REVISE = "vacancy.revise"
    VACANCY_PUBLISH_SCHEDULED = "vacancy.publish_scheduled"
    VACANCY_CLOSE = "vacancy.close"
    VACANCY_EXPIRE = "vacancy.expire"
    VACANCY_REMOVE = "vacancy.remove"
    VACANCY_REQUEST_CHANGES = "vacancy.request_changes"
    VACANCY_HOLD = "vacancy.hold"
    VACANCY_REINSTATE = "vacancy.reinstate"
    VACANCY_REOPEN = "vacancy.reopen"
    VACANCY_CREATE = "vacancy.create"
    VACANCY_EDIT = "vacancy.edit"
    VACANCY_COPY = "vacancy.copy"
    VACANCY_RELIST = "vacancy.relist"
    VACANCY_EXTEND = "vacancy.extend"
    VACANCY_DELETE = "vacancy.delete"
    VACANCY_DELETE_STALE_DRAFT = "vacancy.delete_stale_draft"
    VACANCY_DOCUMENT_ADDED = "vacancy.document_added"
    VACANCY_DOCUMENT_REMOVED = "vacancy.document_removed"
    VACANCY_CLAIM = "vacancy.claim"
    # The moderation policy's verdict on a submission (moderation/policy.py Outcome).
    POLICY_PUBLISH = "policy.publish"
    POLICY_REVIEW = "policy.review"
    POLICY_BLOCK = "policy.block"
    # Reports and appeals.
    REPORT_CREATE = "report.create"
    REPORT_DISMISS = "report.dismiss"
    REPORT_UPHOLD = "report.uphold"
    REPORT_CONFIRM = "report.confirm"
    REPORT_DISMISS_ABUSE = "report.dismiss_abuse"
    APPEAL_CREATE = "appeal.create"
    APPEAL_OVERTURN = "appeal.overturn"
    APPEAL_UPHOLD = "appeal.uphold"
    # Organisations and their members.
    ORGANISATION_VERIFIED = "organisation.verified"
    ORGANISATION_SUSPEND = "organisation.suspend"
    ORGANISATION_REINSTATE = "organisation.reinstate"
    ORGANISATION_MEMBER_REMOVED = "organisation.member_removed"
    ORGANISATION_MEMBER_JOINED = "organisation.member_joined"
    ORGANISATION_MEMBER_ROLE_CHANGED = "organisation.member_role_changed"
    ORGANISATION_CLAIM_MADE = "organisation.claim_made"
    ORGANISATION_CLAIM_APPROVED = "organisation.claim_approved"
    ORGANISATION_CLAIM_DECLINED = "organisation.claim_declined"
    ORGANISATION_EMAIL_DOMAIN_ADDED = "organisation.email_domain_added"
    ORGANISATION_EMAIL_DOMAIN_REMOVED = "organisation.email_domain_removed"
    # People's accounts.
    USER_SUSPEND = "user.suspend"
    USER_REINSTATE = "user.reinstate"
    ACCOUNT_CHANGE_ROLE = "account.change_role"
    ACCOUNT_DISABLE = "account.disable"
    ACCOUNT_RESTORE = "account.restore"
    ACCOUNT_DELETE_BY_OWNER = "account.delete_by_owner"
    ACCOUNT_DELETE_INACTIVE = "account.delete_inactive"
    # Applicant tracking systems' API clients.
    ATS_CREATE_CLIENT = "ats.create_client"

    @property
    def subject(self) -> str:
        return self.value.split(".", 1)[0]

    @classmethod
    def of_vacancy(cls, lifecycle_action: str) -> AuditAction:
        """The event a lifecycle transition writes (a ValueError for an action the log does not know)."""
        return cls(f"vacancy.{lifecycle_action}")

    @classmethod
    def of_policy(cls, outcome: str) -> AuditAction:
        """The event the moderation policy's verdict writes."""
        return cls(f"policy.{outcome}")

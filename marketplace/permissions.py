"""Roles and the permissions they carry, as named enum values rather than scattered strings."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    JOBSEEKER = "jobseeker"
    HIRING_STAFF = "hiring_staff"
    MODERATOR = "moderator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.JOBSEEKER: "Jobseeker",
    Role.HIRING_STAFF: "School or trust staff",
    Role.MODERATOR: "Moderator",
    Role.ADMIN: "Administrator",
}


class Permission(enum.StrEnum):
    # Anyone signed in.
    ACCOUNT_MANAGE = "account:manage"
    # Jobseekers.
    APPLICATION_CREATE = "jobseeker:application:create"
    APPLICATION_READ_OWN = "jobseeker:application:read"
    PROFILE_MANAGE = "jobseeker:profile:manage"
    SAVED_JOBS_MANAGE = "jobseeker:saved_job:manage"
    JOB_ALERTS_MANAGE = "jobseeker:job_alert:manage"
    # Hiring staff, always within the organisations they belong to.
    VACANCY_MANAGE = "organisation:vacancy:manage"
    APPLICATION_READ_RECEIVED = "organisation:application:read"
    APPLICATION_MANAGE_RECEIVED = "organisation:application:manage"
    # Search the jobseekers who let schools find them, and invite them to apply (verified organisations).
    CANDIDATES_SEARCH = "organisation:candidate:search"
    # Moderators.
    MODERATION_QUEUE_READ = "moderation:queue:read"
    MODERATION_VACANCY_DECIDE = "moderation:vacancy:decide"
    MODERATION_SANCTION = "moderation:sanction:manage"
    MODERATION_AUDIT_READ = "moderation:audit:read"
    # Approve or decline a claim to join a school or trust; record the email domains it owns.
    MODERATION_CLAIM_DECIDE = "moderation:claim:decide"
    # Administrators.
    ADMIN_USERS_MANAGE = "admin:user:manage"
    ADMIN_OUTBOX_MANAGE = "admin:outbox:manage"
    ANALYTICS_READ = "admin:analytics:read"


_MODERATOR = {
    Permission.ACCOUNT_MANAGE,
    Permission.MODERATION_QUEUE_READ,
    Permission.MODERATION_VACANCY_DECIDE,
    Permission.MODERATION_SANCTION,
    Permission.MODERATION_AUDIT_READ,
    Permission.MODERATION_CLAIM_DECIDE,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.JOBSEEKER: frozenset(
        {
            Permission.ACCOUNT_MANAGE,
            Permission.APPLICATION_CREATE,
            Permission.APPLICATION_READ_OWN,
            Permission.PROFILE_MANAGE,
            Permission.SAVED_JOBS_MANAGE,
            Permission.JOB_ALERTS_MANAGE,
        }
    ),
    Role.HIRING_STAFF: frozenset(
        {
            Permission.ACCOUNT_MANAGE,
            Permission.VACANCY_MANAGE,
            Permission.APPLICATION_READ_RECEIVED,
            Permission.APPLICATION_MANAGE_RECEIVED,
            Permission.CANDIDATES_SEARCH,
        }
    ),
    Role.MODERATOR: frozenset(_MODERATOR),
    Role.ADMIN: frozenset(
        _MODERATOR
        | {Permission.ADMIN_USERS_MANAGE, Permission.ADMIN_OUTBOX_MANAGE, Permission.ANALYTICS_READ}
    ),
}


def has_permission(role: Role | str | None, permission: Permission) -> bool:
    """True when the role carries the permission; an unknown or missing role carries none."""
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False

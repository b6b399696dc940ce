"""The audit trail: one append-only event per decision by a person or by the policy."""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.moderation.models import AuditEvent


def record(
    action: str, *, subject_type: str, subject_id: int, actor: User | None = None, reason: str = "", **data
) -> AuditEvent:
    """Add an audit event to the current transaction: it stands or falls with the change it explains."""
    event = AuditEvent(
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        actor_id=actor.id if actor else None,
        reason=reason,
        data=data,
    )
    db.session.add(event)
    return event


def history(subject_type: str, subject_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
    )

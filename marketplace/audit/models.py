"""The audit event: one append-only row per decision by a person or by the policy.

Append-only is enforced in the application: the ORM refuses to update or delete an AuditEvent, and
bulk UPDATE or DELETE statements on the table are refused too. Nothing in the app edits the log.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from marketplace.db import Base, utcnow

if TYPE_CHECKING:
    from marketplace.accounts.models import User


class AuditEvent(Base):
    """Append-only record of who did what to which thing, when and why. Never updated or deleted."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(64))
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class AuditLogIsAppendOnly(RuntimeError):
    """Something tried to change or delete an audit event."""


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    """before_update hook: audit events are never changed."""
    raise AuditLogIsAppendOnly("Audit events cannot be changed.")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    """before_delete hook: audit events are never deleted."""
    raise AuditLogIsAppendOnly("Audit events cannot be deleted.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    """do_orm_execute hook: no UPDATE or DELETE statement may touch the audit table through a session."""
    if (state.is_update or state.is_delete) and getattr(
        getattr(state.statement, "table", None), "name", None
    ) == AuditEvent.__tablename__:
        raise AuditLogIsAppendOnly("Audit events cannot be changed or deleted.")

"""Writing and reading the audit trail: record() in the transaction of the change it explains; the
moderators' log page filters, pages and downloads it."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.audit.actions import AuditAction, AuditSubject
from marketplace.audit.models import AuditEvent
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.accounts.models import User

# The people table, as far as filtering the log by an actor's email needs it (the log sits below accounts).
_USERS = sa.table("users", sa.column("id"), sa.column("email"))


def record(
    action: AuditAction,
    *,
    subject_type: AuditSubject,
    subject_id: int,
    actor: User | None = None,
    reason: str = "",
    **data,
) -> AuditEvent:
    """Add an audit event to the current transaction: it stands or falls with the change it explains."""
    event_ = AuditEvent(
        action=AuditAction(action).value,
        subject_type=AuditSubject(subject_type).value,
        subject_id=subject_id,
        actor_id=actor.id if actor else None,
        reason=reason,
        data=data,
    )
    db.session.add(event_)
    return event_


def history(subject_type: AuditSubject, subject_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
    )


@dataclasses.dataclass
class AuditFilter:
    action: str = ""  # an exact action or a prefix such as "vacancy." or "policy."
    subject_type: str = ""
    subject_id: int | None = None
    actor_email: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    def statement(self) -> sa.Select:
        query = sa.select(AuditEvent).options(selectinload(AuditEvent.actor))
        if self.action:
            query = query.where(
                AuditEvent.action == self.action
                if not self.action.endswith(".")
                else AuditEvent.action.startswith(self.action, autoescape=True)
            )
        if self.subject_type:
            query = query.where(AuditEvent.subject_type == self.subject_type)
        if self.subject_id is not None:
            query = query.where(AuditEvent.subject_id == self.subject_id)
        if self.actor_email:
            query = query.join(_USERS, _USERS.c.id == AuditEvent.actor_id).where(
                sa.func.lower(_USERS.c.email) == self.actor_email.strip().lower()
            )
        if self.since:
            query = query.where(AuditEvent.occurred_at >= dt.datetime.combine(self.since, dt.time(), dt.UTC))
        if self.until and self.until < dt.date.max:  # the last date there is leaves nothing out
            query = query.where(
                AuditEvent.occurred_at
                < dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time(), dt.UTC)
            )
        return query


def search(audit_filter: AuditFilter, *, page: int = 1, per_page: int = 100) -> tuple[list[AuditEvent], int]:
    """One page of the log, newest first, and the total matching."""
    statement = audit_filter.statement()
    total = (
        db.session.scalar(sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())) or 0
    )
    rows = db.session.scalars(
        statement.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    )
    return list(rows), total


CSV_COLUMNS = (
    "id",
    "occurred_at",
    "actor",
    "action",
    "subject_type",
    "subject_id",
    "before",
    "after",
    "reason",
    "data",
)


def csv_rows(audit_filter: AuditFilter) -> Iterator[str]:
    """The matching log as CSV, oldest first, streamed a row at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow(CSV_COLUMNS)
    yield flush()
    statement = audit_filter.statement().order_by(AuditEvent.occurred_at, AuditEvent.id)
    for row in db.session.scalars(statement.execution_options(yield_per=500)):
        data = dict(row.data or {})
        writer.writerow(
            [
                row.id,
                row.occurred_at.isoformat(),
                row.actor.email if row.actor else "policy",
                row.action,
                row.subject_type,
                row.subject_id,
                data.pop("previous_status", ""),
                data.pop("status", ""),
                _safe_cell(row.reason),
                _safe_cell(repr(data) if data else ""),
            ]
        )
        yield flush()


def _safe_cell(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: neutralise them."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value

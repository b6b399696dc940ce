"""The append-only audit log, at the bottom of the layers: every layer above records what it decides."""

from marketplace.audit.actions import AuditAction, AuditSubject
from marketplace.audit.log import AuditFilter, csv_rows, history, record, search
from marketplace.audit.models import AuditEvent, AuditLogIsAppendOnly

__all__ = [
    "AuditAction",
    "AuditEvent",
    "AuditFilter",
    "AuditLogIsAppendOnly",
    "AuditSubject",
    "csv_rows",
    "history",
    "record",
    "search",
]

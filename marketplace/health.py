"""What an operator or a load balancer needs to know: can this node serve, and is anything backing up."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import sqlalchemy as sa
from flask import current_app

from marketplace.extensions import db, limiter
from marketplace.notifications.models import OutboxMessage, OutboxStatus
from marketplace.search.api import SearchUnavailable, backend
from marketplace.search.changes import pending_change_count


@dataclass
class Health:
    database: str = "ok"
    rate_limits: str = "ok"
    search_index: dict = field(default_factory=dict)
    outbox: dict = field(default_factory=dict)

    @property
    def serving(self) -> bool:
        """The node can answer requests: only the database is essential (the index degrades to a message)."""
        return self.database == "ok"

    @property
    def status(self) -> str:
        if not self.serving:
            return "down"
        healthy_index = (
            self.search_index.get("state") == "ok" and self.search_index.get("pending_changes") == 0
        )
        healthy = healthy_index and not self.outbox.get("dead") and self.rate_limits != "unreachable"
        return "ok" if healthy else "degraded"

    def as_dict(self) -> dict:
        return {"status": self.status, **asdict(self)}


def check() -> Health:
    """Look at the database, the rate limits' storage, this node's search index replica and the email
    outbox; never raises."""
    health = Health(rate_limits=_rate_limit_storage())
    try:
        counts = dict(
            db.session.execute(
                sa.select(OutboxMessage.status, sa.func.count())
                .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.DEAD]))
                .group_by(OutboxMessage.status)
            ).all()
        )
    except sa.exc.SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.error("Health check cannot reach the database: %s", error)
        health.database = "unreachable"
        return health
    health.outbox = {"pending": counts.get(OutboxStatus.PENDING, 0), "dead": counts.get(OutboxStatus.DEAD, 0)}
    try:
        applied = backend().applied_change_id() or 0
    except (SearchUnavailable, OSError) as error:
        health.search_index = {"state": "unusable", "problem": str(error)}
        return health
    try:
        # Counted, not the difference of ids: ids skipped by rolled-back transactions are never pending.
        pending = pending_change_count(db.session, applied)
    except sa.exc.SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.error("Health check cannot reach the database: %s", error)
        health.database = "unreachable"
        return health
    health.search_index = {"state": "ok", "last_change": applied, "pending_changes": pending}
    return health


def _rate_limit_storage() -> str:
    """Whether the shared rate-limit counters answer ("unreachable": each process counts alone meanwhile)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return "off"
    try:
        reachable = limiter.storage.check()
    except Exception as error:  # a storage client raises its own errors: any of them means unreachable
        current_app.logger.error("Rate-limit storage unreachable: %s", error)
        reachable = False
    return "ok" if reachable else "unreachable"

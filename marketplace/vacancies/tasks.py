"""Vacancy housekeeping that `marketplace worker` runs on every iteration (see marketplace/worker.py)."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.vacancies import services


def publish_scheduled_vacancies() -> int:
    """Listings approved ahead of their publish date go live on the day."""
    published = services.publish_due()
    db.session.commit()
    return published


def expire_closed_vacancies() -> int:
    """Listings past their closing time leave the published state (search already hides them)."""
    expired = services.expire_closed()
    db.session.commit()
    return expired

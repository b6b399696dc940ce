"""Readable, stable web addresses for schools and trusts: /schools/kirkstall-valley-academy."""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.organisations.models import Organisation

MAX_LENGTH = 120


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace("&", " and ")).strip("-")
    return words[:MAX_LENGTH].rstrip("-") or "organisation"


def candidates(organisation: Organisation):
    """The name alone, then with its town, then with its register number: the first free one wins."""
    return candidates_for(organisation.name, organisation.town, organisation.urn or organisation.uid)


def candidates_for(name: str, town: str | None, reference: str | None):
    """Slugs to try, in order, for an organisation with this name, town and URN or UID."""
    base = slugify(name)
    yield base
    if town:
        yield slugify(f"{name} {town}")
    yield slugify(f"{name} {reference or ''}")
    for number in range(2, 1000):
        yield f"{base}-{number}"


@event.listens_for(Session, "before_flush")
def _give_new_organisations_a_slug(session: Session, flush_context, instances) -> None:
    """Every organisation gets a unique slug when it is first saved, whoever creates it."""
    new = [o for o in session.new if isinstance(o, Organisation) and not o.slug]
    if not new:
        return
    taken_in_flush = {o.slug for o in session.new if isinstance(o, Organisation) and o.slug}
    for organisation in new:
        for slug in candidates(organisation):
            if slug in taken_in_flush:
                continue
            with session.no_autoflush:
                exists = session.scalar(sa.select(Organisation.id).where(Organisation.slug == slug).limit(1))
            if exists is None:
                organisation.slug = slug
                taken_in_flush.add(slug)
                break

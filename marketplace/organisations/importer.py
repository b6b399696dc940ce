"""Importing schools and trusts from the school register into the database.

Each import streams its file one row at a time and writes in batches, so memory stays flat however long
the file is. Organisations are matched by their register number (URN for a school, UID for a trust) and
only rows whose values changed are written: running an import twice changes nothing the second time.
A bad row is reported with its row number and skipped; it never stops the import.

The import only writes what the register owns (name, address, type, phase, ages, coordinates...): an
organisation's slug, verification, suspension and members are ours and are left alone, so a school's
public address stays the same when it is renamed.

Services here never commit: `after_batch` (the CLI passes `db.session.commit`) is called after each
batch, so a long import does not hold one transaction open for its whole length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.organisations import register
from marketplace.organisations.models import Organisation, OrganisationKind
from marketplace.organisations.register import Establishment, Group, RowProblem
from marketplace.organisations.slugs import candidates_for

BATCH_SIZE = 1000
# Problems beyond this many are counted but not kept: a broken file must not fill the memory.
MAX_PROBLEMS_KEPT = 1000

SCHOOL_FIELDS = (
    "kind",
    "name",
    "type_name",
    "type_group",
    "phase",
    "statutory_low_age",
    "statutory_high_age",
    "religious_character",
    "street",
    "locality",
    "town",
    "county",
    "postcode",
    "local_authority",
    "region",
    "website",
    "latitude",
    "longitude",
)
TRUST_FIELDS = ("kind", "name", "type_name", "street", "locality", "town", "county", "postcode")

organisations = Organisation.__table__


@dataclass
class ImportReport:
    """What an import did, for the person who ran it."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problem_count: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    linked: int = 0
    unlinked: int = 0

    def add_problem(self, problem: RowProblem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(problem)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def import_establishments(
    path: Path | str,
    *,
    batch_size: int = BATCH_SIZE,
    after_batch: Callable[[], Any] | None = None,
    progress: Callable[[int], Any] | None = None,
) -> ImportReport:
    """Create or update every open school in a register establishments file (`edubasealldata*.csv`).

    Schools that are not open are counted as skipped (a school already here that has closed is kept,
    with its listings). Raises register.RegisterFormatError if the file lacks a column we need or is
    not CSV text. `progress(rows)` is called as each batch of rows is written.
    """
    report = ImportReport()
    batch: dict[str, Establishment] = {}
    rows_read = 0
    for row_number, item in register.read_establishments(path):
        rows_read += 1
        if isinstance(item, RowProblem):
            report.add_problem(item)
        elif item is None:
            report.skipped += 1
        else:
            if item.urn in batch:
                report.add_problem(
                    RowProblem(row_number, f"URN {item.urn}", "the URN appears twice; the later row is used")
                )
            batch[item.urn] = item
            if len(batch) >= batch_size:
                _upsert_schools(list(batch.values()), report)
                batch.clear()
                if after_batch:
                    after_batch()
                if progress:
                    progress(rows_read)
                    rows_read = 0
    if batch:
        _upsert_schools(list(batch.values()), report)
        if after_batch:
            after_batch()
    if progress and rows_read:
        progress(rows_read)
    return report


def _school_values(schools: list[Establishment]) -> list[dict[str, Any]]:
    located = [s for s in schools if s.easting is not None]
    coordinates = dict(
        zip(
            (s.urn for s in located),
            register.to_latitude_longitude([(s.easting, s.northing) for s in located]),
            strict=True,
        )
    )
    values = []
    for school in schools:
        latitude, longitude = coordinates.get(school.urn, (None, None))
        values.append(
            {
                "urn": school.urn,
                "kind": OrganisationKind.SCHOOL,
                "name": school.name,
                "type_name": school.type_name,
                "type_group": school.type_group,
                "phase": school.phase,
                "statutory_low_age": school.statutory_low_age,
                "statutory_high_age": school.statutory_high_age,
                "religious_character": school.religious_character,
                "street": school.street,
                "locality": school.locality,
                "town": school.town,
                "county": school.county,
                "postcode": school.postcode,
                "local_authority": school.local_authority,
                "region": school.region,
                "website": school.website,
                "latitude": latitude,
                "longitude": longitude,
            }
        )
    return values


def _upsert_schools(schools: list[Establishment], report: ImportReport) -> None:
    _upsert(_school_values(schools), "urn", SCHOOL_FIELDS, report)


def _upsert(
    rows: list[dict[str, Any]], key: str, fields: Iterable[str], report: ImportReport
) -> dict[str, int]:
    """Insert the rows whose `key` is new and update those whose fields changed; return key → id."""
    fields = tuple(fields)
    key_column = organisations.c[key]
    existing = {
        row[key]: row
        for row in db.session.execute(
            sa.select(organisations.c.id, key_column, *(organisations.c[f] for f in fields)).where(
                key_column.in_(_values([r[key] for r in rows]))
            )
        ).mappings()
    }
    now = utcnow()
    inserts, updates = [], []
    ids: dict[str, int] = {}
    for row in rows:
        current = existing.get(row[key])
        if current is None:
            inserts.append({**row, "created_at": now, "updated_at": now})
            continue
        ids[row[key]] = current["id"]
        if all(_same(current[f], row[f]) for f in fields):
            report.unchanged += 1
        else:
            updates.append({"row_id": current["id"], **{f: row[f] for f in fields}, "updated_at": now})
    if updates:
        db.session.execute(
            sa.update(organisations)
            .where(organisations.c.id == sa.bindparam("row_id"))
            .values({f: sa.bindparam(f) for f in (*fields, "updated_at")}),
            updates,
        )
        report.updated += len(updates)
    if inserts:
        _assign_slugs(inserts, key)
        db.session.execute(sa.insert(organisations), inserts)
        report.created += len(inserts)
        ids.update(
            db.session.execute(
                sa.select(key_column, organisations.c.id).where(
                    key_column.in_(_values([r[key] for r in inserts]))
                )
            ).all()
        )
    return ids


def _values(values: list[str]) -> sa.BindParameter:
    """An IN list written into the statement, so PostgreSQL plans each batch afresh.

    A list of bound parameters makes every batch the same statement, which the driver prepares once and
    PostgreSQL then runs with the plan it chose while the table was empty: a full scan per batch.
    """
    return sa.bindparam("values", values, expanding=True, literal_execute=True)


def _same(stored: Any, new: Any) -> bool:
    if isinstance(stored, float) and isinstance(new, float):
        return abs(stored - new) < 1e-7
    return stored == new


def _assign_slugs(rows: list[dict[str, Any]], key: str) -> None:
    """Give each new organisation the first free slug, checking a whole batch in one query."""
    options = {id(row): list(candidates_for(row["name"], row["town"], row[key]))[:3] for row in rows}
    wanted = {slug for slugs in options.values() for slug in slugs}
    taken = set(
        db.session.scalars(
            sa.select(organisations.c.slug).where(organisations.c.slug.in_(_values(sorted(wanted))))
        )
    )
    for row in rows:
        slug = next((s for s in options[id(row)] if s not in taken), None)
        if slug is None:  # rare: every short form is taken, so count upwards one query at a time
            for candidate in candidates_for(row["name"], row["town"], row[key]):
                if candidate in taken:
                    continue
                exists = db.session.scalar(
                    sa.select(organisations.c.id).where(organisations.c.slug == candidate).limit(1)
                )
                if exists is None:
                    slug = candidate
                    break
                taken.add(candidate)
        row["slug"] = slug
        taken.add(slug)


def import_trusts(
    groups_path: Path | str,
    links_path: Path | str,
    *,
    batch_size: int = BATCH_SIZE,
    after_batch: Callable[[], Any] | None = None,
) -> ImportReport:
    """Create or update open trusts and federations from a groups file, then link schools to them.

    Each school gets the trust named for its URN in the links file (a multi- or single-academy trust
    before a federation, before any other trust). A school whose register trust no longer lists it is
    unlinked. Links to schools or groups we do not have are counted as skipped. Run the establishments
    import first. Raises register.RegisterFormatError if a file lacks a column we need.
    """
    report = ImportReport()
    trust_ids: dict[str, tuple[int, int]] = {}  # uid -> (organisation id, priority); a few thousand at most
    batch: dict[str, Group] = {}

    def flush_groups() -> None:
        ids = _upsert([_group_values(g) for g in batch.values()], "uid", TRUST_FIELDS, report)
        for uid, organisation_id in ids.items():
            trust_ids[uid] = (organisation_id, register.TRUST_TYPES[batch[uid].type_name.lower()])
        batch.clear()
        if after_batch:
            after_batch()

    for _, item in register.read_groups(groups_path):
        if isinstance(item, RowProblem):
            report.add_problem(item)
        elif item is None:
            report.skipped += 1
        else:
            batch[item.uid] = item
            if len(batch) >= batch_size:
                flush_groups()
    if batch:
        flush_groups()

    # URN -> (priority, trust id): one entry per academy, about 40,000 small pairs for all of England.
    wanted: dict[str, tuple[int, int]] = {}
    for _, link in register.read_links(links_path):
        if isinstance(link, RowProblem):
            report.add_problem(link)
            continue
        if link.uid not in trust_ids:
            continue
        organisation_id, priority = trust_ids[link.uid]
        if link.urn not in wanted or priority < wanted[link.urn][0]:
            wanted[link.urn] = (priority, organisation_id)

    urns = list(wanted)
    for start in range(0, len(urns), batch_size):
        chunk = urns[start : start + batch_size]
        changes = [
            {"row_id": school_id, "new_trust_id": wanted[urn][1]}
            for school_id, urn, trust_id in db.session.execute(
                sa.select(organisations.c.id, organisations.c.urn, organisations.c.trust_id).where(
                    organisations.c.urn.in_(_values(chunk))
                )
            )
            if trust_id != wanted[urn][1]
        ]
        _set_trusts(changes)
        report.linked += len(changes)
        if after_batch:
            after_batch()

    trusts = organisations.alias("trusts")
    leavers = [
        {"row_id": school_id, "new_trust_id": None}
        for school_id, urn in db.session.execute(
            sa.select(organisations.c.id, organisations.c.urn)
            .join(trusts, organisations.c.trust_id == trusts.c.id)
            .where(trusts.c.uid.is_not(None), organisations.c.urn.is_not(None))
        )
        if urn not in wanted
    ]
    _set_trusts(leavers)
    report.unlinked = len(leavers)
    if after_batch:
        after_batch()
    return report


def _group_values(group: Group) -> dict[str, Any]:
    return {
        "uid": group.uid,
        "kind": OrganisationKind.TRUST,
        "name": group.name,
        "type_name": group.type_name,
        "street": group.street,
        "locality": group.locality,
        "town": group.town,
        "county": group.county,
        "postcode": group.postcode,
    }


def _set_trusts(changes: list[dict[str, Any]]) -> None:
    if changes:
        db.session.execute(
            sa.update(organisations)
            .where(organisations.c.id == sa.bindparam("row_id"))
            .values(trust_id=sa.bindparam("new_trust_id"), updated_at=utcnow()),
            changes,
        )

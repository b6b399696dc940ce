"""Read side for vacancies, always scoped to what the person asking may see."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only, selectinload
from sqlalchemy.sql.base import ExecutableOption

from marketplace.accounts.models import User
from marketplace.db import uk_today, utcnow
from marketplace.extensions import db
from marketplace.organisations.models import Organisation
from marketplace.organisations.queries import organisation_ids_for
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy, vacancy_schools

# The dashboard's tabs, in the order a school works through them.
DASHBOARD_TABS: dict[str, tuple[str, frozenset[VacancyStatus]]] = {
    "live": ("Live", frozenset({VacancyStatus.PUBLISHED})),
    "scheduled": ("Scheduled", frozenset({VacancyStatus.SCHEDULED})),
    "in-review": ("In review", frozenset({VacancyStatus.PENDING_REVIEW})),
    "drafts": ("Drafts", frozenset({VacancyStatus.DRAFT, VacancyStatus.REJECTED})),
    "closed": ("Closed", frozenset({VacancyStatus.CLOSED, VacancyStatus.EXPIRED, VacancyStatus.REMOVED})),
}


def live_condition(now: dt.datetime):
    """SQL for 'listed for jobseekers', the same rule as Vacancy.is_live()."""
    return sa.and_(
        Vacancy.status == VacancyStatus.PUBLISHED,
        Vacancy.publish_on <= uk_today(now),
        Vacancy.closes_at > now,
    )


def live_vacancy(
    vacancy_id: int, now: dt.datetime | None = None, *, load: tuple[ExecutableOption, ...] = ()
) -> Vacancy | None:
    """A live listing with its organisation (and whatever else `load` asks for); None otherwise."""
    return db.session.scalar(
        sa.select(Vacancy)
        .options(joinedload(Vacancy.organisation), *load)
        .where(Vacancy.id == vacancy_id, live_condition(now or utcnow()))
    )


# A list of results shows each listing's title, school and town, salary, working pattern and closing
# date: loading only those keeps the long texts (and the JSON lists nobody sees there) out of the query.
RESULT_LIST: tuple[ExecutableOption, ...] = (
    load_only(
        Vacancy.id,
        Vacancy.organisation_id,
        Vacancy.title,
        Vacancy.salary,
        Vacancy.working_patterns,
        Vacancy.job_share,
        Vacancy.closes_at,
        # The pay line: the range, and a part-time or hourly post's actual pay.
        Vacancy.salary_minimum,
        Vacancy.salary_maximum,
        Vacancy.actual_salary,
        Vacancy.fte,
        Vacancy.hours_per_week,
        Vacancy.hourly_rate_pence,
        Vacancy.term_time_only,
    ),
    joinedload(Vacancy.organisation).load_only(Organisation.id, Organisation.name, Organisation.town),
)
# Everything the JSON API shows: the listing, its organisation and every school it is at.
WHOLE_LISTING: tuple[ExecutableOption, ...] = (
    joinedload(Vacancy.organisation),
    selectinload(Vacancy.additional_schools),
)
# A job page also lists the documents.
JOB_PAGE: tuple[ExecutableOption, ...] = (*WHOLE_LISTING, selectinload(Vacancy.documents))


# Once public, a listing keeps its address: closed ones say so, removed ones answer "gone".
ONCE_PUBLIC = frozenset(
    {VacancyStatus.PUBLISHED, VacancyStatus.CLOSED, VacancyStatus.EXPIRED, VacancyStatus.REMOVED}
)


def once_public_vacancy(vacancy_id: int, *, load: tuple[ExecutableOption, ...] = ()) -> Vacancy | None:
    """A listing that is or was live (published at some point), whatever it is now, with its
    organisation (and whatever else `load` asks for); None otherwise."""
    return db.session.scalar(
        sa.select(Vacancy)
        .options(joinedload(Vacancy.organisation), *load)
        .where(Vacancy.id == vacancy_id, Vacancy.status.in_(ONCE_PUBLIC), Vacancy.published_at.is_not(None))
    )


def live_vacancies_of(organisation_id: int, now: dt.datetime | None = None) -> list[Vacancy]:
    """The organisation's live listings, and those of its trust that are also at this school."""
    covering = sa.select(vacancy_schools.c.vacancy_id).where(
        vacancy_schools.c.organisation_id == organisation_id
    )
    return list(
        db.session.scalars(
            sa.select(Vacancy)
            .where(
                sa.or_(Vacancy.organisation_id == organisation_id, Vacancy.id.in_(covering)),
                live_condition(now or utcnow()),
            )
            .order_by(Vacancy.closes_at)
        )
    )


def vacancy_for_staff(user: User, vacancy_id: int) -> Vacancy | None:
    """The vacancy if it belongs to one of the user's organisations, else None: never another school's."""
    ids = organisation_ids_for(user)
    if not ids:
        return None
    return db.session.scalar(
        sa.select(Vacancy).where(Vacancy.id == vacancy_id, Vacancy.organisation_id.in_(ids))
    )


def dashboard(user: User, tab: str) -> tuple[list[Vacancy], dict[str, int]]:
    """The vacancies on one tab of the school dashboard, and the count on every tab."""
    ids = organisation_ids_for(user)
    counts = dict.fromkeys(DASHBOARD_TABS, 0)
    if not ids:
        return [], counts
    rows = db.session.execute(
        sa.select(Vacancy.status, sa.func.count())
        .where(Vacancy.organisation_id.in_(ids))
        .group_by(Vacancy.status)
    ).all()
    for status, count in rows:
        for key, (_, statuses) in DASHBOARD_TABS.items():
            if status in statuses:
                counts[key] += count
    statuses = DASHBOARD_TABS[tab][1]
    vacancies = db.session.scalars(
        sa.select(Vacancy)
        .options(selectinload(Vacancy.organisation))
        .where(Vacancy.organisation_id.in_(ids), Vacancy.status.in_(statuses))
        .order_by(Vacancy.closes_at)
    ).all()
    return list(vacancies), counts

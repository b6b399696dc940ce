"""Pay and hours: what a listing pays a year, shown to jobseekers and used by the minimum-salary filter.

A school gives the full-time salary range (`salary_minimum`, `salary_maximum`, whole pounds a year) and,
when it knows them, the hours a week, the full-time equivalent (FTE, 0.1 to 1.0), whether the job is term
time only, the actual yearly pay of a part-time post and an hourly rate (support roles are often paid by
the hour). Only what the school gave is stored; what is worked out from it is worked out here.

Actual pay. When the school gives it, it is shown as given. When it does not, and the post is part time
(an FTE below 1) with a full-time range, the actual pay is the range times the FTE, rounded to the pound:
that is how teachers' pay is pro-rated. It is not worked out for a term-time-only post: there the actual
pay also depends on how many weeks the school pays (term weeks plus holiday), which only the school knows,
so the school is asked for it instead.

Yearly pay (the minimum-salary filter). The most the job pays a year for the hours advertised, the first
of:
1. the actual pay of a part-time post (given, or worked out as above);
2. the top of the full-time range (or its bottom when only that is given), times the FTE when one below 1
   is given: a term-time-only post without its actual pay is counted at its pro-rata pay;
3. the hourly rate times the hours a week times the weeks paid a year: 52.14 (365 / 7), or 44 for a term
   time only post (39 weeks of term and about 5 weeks of paid holiday);
4. nothing: a listing with no figures is left out when a minimum salary is asked for.
"""

from __future__ import annotations

import decimal
import math
import re
from typing import Any, Protocol

import sqlalchemy as sa

WEEKS_A_YEAR = 365 / 7
TERM_TIME_WEEKS_A_YEAR = 44
LOWEST_FTE, HIGHEST_FTE = 0.1, 1.0
MOST_HOURS = 60  # a week: more is not a job a school can advertise (the Working Time Regulations cap 48)
MOST_HOURLY_RATE_PENCE = 50_000  # £500 an hour
MOST_SALARY = 500_000

_DECIMAL = re.compile(r"\d{1,6}(?:\.\d+)?|\.\d+")


class Pay(Protocol):
    """The pay and hours fields of a listing (a Vacancy, or VacancyDetails)."""

    salary_minimum: int | None
    salary_maximum: int | None
    hours_per_week: float | None
    fte: float | None
    term_time_only: bool
    actual_salary: int | None
    hourly_rate_pence: int | None


def decimal_number(text: object, *, places: int, lowest: float, highest: float) -> float | None:
    """`text` as a number with at most `places` decimal places, within [lowest, highest]; None otherwise.
    Digits and one point only (no signs, exponents or Unicode digits)."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text.isascii() or not _DECIMAL.fullmatch(text):
        return None
    number = decimal.Decimal(text)
    exponent = number.normalize().as_tuple().exponent
    if not isinstance(exponent, int) or -exponent > places:
        return None
    return float(number) if lowest <= number <= highest else None


def json_number(value: object, *, places: int, lowest: float, highest: float) -> float | None:
    """A JSON number (an import line's, an API payload's) with at most `places` decimal places, within
    [lowest, highest]; None otherwise (true and false are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return decimal_number(str(value), places=places, lowest=lowest, highest=highest)


# What the import format and the ATS API accept (docs/import-format.md), with what each must be.
JSON_FIELDS = {
    "hours_per_week": (1, 0.5, MOST_HOURS, f"Must be a number of hours from 0.5 to {MOST_HOURS}, like 32.5"),
    "fte": (2, LOWEST_FTE, HIGHEST_FTE, "Must be a number from 0.1 to 1.0, like 0.6"),
    "hourly_rate": (2, 0.01, MOST_HOURLY_RATE_PENCE / 100, "Must be pounds and pence an hour, like 12.85"),
}


def from_json(record: dict, errors: dict[str, str]) -> dict[str, Any]:
    """The hours and pay fields of an import line or API payload as VacancyDetails values (only those
    present); each bad one is named in `errors` with what it must be."""
    values: dict[str, Any] = {}
    for name, (places, lowest, highest, message) in JSON_FIELDS.items():
        raw = record.get(name)
        if raw is None:
            continue
        number = json_number(raw, places=places, lowest=lowest, highest=highest)
        if number is None:
            errors[name] = message
        elif name == "hourly_rate":
            values["hourly_rate_pence"] = round(number * 100)
        else:
            values[name] = number
    if record.get("term_time_only") is not None:
        if isinstance(record["term_time_only"], bool):
            values["term_time_only"] = record["term_time_only"]
        else:
            errors["term_time_only"] = "Must be true or false"
    actual = record.get("actual_salary")
    if actual is not None:
        if isinstance(actual, bool) or not isinstance(actual, int) or not 0 < actual <= MOST_SALARY:
            errors["actual_salary"] = f"Must be a whole number of pounds a year from 1 to {MOST_SALARY:,}"
        else:
            values["actual_salary"] = actual
    return values


def pence(text: object) -> int | None:
    """An hourly rate as people type it ("12.45", "£12.45", "12") in whole pence; None when it is not one."""
    if not isinstance(text, str):
        return None
    rate = decimal_number(
        text.strip().lstrip("£"), places=2, lowest=0.01, highest=MOST_HOURLY_RATE_PENCE / 100
    )
    return round(rate * 100) if rate is not None else None


def is_part_time_fte(fte: float | None) -> bool:
    return fte is not None and fte < HIGHEST_FTE


def actual_pay(pay: Pay) -> tuple[int, int] | None:
    """The actual yearly pay (lowest, highest) of a part-time post, given or worked out; None otherwise."""
    if pay.actual_salary is not None:
        return pay.actual_salary, pay.actual_salary
    if not is_part_time_fte(pay.fte) or pay.term_time_only:
        return None
    low = pay.salary_minimum if pay.salary_minimum is not None else pay.salary_maximum
    high = pay.salary_maximum if pay.salary_maximum is not None else pay.salary_minimum
    if low is None or high is None:
        return None
    assert pay.fte is not None
    return round(low * pay.fte), round(high * pay.fte)


def actual_pay_is_worked_out(pay: Pay) -> bool:
    return pay.actual_salary is None and actual_pay(pay) is not None


def yearly_pay(pay: Pay) -> int | None:
    """The most the job pays a year for the hours advertised (the rule in this module's docstring)."""
    actual = actual_pay(pay)
    if actual is not None:
        return actual[1]
    top = pay.salary_maximum if pay.salary_maximum is not None else pay.salary_minimum
    if top is not None:
        return round(top * pay.fte) if is_part_time_fte(pay.fte) and pay.fte is not None else top
    if pay.hourly_rate_pence is not None and pay.hours_per_week is not None:
        weeks = TERM_TIME_WEEKS_A_YEAR if pay.term_time_only else WEEKS_A_YEAR
        return round(pay.hourly_rate_pence * pay.hours_per_week * weeks / 100)
    return None


def yearly_pay_expression(vacancy) -> sa.ColumnElement:
    """`yearly_pay` as SQL over the vacancies table (the search's database fallback), 0 for none."""
    top = sa.func.coalesce(vacancy.salary_maximum, vacancy.salary_minimum)
    part_time = sa.and_(vacancy.fte.is_not(None), vacancy.fte < HIGHEST_FTE)
    weeks = sa.case((vacancy.term_time_only.is_(True), TERM_TIME_WEEKS_A_YEAR), else_=WEEKS_A_YEAR)
    return sa.case(
        (vacancy.actual_salary.is_not(None), vacancy.actual_salary),
        (sa.and_(top.is_not(None), part_time), top * vacancy.fte),
        (top.is_not(None), top),
        (
            sa.and_(vacancy.hourly_rate_pence.is_not(None), vacancy.hours_per_week.is_not(None)),
            vacancy.hourly_rate_pence * vacancy.hours_per_week * weeks / 100,
        ),
        else_=0,
    )


# --- in words -------------------------------------------------------------------------------------------


def pounds(amount: int) -> str:
    return f"£{amount:,}"


def pounds_and_pence(amount_pence: int) -> str:
    whole, part = divmod(amount_pence, 100)
    return f"£{whole:,}.{part:02d}"


def number(value: float) -> str:
    """32.5 -> "32.5", 37.0 -> "37", 0.6 -> "0.6"."""
    return f"{value:g}"


def range_words(low: int | None, high: int | None) -> str | None:
    if low is None and high is None:
        return None
    if low is None or high is None or low == high:
        return pounds(low if low is not None else high or 0)
    return f"{pounds(low)} to {pounds(high)}"


def salary_range_label(pay: Pay) -> str | None:
    """ "£31,650 to £49,084 a year", with "full-time equivalent" for a part-time post."""
    words = range_words(pay.salary_minimum, pay.salary_maximum)
    if words is None:
        return None
    return f"{words} a year" + (" full-time equivalent" if is_part_time_fte(pay.fte) else "")


def actual_pay_label(pay: Pay) -> str | None:
    actual = actual_pay(pay)
    if actual is None:
        return None
    words = f"{range_words(*actual)} a year"
    if actual_pay_is_worked_out(pay):
        assert pay.fte is not None
        return f"{words} ({number(pay.fte)} of the full-time range)"
    return words


def hourly_rate_label(pay: Pay) -> str | None:
    if pay.hourly_rate_pence is None:
        return None
    return f"{pounds_and_pence(pay.hourly_rate_pence)} an hour"


def hours_label(pay: Pay) -> str | None:
    """ "30 hours a week, 0.81 FTE", or what of it the school gave (term time only is a working pattern)."""
    parts = []
    if pay.hours_per_week is not None:
        parts.append(f"{number(pay.hours_per_week)} hours a week")
    if pay.fte is not None:
        parts.append(f"{number(pay.fte)} FTE")
    if not parts:
        return None
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


def pay_summary(pay: Pay) -> str | None:
    """One line for a search result: the actual pay of a part-time post, else the yearly range, else the
    hourly rate."""
    actual = actual_pay(pay)
    if actual is not None:
        assert pay.fte is not None or pay.actual_salary is not None
        fte = f", {number(pay.fte)} FTE" if pay.fte is not None else ""
        return f"{range_words(*actual)} a year actual pay{fte}"
    yearly = salary_range_label(pay)
    if yearly is not None:
        return yearly
    return hourly_rate_label(pay)

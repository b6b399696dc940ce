"""Funnel pages: the whole service for its team, and each school's own."""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Response, current_app, request

from marketplace.analytics import funnel as funnels
from marketplace.db import utcnow
from marketplace.numbers import whole_number
from marketplace.web.downloads import csv_download

PERIODS = (7, 30, 90, 365)


def period_days() -> int:
    """The period asked for in ?days=, or 30: an unknown value is not an error."""
    days = whole_number(request.args.get("days", ""))
    return days if days in PERIODS else 30


def build_funnel(days: int, organisation_ids: set[int] | None = None) -> funnels.Funnel:
    return funnels.build(
        since=utcnow() - dt.timedelta(days=days),
        typical_agency_fee=current_app.config["TYPICAL_AGENCY_FEE"],
        organisation_ids=organisation_ids,
    )


def csv_response(funnel: funnels.Funnel, filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["step", "count", "carried over from previous step", "what it counts"])
    for step in funnel.steps:
        carried = "" if step.carried_over is None else f"{step.carried_over:.3f}"
        writer.writerow([step.label, step.count, carried, step.counts])
    writer.writerow([])
    writer.writerow(["listings published", funnel.listings_published])
    writer.writerow(
        ["agency fees saved (pounds)", funnel.agency_fees_saved, f"at {funnel.typical_agency_fee} a listing"]
    )
    fill = funnel.time_to_fill
    writer.writerow([])
    writer.writerow(["time to fill", "days"])
    writer.writerow(["posts filled", fill.posts_filled])
    for label, days in (
        ("median days from going live to filled", fill.median_days),
        ("shortest", fill.shortest_days),
        ("longest", fill.longest_days),
    ):
        writer.writerow([label, "" if days is None else f"{days:.1f}"])
    return csv_download(buffer.getvalue(), filename)

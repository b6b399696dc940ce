"""Template filters: dates and times as people in England read them."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from marketplace.db import UK


def uk_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(UK).date()
    return f"{value.day} {value:%B %Y}"


def uk_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(UK)
    hour = local.strftime("%I:%M%p").lstrip("0").lower().replace(":00", "")
    if local.hour == 12 and local.minute == 0:
        hour = "midday"
    elif local.hour == 23 and local.minute == 59:
        hour = "11:59pm"
    return f"{hour} on {uk_date(local)}"


def money(value: int | None) -> str:
    return "" if value is None else f"£{value:,}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(uk_date=uk_date, uk_datetime=uk_datetime, money=money)

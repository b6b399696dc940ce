"""Hiring staff: the equal opportunities report, per listing and for all their organisations' listings.
Only totals, and only groups of MIN_GROUP or more (see applications/equal_opportunities.py)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from marketplace.applications import equal_opportunities
from marketplace.organisations.queries import organisation_ids_for
from marketplace.web.schools import bp
from marketplace.web.schools.inbox import read_applications
from marketplace.web.schools.views import own_vacancy_or_404


@bp.route("/equal-opportunities")
@read_applications
def equal_opportunities_report():
    found = equal_opportunities.report(organisation_ids=organisation_ids_for(current_user))
    return render_template(
        "schools/equal_opportunities.html",
        report=found,
        vacancy=None,
        min_group=equal_opportunities.MIN_GROUP,
    )


@bp.route("/vacancies/<int:vacancy_id>/equal-opportunities")
@read_applications
def vacancy_equal_opportunities_report(vacancy_id: int):
    vacancy = own_vacancy_or_404(vacancy_id)
    found = equal_opportunities.report(vacancy_ids=[vacancy.id])
    return render_template(
        "schools/equal_opportunities.html",
        report=found,
        vacancy=vacancy,
        min_group=equal_opportunities.MIN_GROUP,
    )

"""'Report this listing': anyone may report a live listing, once, without an account."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db, limiter
from marketplace.moderation import reports
from marketplace.moderation.models import ReportCategory
from marketplace.vacancies.queries import live_vacancy
from marketplace.web.access import public
from marketplace.web.reports.forms import ReportForm

bp = Blueprint("reports", __name__, template_folder="templates")


def _report_limit() -> str:
    return current_app.config["REPORT_RATE_LIMIT"]


@bp.route("/jobs/<int:vacancy_id>/report", methods=["GET", "POST"])
@public
@limiter.limit(_report_limit, methods=["POST"])
def report(vacancy_id: int):
    vacancy = live_vacancy(vacancy_id)
    if vacancy is None:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            reports.report_listing(
                vacancy,
                category=ReportCategory(form.category.data),
                details=form.details.data or "",
                reporter_email=form.email.data or None,
                reporter=current_user if current_user.is_authenticated else None,
                network_address=request.remote_addr,
                hide_after=current_app.config["REPORTS_TO_HIDE"],
            )
            db.session.commit()
        except reports.AlreadyReported as error:
            db.session.rollback()
            flash(str(error), "info")
        except IntegrityError:  # the same reporter, twice at once: one report is kept
            db.session.rollback()
            flash("You have already reported this listing. A moderator will look at it.", "info")
        else:
            flash("Thank you: your report has been sent to our moderators.", "success")
        if live_vacancy(vacancy_id) is None:
            return redirect(url_for("public.search"))
        return redirect(url_for("public.vacancy", vacancy_id=vacancy_id))
    return render_template("reports/report.html", vacancy=vacancy, form=form), 400 if form.errors else 200

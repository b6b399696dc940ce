"""The service team's admin area: the funnel, and the email outbox with its dead letters."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from marketplace.extensions import db
from marketplace.notifications import outbox
from marketplace.permissions import Permission
from marketplace.web.access import requires
from marketplace.web.analytics_views import build_funnel, csv_response, period_days

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

manage_outbox = requires(Permission.ADMIN_OUTBOX_MANAGE)
read_analytics = requires(Permission.ANALYTICS_READ)


@bp.route("/outbox")
@manage_outbox
def outbox_page():
    return render_template("admin/outbox.html", counts=outbox.outbox_counts(), dead=outbox.dead_letters())


@bp.route("/outbox/resend", methods=["POST"])
@manage_outbox
def resend():
    ids = [int(value) for value in request.form.getlist("message_ids") if value.isdigit()]
    if not ids:
        flash("Select the emails to send again.", "info")
        return redirect(url_for("admin.outbox_page"))
    count = outbox.requeue(ids)
    db.session.commit()
    flash(f"{count} email{'' if count == 1 else 's'} queued to be sent again by the worker.", "success")
    return redirect(url_for("admin.outbox_page"))


@bp.route("/funnel")
@read_analytics
def funnel():
    days = period_days()
    return render_template("admin/funnel.html", funnel=build_funnel(days), days=days)


@bp.route("/funnel/download")
@read_analytics
def funnel_download():
    days = period_days()
    return csv_response(build_funnel(days), f"funnel-last-{days}-days.csv")

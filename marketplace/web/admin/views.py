"""The service team's admin area: people and their roles, the funnel, and the email outbox."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.accounts import admin
from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications import outbox
from marketplace.numbers import record_ids
from marketplace.permissions import Permission, Role
from marketplace.unit_of_work import unit_of_work
from marketplace.web.access import requires
from marketplace.web.analytics_views import build_funnel, csv_response, period_days

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

manage_outbox = requires(Permission.ADMIN_OUTBOX_MANAGE)
read_analytics = requires(Permission.ANALYTICS_READ)
manage_users = requires(Permission.ADMIN_USERS_MANAGE)


@bp.route("/outbox")
@manage_outbox
def outbox_page():
    return render_template("admin/outbox.html", counts=outbox.outbox_counts(), dead=outbox.dead_letters())


@bp.route("/outbox/resend", methods=["POST"])
@manage_outbox
def resend():
    ids = record_ids(request.form.getlist("message_ids"))
    if not ids:
        flash("Select the emails to send again.", "info")
        return redirect(url_for("admin.outbox_page"))
    with unit_of_work():
        count = outbox.requeue(ids)
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


@bp.route("/users")
@manage_users
def users():
    return render_template(
        "admin/users.html",
        users=admin.find_users(request.args.get("q", ""), request.args.get("role")),
        query=request.args.get("q", ""),
        role=request.args.get("role", ""),
        roles=list(Role),
    )


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@manage_users
def change_role(user_id: int):
    user = _user_or_404(user_id)
    try:
        role = Role(request.form.get("role", ""))
    except ValueError:
        flash("Choose one of the roles offered.", "info")
        return redirect(url_for("admin.users", q=user.email))
    try:
        with unit_of_work():
            admin.change_role(current_user, user, role)
    except admin.AdminError as error:
        flash(str(error), "info")
        return redirect(url_for("admin.users", q=user.email))
    flash(f"{user.email} is now a {user.role.label.lower()}.", "success")
    return redirect(url_for("admin.users", q=user.email))


@bp.route("/users/<int:user_id>/access", methods=["POST"])
@manage_users
def change_access(user_id: int):
    user = _user_or_404(user_id)
    disable = request.form.get("action") == "disable"
    try:
        with unit_of_work():
            admin.set_disabled(current_user, user, disabled=disable, reason=request.form.get("reason", ""))
    except admin.AdminError as error:
        flash(str(error), "info")
        return redirect(url_for("admin.users", q=user.email))
    flash(f"{user.email} {'can no longer sign in' if disable else 'can sign in again'}.", "success")
    return redirect(url_for("admin.users", q=user.email))

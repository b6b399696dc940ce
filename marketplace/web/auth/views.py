"""Signing in and out, registering, confirming an email address and resetting a password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from marketplace.accounts import services
from marketplace.accounts.models import User
from marketplace.accounts.tokens import TokenError, TokenExpired, TokenUsed
from marketplace.extensions import limiter
from marketplace.permissions import Permission, Role
from marketplace.publishing import registration
from marketplace.unit_of_work import unit_of_work
from marketplace.web.access import anonymous_only, public, requires
from marketplace.web.auth.forms import (
    RegistrationForm,
    RequestPasswordResetForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    SignInForm,
)
from marketplace.web.intents import safe_next
from marketplace.web.signed_in import end_session, start_session

bp = Blueprint("auth", __name__, template_folder="templates")

# One message for an unknown address and a wrong password, so the page never confirms an account exists.
SIGN_IN_FAILED = "Enter a correct email address and password"


def _attempt_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def home_for(user: User) -> str:
    """Where a person lands after signing in when they were not on their way somewhere else."""
    if user.role is Role.HIRING_STAFF:
        return url_for("schools.dashboard")
    if user.role in (Role.MODERATOR, Role.ADMIN):
        return url_for("moderators.queue")
    return url_for("jobseekers.dashboard")


@bp.route("/sign-in", methods=["GET", "POST"])
@anonymous_only
@limiter.limit(_attempt_limit, methods=["POST"])
def sign_in():
    form = SignInForm()
    next_url = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        with unit_of_work():
            user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user)
            return redirect(next_url or home_for(user))
        form.email.errors.append(SIGN_IN_FAILED)
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out():
    end_session()
    flash("You have signed out", "success")
    return redirect(url_for("public.home"))


@bp.route("/register", methods=["GET", "POST"])
@anonymous_only
@limiter.limit(_attempt_limit, methods=["POST"])
def register():
    form = RegistrationForm()
    next_url = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        try:
            with unit_of_work():
                registration.register_user(
                    email=form.email.data,
                    password=form.password.data,
                    full_name=form.full_name.data,
                    role=Role(form.account_type.data),
                    school_urn=form.school_urn.data or None,
                    next_path=next_url or "",
                )
        except services.SchoolNotFound as error:
            form.school_urn.errors.append(str(error))
        except services.WeakPassword as error:
            form.password.errors.append(str(error))
        except services.InvalidEmail as error:
            form.email.errors.append(str(error))
        except services.AccountError as error:
            form.full_name.errors.append(str(error))
        else:
            session["registered_email"] = services.normalise_email(form.email.data)
            return redirect(url_for("auth.registration_sent"))
    return render_template("auth/register.html", form=form)


@bp.route("/register/check-your-email")
@public
def registration_sent():
    return render_template("auth/registration_sent.html", email=session.get("registered_email"))


@bp.route("/confirm-your-email", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_MANAGE)
@limiter.limit(_attempt_limit, methods=["POST"])
def confirm_email_needed():
    user = current_user._get_current_object()
    if user.email_verified:
        flash("Your email address is confirmed", "success")
        return redirect(safe_next(request.args.get("next")) or home_for(user))
    form = ResendConfirmationForm()
    next_url = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        with unit_of_work():
            services.send_email_confirmation(user, next_path=next_url or "")
        flash(f"We have sent a new link to {user.email}", "success")
        return redirect(url_for("auth.confirm_email_needed", next=next_url))
    return render_template("auth/confirm_email_needed.html", form=form, user=user)


@bp.route("/confirm-email/<token>")
@public
def confirm_email(token: str):
    try:
        with unit_of_work():
            user = registration.confirm_email(token)
    except TokenError as error:
        return _link_problem("confirm", error)
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated and current_user.id != user.id:
        # Never swap one signed-in person for another on a link: say whose address it was instead.
        flash(
            f"We have confirmed {user.email}. You are signed in as {current_user.email}: sign out and "
            f"sign in as {user.email} to carry on with that account.",
            "info",
        )
        return redirect(home_for(current_user))
    if not current_user.is_authenticated:
        if user.disabled:
            flash("Your email address is confirmed", "success")
            return redirect(url_for("auth.sign_in"))
        # The link is single-use and expires (accounts/tokens.py), and proves the person reads this
        # mailbox: it signs them in and takes them back to what they were doing.
        start_session(user)
    flash("Your email address is confirmed", "success")
    return redirect(next_url or home_for(user))


@bp.route("/reset-password", methods=["GET", "POST"])
@public
@limiter.limit(_attempt_limit, methods=["POST"])
def request_password_reset():
    form = RequestPasswordResetForm()
    if form.validate_on_submit():
        with unit_of_work():
            services.request_password_reset(form.email.data)
        session["reset_email"] = services.normalise_email(form.email.data)
        return redirect(url_for("auth.password_reset_sent"))
    return render_template("auth/request_password_reset.html", form=form)


@bp.route("/reset-password/check-your-email")
@public
def password_reset_sent():
    return render_template("auth/password_reset_sent.html", email=session.get("reset_email"))


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    try:
        user = services.user_for_password_reset(token)
    except TokenError as error:
        return _link_problem("reset", error)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                registration.reset_password(token, form.password.data)
        except services.WeakPassword as error:
            form.password.errors.append(str(error))
        else:
            end_session()
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.sign_in"))
    response = current_app.make_response(render_template("auth/reset_password.html", form=form, user=user))
    _keep_token_private(response)
    return response


def _link_problem(kind: str, error: TokenError):
    """A page that says why an emailed link cannot be used, and how to get a new one."""
    if isinstance(error, TokenUsed):
        problem = "confirmed" if kind == "confirm" and error.user.email_verified else "used"
    elif isinstance(error, TokenExpired):
        problem = "expired"
    else:
        problem = "invalid"
    status = {"confirmed": 200, "used": 410, "expired": 410, "invalid": 404}[problem]
    response = current_app.make_response(
        (render_template("auth/link_problem.html", kind=kind, problem=problem), status)
    )
    _keep_token_private(response)
    return response


def _keep_token_private(response) -> None:
    # A page whose address holds a token must not pass it on in a Referer header or leave it in a cache.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"

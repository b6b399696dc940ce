"""Schools appeal a rejection or removal of their listing, once, with a statement."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from marketplace.moderation import appeals
from marketplace.permissions import Permission
from marketplace.vacancies import queries
from marketplace.web.access import requires
from marketplace.web.moderators.forms import without_nul
from marketplace.web.outcomes import attempt

bp = Blueprint("appeals", __name__, url_prefix="/school", template_folder="templates")


class AppealForm(FlaskForm):
    statement = TextAreaField(
        "Why should the decision change?",
        filters=[without_nul],
        widget=GovTextArea(),
        description="You can appeal once. A moderator who did not make the decision will read this.",
        validators=[
            DataRequired("Enter your statement"),
            Length(max=5000, message="Your statement must be 5,000 characters or fewer"),
        ],
    )


@bp.route("/vacancies/<int:vacancy_id>/appeal", methods=["GET", "POST"])
@requires(Permission.VACANCY_MANAGE)
def appeal(vacancy_id: int):
    vacancy = queries.vacancy_for_staff(current_user, vacancy_id)
    if vacancy is None:
        abort(404)
    existing = appeals.appeal_for(vacancy.id)
    decision = appeals.appealable_decision(vacancy)
    form = AppealForm()
    if decision is not None and form.validate_on_submit():
        with attempt(form) as done:
            appeals.appeal(current_user, vacancy, statement=form.statement.data)
        if done:
            flash(
                "Your appeal has been sent. A different moderator will decide it and we will email you.",
                "success",
            )
            return redirect(url_for("schools.vacancy", vacancy_id=vacancy.id))
    return render_template(
        "appeals/appeal.html", vacancy=vacancy, decision=decision, existing=existing, form=form
    ), 400 if form.errors or form.form_errors else 200

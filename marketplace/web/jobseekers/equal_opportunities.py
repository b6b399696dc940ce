"""The optional equal opportunities questions, offered once an application is sent (`jobseekers` routes)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from marketplace.applications import equal_opportunities, queries
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.web.forms import RadiosField, choices
from marketplace.web.jobseekers.views import bp, read_own
from marketplace.web.outcomes import attempt


class _OptionalRadios(RadiosField):
    """Radios that may be left unanswered: every question is optional."""

    def pre_validate(self, form):
        offered = {choice.value for choice in self._choices_from_input(self.choices)}
        if self.data not in (None, "") and self.data not in offered:
            raise ValidationError("Select one of the answers, or leave the question unanswered")


EqualOpportunitiesForm = type(
    "EqualOpportunitiesForm",
    (FlaskForm,),
    {
        name: _OptionalRadios(question, choices=choices(equal_opportunities.CHOICES[name]))
        for name, question, _ in equal_opportunities.QUESTIONS
    },
)


@bp.route("/your-applications/<int:application_id>/equal-opportunities", methods=["GET", "POST"])
@read_own
def equal_opportunities_questions(application_id: int):
    found = queries.application_of(current_user, application_id)
    if found is None or found.status is ApplicationStatus.DRAFT:
        abort(404)
    if not equal_opportunities.can_answer(found):
        flash(
            "The equal opportunities questions for this application were answered, or the job has closed.",
            "info",
        )
        return redirect(url_for("jobseekers.application", application_id=found.id))
    form = EqualOpportunitiesForm()
    if form.validate_on_submit():
        given = {name: form[name].data for name in equal_opportunities.CHOICES}
        with attempt(form) as done:
            equal_opportunities.answer(current_user, found, given)
        if done:
            flash("Thank you. Your answers are stored without your name or application.", "success")
            return redirect(url_for("jobseekers.application", application_id=found.id))
    status = 400 if form.errors else 200
    return render_template(
        "jobseekers/equal_opportunities.html",
        form=form,
        application=found,
        min_group=equal_opportunities.MIN_GROUP,
    ), status

"""Referees give (or decline) a reference through the link emailed to them: no account, one use."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from marketplace.applications import references
from marketplace.web.access import public
from marketplace.web.forms import RadiosField, choices
from marketplace.web.moderators.forms import without_nul
from marketplace.web.outcomes import attempt

bp = Blueprint("references", __name__, url_prefix="/references", template_folder="templates")


class YesOrNo(RadiosField):
    """Yes or no, with the question's own message when neither is chosen."""

    def __init__(self, label: str, unanswered: str, **kwargs):
        super().__init__(label, choices=choices({"yes": "Yes", "no": "No"}), **kwargs)
        self.unanswered = unanswered

    def pre_validate(self, form):
        if self.data not in ("yes", "no"):
            raise ValidationError(self.unanswered)


def _answer(label: str, limit: int, *, description: str | None = None, long: bool = False):
    """A written answer of at most `limit` characters, in a box or, when `long`, a text area."""
    field, widget = (TextAreaField, GovTextArea()) if long else (StringField, GovTextInput())
    message = f"Answers must be {limit:,} characters or fewer"
    return field(
        label,
        widget=widget,
        filters=[without_nul],
        description=description,
        validators=[Length(max=limit, message=message)],
    )


class ReferenceForm(FlaskForm):
    suitable_with_children = YesOrNo(
        "Is the candidate suitable to work with children?",
        "Select yes if the candidate is suitable to work with children",
    )
    concerns = YesOrNo(
        "Do you have any concerns about the candidate working with children?",
        "Select yes if you have any concerns about the candidate working with children",
        description="Include any disciplinary action, allegations or safeguarding concerns you know of.",
    )
    concerns_details = _answer("If yes, describe your concerns", references.MAX_ANSWER_LENGTH, long=True)
    relationship = _answer(
        "How do you know the candidate?",
        200,
        description="For example: I was their line manager as head of science",
    )
    known_from = _answer("Since when have you known them?", 50, description="For example: September 2019")
    known_until = _answer("Until when? (leave blank if you still work with them)", 50)
    comments = _answer(
        "Your reference",
        references.MAX_ANSWER_LENGTH,
        description="Their strengths, their teaching or work, and anything else the school should know.",
        long=True,
    )
    referee_name = _answer("Your full name", 200)


def _unusable(error: references.LinkNotUsable):
    return render_template("references/unusable.html", message=str(error)), 410


@bp.route("/<token>", methods=["GET", "POST"])
@public
def give(token: str):
    try:
        found = references.request_for_link(token)
    except references.LinkNotUsable as error:
        return _unusable(error)
    form = ReferenceForm()
    if request.method == "GET":
        form = ReferenceForm(formdata=None, referee_name=found.referee_name)
    elif form.validate_on_submit():
        with attempt(form) as done:
            references.submit_reference(token, {name: form[name].data for name in references.ANSWER_FIELDS})
        if done:
            return render_template("references/thanks.html", declined=False)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("references/give.html", form=form, request_=found, token=token), status


@bp.route("/<token>/decline", methods=["GET", "POST"])
@public
def decline(token: str):
    try:
        found = references.request_for_link(token)
    except references.LinkNotUsable as error:
        return _unusable(error)
    form = FlaskForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            references.decline_reference(token)
        if done:
            return render_template("references/thanks.html", declined=True)
    return render_template("references/decline.html", request_=found, token=token)

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

_LIMIT = Length(max=references.MAX_ANSWER_LENGTH, message="Answers must be 5,000 characters or fewer")


class YesOrNo(RadiosField):
    """Yes or no, with the question's own message when neither is chosen."""

    def __init__(self, label: str, unanswered: str, **kwargs):
        super().__init__(label, choices=choices({"yes": "Yes", "no": "No"}), **kwargs)
        self.unanswered = unanswered

    def pre_validate(self, form):
        if self.data not in ("yes", "no"):
            raise ValidationError(self.unanswered)


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
    concerns_details = TextAreaField(
        "If yes, describe your concerns", widget=GovTextArea(), filters=[without_nul], validators=[_LIMIT]
    )
    relationship = StringField(
        "How do you know the candidate?",
        widget=GovTextInput(),
        filters=[without_nul],
        description="For example: I was their line manager as head of science",
        validators=[Length(max=200, message="Answers must be 200 characters or fewer")],
    )
    known_from = StringField(
        "Since when have you known them?",
        widget=GovTextInput(),
        filters=[without_nul],
        description="For example: September 2019",
        validators=[Length(max=50, message="Answers must be 50 characters or fewer")],
    )
    known_until = StringField(
        "Until when? (leave blank if you still work with them)",
        widget=GovTextInput(),
        filters=[without_nul],
        validators=[Length(max=50, message="Answers must be 50 characters or fewer")],
    )
    comments = TextAreaField(
        "Your reference",
        widget=GovTextArea(),
        filters=[without_nul],
        description="Their strengths, their teaching or work, and anything else the school should know.",
        validators=[_LIMIT],
    )
    referee_name = StringField(
        "Your full name",
        widget=GovTextInput(),
        filters=[without_nul],
        validators=[Length(max=200, message="Your name must be 200 characters or fewer")],
    )


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

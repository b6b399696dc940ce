"""Forms that make something once, however often they are sent (see marketplace/submissions.py).

A form class mixes in `SentOnce`, its template passes `once=form.submission_key` to `form_tag`, and
the view, once the form validates:

    if answer := earlier_answer(form, COPY):
        return answer                        # sent before: the first submission's answer
    try:
        with attempt(form) as done:
            copy = management.copy_listing(...)
            remember(form, COPY, url_for(...), "A copy has been saved as a draft.")
    except IntegrityError as error:
        return answer_to_race(form, COPY, error)  # sent twice at once: the other one made it
"""

from __future__ import annotations

from flask import flash, redirect
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response
from wtforms import HiddenField

from marketplace import submissions

# What each form makes, so one form's key never answers for another.
CREATE_VACANCY = "vacancy.create"
COPY_VACANCY = "vacancy.copy"
RELIST_VACANCY = "vacancy.relist"
SEND_APPLICATION = "application.send"
REPORT_LISTING = "listing.report"


class SentOnce:
    """A form mixin: a hidden one-time key, new each time the form is first shown and kept when it is
    shown again with its errors (it is still the same submission)."""

    submission_key = HiddenField(default=submissions.new_key)


class SendOnceForm(SentOnce, FlaskForm):
    """A form of nothing but its button (and CSRF token), sent once."""


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def earlier_answer(form, purpose: str) -> Response | None:
    """The redirect (and message) the first submission of this form gave, if it was sent before."""
    found = submissions.earlier(form.submission_key.data, purpose, _user_id())
    if found is None:
        return None
    if found.message:
        flash(found.message, found.message_category)
    return redirect(found.result_path)


def remember(form, purpose: str, result_path: str, message: str = "", category: str = "success") -> None:
    """Inside the use-case's unit of work: record where this submission leads and what it says."""
    submissions.remember(form.submission_key.data, purpose, _user_id(), result_path, message, category)


def answer_to_race(form, purpose: str, error: IntegrityError) -> Response:
    """After an IntegrityError: the same form sent at the same moment committed first, so answer with
    what it made. Any other constraint's failure is a fault, and is raised again."""
    answer = earlier_answer(form, purpose)
    if answer is None:
        raise error
    return answer


class AnsweredBefore(Exception):
    """Raised inside a unit of work that finds its form was sent before: nothing is written (the unit
    of work rolls back), and the view answers with `response`."""

    def __init__(self, response: Response):
        super().__init__("the form was sent before")
        self.response = response


def stop_if_answered(form, purpose: str) -> None:
    """For a use-case run again after a race (`once_more_if_raced`): when the other run was this very
    form, stop with its answer (AnsweredBefore) instead of refusing a second one."""
    if answer := earlier_answer(form, purpose):
        raise AnsweredBefore(answer)

"""Hiring staff: find candidates who let schools find them, and invite them to apply (`schools` routes).

Only members of a verified school or trust may search; a candidate who hides from one of the person's
organisations is a 404 to them, as is one who has turned visibility off. Invitations are only ever
read through the person's organisations, so one school never sees another's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from marketplace.applications import candidates
from marketplace.db import uk_today
from marketplace.permissions import Permission
from marketplace.search.api import LABELS, CandidateSearch, SearchUnavailable, search_candidates
from marketplace.web.access import requires
from marketplace.web.conversation_forms import MessageForm
from marketplace.web.outcomes import attempt
from marketplace.web.schools import bp
from marketplace.web.schools.candidate_forms import CandidateSearchForm, InviteForm

FILTER_NAMES = ("job_roles", "phases", "subjects", "working_patterns")


def verified_members_only(view: Callable) -> Callable:
    """Declared with CANDIDATES_SEARCH; a member of no verified organisation is told why, with a 403."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not candidates.can_search_candidates(current_user):
            return render_template("schools/candidates_not_verified.html"), 403
        return view(*args, **kwargs)

    return requires(Permission.CANDIDATES_SEARCH)(wrapper)


def _label_facets(form: CandidateSearchForm, facets: dict[str, dict[str, int]]) -> None:
    """Show how many candidates each filter value would give, as the job search does."""
    for name in FILTER_NAMES:
        counts = facets.get(name, {})
        field = form[name]
        field.choices = [
            SelectChoice(choice.value, f"{choice.label} ({counts.get(choice.value, 0)})")
            for choice in field.choices
        ]


@bp.route("/find-candidates")
@verified_members_only
def find_candidates():
    form = CandidateSearchForm(request.args)
    page = None
    status = 200
    # As on the job search, the page opens on every candidate, best first; the filters narrow it.
    if request.args and not form.validate():
        status = 400
    else:
        search = CandidateSearch(
            keywords=form.keywords.data or "",
            location=form.location.data or "",
            radius=form.radius.data,
            job_roles=tuple(form.job_roles.data or ()),
            phases=tuple(form.phases.data or ()),
            subjects=tuple(form.subjects.data or ()),
            working_patterns=tuple(form.working_patterns.data or ()),
            page=request.args.get("page", 1),
        )
        try:
            page = search_candidates(search, candidates.viewer_organisation_ids(current_user))
        except SearchUnavailable:
            flash("Candidate search is not available right now. Try again in a few minutes.", "info")
            status = 503
        if page is not None and page.location_problem:
            form.location.errors = [page.location_problem]
            status = 400
        elif page is not None:
            _label_facets(form, page.facets)
    today = uk_today()
    summaries = {c.id: candidates.summarise(c, today) for c in page.candidates} if page else {}
    return render_template(
        "schools/find_candidates.html",
        form=form,
        page=page,
        summaries=summaries,
        labels=LABELS,
        query_args={k: v for k, v in request.args.items(multi=True) if k != "page"},
    ), status


def _candidate_or_404(candidate_id: int) -> candidates.CandidatePreferences:
    found = candidates.findable_candidate(candidate_id, current_user)
    if found is None:
        abort(404)
    return found


def _invite_form(formdata=None) -> InviteForm:
    form = InviteForm(formdata=formdata) if formdata is not None else InviteForm()
    form.vacancy_id.choices = [SelectChoice("", "Select a job")] + [
        SelectChoice(str(vacancy.id), f"{vacancy.title} ({vacancy.organisation.name})")
        for vacancy in candidates.invitable_listings(current_user)
    ]
    return form


def _render_candidate(
    candidate, form: InviteForm, status: int = 200, *, message_form: MessageForm | None = None, to: int = 0
):
    invitations = candidates.invitations_sent(current_user, candidate)
    return render_template(
        "schools/candidate.html",
        candidate=candidate,
        summary=candidates.summarise(candidate, uk_today()),
        labels=LABELS,
        form=message_form if message_form is not None else form,
        invite_form=form,
        invitations=invitations,
        message_forms={
            invitation.id: message_form
            if invitation.id == to and message_form
            else MessageForm(formdata=None)
            for invitation in invitations
        },
        closed_reasons={
            invitation.id: candidates.conversation_closed_reason(invitation) for invitation in invitations
        },
        max_message=candidates.MAX_INVITATION_MESSAGE,
    ), status


@bp.route("/candidates/<int:candidate_id>")
@verified_members_only
def candidate(candidate_id: int):
    return _render_candidate(_candidate_or_404(candidate_id), _invite_form(formdata=None))


@bp.route("/candidates/<int:candidate_id>/invite", methods=["POST"])
@verified_members_only
def invite_candidate(candidate_id: int):
    found = _candidate_or_404(candidate_id)
    form = _invite_form()
    if form.validate_on_submit():
        with attempt(form, field="vacancy_id") as done:
            invitation = candidates.invite(
                current_user, found, int(form.vacancy_id.data or 0), form.message.data or ""
            )
        if done:
            flash(
                f"Candidate {found.number} has been invited to apply for {invitation.vacancy.title}. "
                "We have emailed them a link.",
                "success",
            )
            return redirect(url_for("schools.candidate", candidate_id=found.id))
    return _render_candidate(found, form, 400)


@bp.route("/candidate-invitations")
@verified_members_only
def candidate_invitations():
    sent = candidates.organisation_invitations(current_user)
    numbers = {
        preferences.user_id: preferences.number
        for preferences in candidates.preferences_by_user([invitation.jobseeker_id for invitation in sent])
    }
    return render_template("schools/candidate_invitations.html", invitations=sent, numbers=numbers)


@bp.route(
    "/candidates/<int:candidate_id>/invitations/<int:candidate_invitation_id>/messages", methods=["POST"]
)
@verified_members_only
def message_invited_candidate(candidate_id: int, candidate_invitation_id: int):
    found = _candidate_or_404(candidate_id)
    invitation = next(
        (i for i in candidates.invitations_sent(current_user, found) if i.id == candidate_invitation_id), None
    )
    if invitation is None:
        abort(404)
    form = MessageForm()
    form.body.id = f"body-{invitation.id}"  # one box per invitation on the page: the error summary links here
    if form.validate_on_submit():
        with attempt(form, field="body") as done:
            candidates.send_invitation_message(current_user, invitation, form.body.data, from_school=True)
        if done:
            flash("Your message has been sent.", "success")
            return redirect(
                url_for("schools.candidate", candidate_id=found.id) + f"#messages-{invitation.id}"
            )
    return _render_candidate(found, _invite_form(formdata=None), 400, message_form=form, to=invitation.id)

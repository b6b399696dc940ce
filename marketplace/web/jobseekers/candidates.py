"""Letting schools find you (`jobseekers` routes): the opt-in and its preferences, and the invitations to
apply that schools send."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from marketplace.applications import candidates
from marketplace.web.conversation_forms import MessageForm
from marketplace.web.jobseekers.forms import DeclineInvitationForm, LetSchoolsFindYouForm
from marketplace.web.jobseekers.views import bp, manage_profile, place_point, read_own
from marketplace.web.outcomes import attempt


def _form_from(preferences: candidates.CandidatePreferences | None) -> LetSchoolsFindYouForm:
    if preferences is None:  # starts from the job preferences already in their profile
        wanted = candidates.job_preferences_in_profile(current_user)
        return LetSchoolsFindYouForm(
            formdata=None,
            visible="no",
            **{
                name: wanted[name]
                for name in ("job_roles", "phases", "subjects", "working_patterns", "location")
                if wanted.get(name)
            },
            **({"radius": str(wanted["radius"])} if wanted.get("radius") else {}),
        )
    return LetSchoolsFindYouForm(
        formdata=None,
        visible="yes" if preferences.visible else "no",
        job_roles=preferences.job_roles,
        phases=preferences.phases,
        subjects=preferences.subjects,
        working_patterns=preferences.working_patterns,
        location=preferences.location,
        radius=str(preferences.radius),
        exclude="\n".join(candidates.describe_organisation(o) for o in preferences.excluded_organisations),
    )


def _place(form: LetSchoolsFindYouForm) -> tuple[float, float] | None:
    """The typed place as a point; None (with the problem on the field) when it cannot be one."""
    point, problem = place_point(form.location.data)
    if problem:
        form.location.errors = [*form.location.errors, problem]
    return point


@bp.route("/your-profile/let-schools-find-you", methods=["GET", "POST"])
@manage_profile
def let_schools_find_you():
    preferences = candidates.preferences_of(current_user)
    form = LetSchoolsFindYouForm()
    if not form.is_submitted():
        form = _form_from(preferences)
    elif form.validate():
        point = _place(form)
        if not form.errors:
            with attempt(form) as done:
                candidates.save_preferences(
                    current_user,
                    candidates.PreferencesInput(
                        visible=form.visible.data == "yes",
                        job_roles=form.job_roles.data or [],
                        phases=form.phases.data or [],
                        subjects=form.subjects.data or [],
                        working_patterns=form.working_patterns.data or [],
                        location=form.location.data or "",
                        point=point,
                        radius=int(form.radius.data or 15),
                        excluded_organisation_ids=candidates.organisations_named(form.exclude.data or ""),
                    ),
                )
            if done:
                if form.visible.data == "yes":
                    flash("Verified schools and trusts can now find your profile.", "success")
                else:
                    flash("Your profile is hidden: no school can find it.", "success")
                return redirect(url_for("jobseekers.let_schools_find_you"))
    status = 400 if form.errors else 200
    return render_template("jobseekers/let_schools_find_you.html", form=form, preferences=preferences), status


def _render_invitation(found, message_form: MessageForm | None = None, status: int = 200):
    return render_template(
        "jobseekers/invitation.html",
        invitation=found,
        message_form=message_form or MessageForm(formdata=None),
        closed_reason=candidates.conversation_closed_reason(found),
        live=found.vacancy.is_live(),
        form=message_form,  # the layout's error summary
    ), status


@bp.route("/your-invitations/<int:invitation_id>")
@read_own
def invitation(invitation_id: int):
    found = candidates.own_invitation(current_user, invitation_id)
    if found is None:
        abort(404)
    return _render_invitation(found)


@bp.route("/your-invitations/<int:invitation_id>/messages", methods=["POST"])
@read_own
def send_invitation_message(invitation_id: int):
    found = candidates.own_invitation(current_user, invitation_id)
    if found is None:
        abort(404)
    form = MessageForm()
    if form.validate_on_submit():
        with attempt(form, field="body") as done:
            candidates.send_invitation_message(current_user, found, form.body.data, from_school=False)
        if done:
            flash("Your message has been sent.", "success")
            return redirect(url_for("jobseekers.invitation", invitation_id=found.id) + "#messages")
    return _render_invitation(found, form, 400)


@bp.route("/your-invitations/<int:invitation_id>/decline", methods=["POST"])
@read_own
def decline_invitation(invitation_id: int):
    found = candidates.own_invitation(current_user, invitation_id)
    if found is None:
        abort(404)
    form = DeclineInvitationForm()
    if form.validate_on_submit():
        with attempt(form, flash_whole=True) as done:
            candidates.decline(current_user, found)
        if done:
            flash(f"You declined the invitation from {found.organisation.name}.", "success")
    return redirect(url_for("jobseekers.invitation", invitation_id=invitation_id))

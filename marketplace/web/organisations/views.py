"""Hiring staff: finding and joining their school or trust, managing its team, accepting an invitation."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from marketplace.accounts import services as accounts
from marketplace.accounts.tokens import TokenError, TokenExpired
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.organisations import services
from marketplace.organisations.invitations import InvitationUsed
from marketplace.organisations.models import (
    Invitation,
    JoinRequest,
    Membership,
    MembershipRole,
    Organisation,
)
from marketplace.organisations.queries import organisation_ids_for
from marketplace.permissions import Permission
from marketplace.web.access import public, requires
from marketplace.web.organisations.forms import (
    ConfirmForm,
    DecisionForm,
    InvitationAccountForm,
    InviteForm,
    JoinForm,
    RoleForm,
)
from marketplace.web.outcomes import attempt, once_more_if_raced
from marketplace.web.signed_in import start_session

bp = Blueprint("organisations", __name__, template_folder="templates")

staff = requires(Permission.VACANCY_MANAGE)


def _organisation_or_404(organisation_id: int) -> Organisation:
    organisation = services.organisation_by_id(organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def _team_or_abort(organisation_id: int) -> Organisation:
    """An organisation whose team the current user manages: 404 for strangers, 403 for its editors."""
    organisation = _organisation_or_404(organisation_id)
    if not services.can_manage_team(current_user, organisation):
        abort(403 if organisation.id in organisation_ids_for(current_user) else 404)
    return organisation


# Finding and joining


@bp.route("/school/find-your-school")
@staff
def find():
    query = request.args.get("q", "")
    results = services.search_organisations(query) if query.strip() else None
    return render_template(
        "organisations/find.html",
        query=query,
        results=results,
        member_of=organisation_ids_for(current_user),
        pending=[services.claim_status(claim) for claim in services.pending_requests_by(current_user)],
    )


@bp.route("/school/find-your-school/<int:organisation_id>", methods=["GET", "POST"])
@staff
def join(organisation_id: int):
    organisation = _organisation_or_404(organisation_id)
    if organisation.suspended_at is not None:
        abort(404)
    if services.membership_of(current_user, organisation) is not None:
        flash(f"You are already a member of {organisation.name}.", "info")
        return redirect(url_for("schools.dashboard"))
    form = JoinForm()
    check = services.email_domain_check(current_user.email, organisation)
    pending = next(
        (r for r in services.pending_requests_by(current_user) if r.organisation_id == organisation.id), None
    )
    if form.validate_on_submit():
        # The same form sent twice at once: the first one's claim or membership stands, and the second
        # run says so (already asked, or already a member).
        with attempt(form, field={services.StatementMissing: "statement"}) as done:
            outcome = once_more_if_raced(
                lambda: services.join_organisation(current_user, organisation, form.statement.data)
            )
        if done:
            if outcome.membership is not None:
                if outcome.membership.role is MembershipRole.ADMINISTRATOR:
                    # Only the first to earn membership administers, so there is no other administrator.
                    flash(f"You are now the administrator of {organisation.name}.", "success")
                else:
                    flash(f"You have joined {organisation.name} as an editor.", "success")
                return redirect(url_for("schools.dashboard"))
            status = services.claim_status(outcome.request)
            flash(f"{status} We will email you when it is answered.", "success")
            return redirect(url_for("organisations.find"))
    has_administrators = bool(services.administrators_of(organisation))
    return render_template(
        "organisations/join.html",
        organisation=organisation,
        form=form,
        has_administrators=has_administrators,
        check=check,
        joins_at_once=check.owned and current_user.email_verified,
        pending=pending,
        pending_status=services.claim_status(pending) if pending else "",
    ), (400 if form.errors or form.form_errors else 200)


# The team


@bp.route("/school/team")
@staff
def teams():
    managed = services.teams_managed_by(current_user)
    if len(managed) == 1:
        return redirect(url_for("organisations.team", organisation_id=managed[0].id))
    return render_template("organisations/teams.html", organisations=managed)


@bp.route("/school/team/<int:organisation_id>")
@staff
def team(organisation_id: int):
    organisation = _team_or_abort(organisation_id)
    return render_template(
        "organisations/team.html",
        organisation=organisation,
        members=services.members_of(organisation),
        invitations=services.open_invitations(organisation),
        requests=services.pending_requests_for(organisation),
        now=utcnow(),
        decision_form=DecisionForm(),
        confirm_form=ConfirmForm(),
    )


@bp.route("/school/team/<int:organisation_id>/invite", methods=["GET", "POST"])
@staff
def invite(organisation_id: int):
    organisation = _team_or_abort(organisation_id)
    form = InviteForm()
    if form.validate_on_submit():
        with attempt(form, field="email") as done:
            invitation = services.invite(
                current_user, organisation, form.email.data, MembershipRole(form.role.data)
            )
        if done:
            flash(f"We have emailed an invitation to {invitation.email}.", "success")
            return redirect(url_for("organisations.team", organisation_id=organisation.id))
    return render_template("organisations/invite.html", organisation=organisation, form=form)


def _member_or_404(organisation: Organisation, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id) if 0 < membership_id < 2**31 else None
    if membership is None or membership.organisation_id != organisation.id:
        abort(404)
    return membership


@bp.route("/school/team/<int:organisation_id>/members/<int:membership_id>", methods=["GET", "POST"])
@staff
def member(organisation_id: int, membership_id: int):
    organisation = _team_or_abort(organisation_id)
    membership = _member_or_404(organisation, membership_id)
    form = RoleForm(data={"role": membership.role.value} if request.method == "GET" else None)
    if form.validate_on_submit():
        with attempt(form, field="role") as done:
            services.change_role(current_user, membership, MembershipRole(form.role.data))
        if done:
            flash(f"{membership.user.full_name} is now {_a(membership.role)}.", "success")
            return redirect(url_for("organisations.team", organisation_id=organisation.id))
    return render_template(
        "organisations/member.html",
        organisation=organisation,
        membership=membership,
        form=form,
        remove_form=ConfirmForm(),
    )


def _a(role: MembershipRole) -> str:
    return "an administrator" if role is MembershipRole.ADMINISTRATOR else "an editor"


@bp.route("/school/team/<int:organisation_id>/members/<int:membership_id>/remove", methods=["POST"])
@staff
def remove_member(organisation_id: int, membership_id: int):
    organisation = _team_or_abort(organisation_id)
    membership = _member_or_404(organisation, membership_id)
    name = membership.user.full_name
    leaving_self = membership.user_id == current_user.id
    with attempt() as done:
        services.remove_member(current_user, membership)
    if not done:
        return redirect(
            url_for("organisations.member", organisation_id=organisation.id, membership_id=membership_id)
        )
    flash(f"{name} is no longer a member of {organisation.name}.", "success")
    if leaving_self and not services.can_manage_team(current_user, organisation):
        return redirect(url_for("schools.dashboard"))
    return redirect(url_for("organisations.team", organisation_id=organisation.id))


@bp.route("/school/team/<int:organisation_id>/invitations/<int:invitation_id>/withdraw", methods=["POST"])
@staff
def withdraw_invitation(organisation_id: int, invitation_id: int):
    organisation = _team_or_abort(organisation_id)
    invitation = db.session.get(Invitation, invitation_id) if 0 < invitation_id < 2**31 else None
    if invitation is None or invitation.organisation_id != organisation.id:
        abort(404)
    with attempt() as done:
        services.withdraw_invitation(current_user, invitation)
    if done:
        flash(f"The invitation to {invitation.email} has been withdrawn.", "success")
    return redirect(url_for("organisations.team", organisation_id=organisation.id))


@bp.route("/school/team/<int:organisation_id>/join-requests/<int:request_id>", methods=["POST"])
@staff
def decide_request(organisation_id: int, request_id: int):
    organisation = _team_or_abort(organisation_id)
    join_request = db.session.get(JoinRequest, request_id) if 0 < request_id < 2**31 else None
    if join_request is None or join_request.organisation_id != organisation.id:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        problems = [message for errors in form.errors.values() for message in errors]
        flash(problems[0] if problems else "Select approve or decline", "info")
        return redirect(url_for("organisations.team", organisation_id=organisation.id))
    approve = form.decision.data == "approve"
    with attempt() as done:
        services.decide_join_request(
            current_user, join_request, approve=approve, role=MembershipRole(form.role.data)
        )
    if done:
        name = join_request.user.full_name
        flash(f"{name} {'has joined' if approve else 'will not join'} {organisation.name}.", "success")
    return redirect(url_for("organisations.team", organisation_id=organisation.id))


# Invitations


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def invitation(token: str):
    try:
        found = services.invitation_for(token)
    except TokenError as error:
        return _invitation_problem(error)
    account = accounts.find_user_by_email(found.email)
    form = None
    if current_user.is_authenticated:
        if current_user.email != found.email:
            return _private(
                render_template("organisations/invitation.html", invitation=found, situation="other")
            )
        form = ConfirmForm()
        if form.validate_on_submit():
            with attempt(form) as done:
                membership = services.accept_invitation(token, current_user._get_current_object())
            if done:
                flash(f"You have joined {membership.organisation.name}.", "success")
                return redirect(url_for("schools.dashboard"))
        situation = "accept"
    elif account is not None:
        situation = "sign-in"
    else:
        situation = "register"
        form = InvitationAccountForm(found.email)
        if form.validate_on_submit():
            with attempt(
                form, field={accounts.WeakPassword: "password", accounts.AccountError: "full_name"}
            ) as done:
                membership = services.register_from_invitation(token, form.full_name.data, form.password.data)
            if done:
                start_session(membership.user)  # a fresh session for the new account, as signing in gives
                flash(f"Your account is ready and you have joined {membership.organisation.name}.", "success")
                return redirect(url_for("schools.dashboard"))
    return _private(
        render_template(
            "organisations/invitation.html", invitation=found, situation=situation, form=form, token=token
        )
    )


def _invitation_problem(error: TokenError):
    if isinstance(error, InvitationUsed):
        problem, status = "used", 410
    elif isinstance(error, TokenExpired):
        problem, status = "expired", 410
    else:
        problem, status = "invalid", 404
    return _private(
        current_app.make_response(
            (render_template("organisations/invitation_problem.html", problem=problem), status)
        )
    )


def _private(response):
    # The address holds the token: keep it out of Referer headers and caches.
    response = current_app.make_response(response)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response

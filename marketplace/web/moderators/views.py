"""Moderators: the queue, decisions on listings, reports, appeals, sanctions, the audit log, metrics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.audit import AuditSubject
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation import appeals, metrics, reports, sanctions, services
from marketplace.moderation.models import Appeal
from marketplace.moderation.rules import DOCUMENTS_FIELD, RULE_NAMES, TEXT_FIELDS, Severity, field_text
from marketplace.moderation.screening import findings_for_vacancy
from marketplace.numbers import record_id, record_ids, whole_number
from marketplace.organisations import services as organisation_services
from marketplace.organisations.models import JoinRequest, Organisation, OrganisationEmailDomain
from marketplace.permissions import Permission
from marketplace.unit_of_work import unit_of_work
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.services import VacancyError
from marketplace.web.access import requires
from marketplace.web.documents import send_document
from marketplace.web.downloads import csv_download
from marketplace.web.moderators.forms import (
    AppealDecisionForm,
    ApproveForm,
    BulkForm,
    ClaimDecisionForm,
    DismissSourceForm,
    EmailDomainForm,
    RejectForm,
    RemoveForm,
    ReportDecisionForm,
    RequestChangesForm,
    SanctionForm,
)
from marketplace.web.outcomes import show_refusal

bp = Blueprint("moderators", __name__, url_prefix="/moderation", template_folder="templates")

read_queue = requires(Permission.MODERATION_QUEUE_READ)
decide = requires(Permission.MODERATION_VACANCY_DECIDE)
sanction = requires(Permission.MODERATION_SANCTION)
read_audit = requires(Permission.MODERATION_AUDIT_READ)
decide_claims = requires(Permission.MODERATION_CLAIM_DECIDE)

FIELD_LABELS = {
    "title": "Job title",
    "about_role": "About the role",
    "what_school_offers": "What the school offers",
    "salary": "Salary",
    "fixed_term_length": "Length of contract",
    "statement_instructions": "Instructions for the supporting statement",
    "application_questions": "The school's questions for applicants",
    "salary_minimum": "Lowest salary",
    "salary_maximum": "Highest salary",
    "closing_date": "Closing date",
    "contact_email": "Contact email",
    "application_email": "Application email",
    "application_url": "Application website",
    DOCUMENTS_FIELD: "Supporting documents",
}


def highlight(text: str, spans: list[tuple[int, int]]) -> Markup:
    """The text, escaped, with each flagged span wrapped in <mark> (overlapping spans merged)."""
    merged: list[list[int]] = []
    for start, end in sorted(s for s in spans if s and 0 <= s[0] < s[1] <= len(text)):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, position = [], 0
    for start, end in merged:
        out.append(escape(text[position:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        position = end
    out.append(escape(text[position:]))
    return Markup("").join(out)


def highlighted_fields(vacancy, findings) -> list[tuple[str, Markup]]:
    rows = []
    for name in TEXT_FIELDS:
        text = field_text(vacancy, name)  # the text the rules' spans count in
        spans = [f.span for f in findings if f.field == name and f.span]
        if text and (spans or name in ("title", "about_role")):
            rows.append((FIELD_LABELS.get(name, name), highlight(text, spans)))
    return rows


def waited_phrase(waited: dt.timedelta) -> str:
    if waited.days:
        return f"{waited.days} day{'' if waited.days == 1 else 's'}"
    hours = waited.seconds // 3600
    if hours:
        return f"{hours} hour{'' if hours == 1 else 's'}"
    minutes = waited.seconds // 60
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


@bp.app_template_filter("with_line_breaks")
def with_line_breaks(value) -> Markup:
    """Escaped text (or already-safe markup) with its line breaks shown, without inline styles (CSP)."""
    return escape(value or "").replace("\n", Markup("<br>"))


@bp.app_template_filter("waited")
def _waited_filter(value: dt.timedelta) -> str:
    return waited_phrase(value)


def _refused(error: Exception, vacancy_id: int):
    flash(f"Nothing was changed: {error}", "info")
    return redirect(url_for("moderators.review", vacancy_id=vacancy_id))


# --- the queue -----------------------------------------------------------------------------------------


@bp.route("")
@read_queue
def queue():
    rule = request.args.get("rule", "")
    severity = request.args.get("severity", "")
    rule = rule if rule in RULE_NAMES else ""
    severity = severity if severity in {s.value for s in Severity} else ""
    items = services.review_queue(rule=rule or None, severity=severity or None)
    return render_template(
        "moderators/queue.html",
        items=items,
        rule=rule,
        severity=severity,
        rule_names=RULE_NAMES,
        severities=list(Severity),
        bulk_form=BulkForm(),
        now=utcnow(),
    )


@bp.route("/bulk", methods=["POST"])
@decide
def bulk():
    form = BulkForm()
    form.vacancy_ids.choices = [(value, value) for value in request.form.getlist("vacancy_ids")]
    if not form.validate_on_submit():
        for message in [*form.vacancy_ids.errors, *form.decision.errors, *form.reason.errors]:
            flash(f"Nothing was changed: {message}.", "info")
        return redirect(url_for("moderators.queue"))
    ids = record_ids(form.vacancy_ids.data)
    try:
        with unit_of_work():
            result = services.bulk_decide(
                current_user, ids, approve_them=form.decision.data == "approve", reason=form.reason.data or ""
            )
    except VacancyError as error:
        flash(f"Nothing was changed: {error}", "info")
        return redirect(url_for("moderators.queue"))
    verb = "Approved" if form.decision.data == "approve" else "Rejected"
    flash(f"{verb} {len(result.decided)} listing{'' if len(result.decided) == 1 else 's'}.", "success")
    for vacancy_id, reason in result.skipped:
        flash(f"Listing {vacancy_id} was skipped: {reason}", "info")
    return redirect(url_for("moderators.queue"))


# --- one listing ---------------------------------------------------------------------------------------


def _review_page(vacancy, status=200, **forms):
    findings = findings_for_vacancy(vacancy)
    error_form = next((f for f in forms.values() if f is not None and f.errors), None)
    return render_template(
        "moderators/review.html",
        vacancy=vacancy,
        findings=findings,
        field_labels=FIELD_LABELS,
        highlighted=highlighted_fields(vacancy, findings),
        approve_form=forms.get("approve_form") or ApproveForm(),
        reject_form=forms.get("reject_form") or RejectForm(),
        changes_form=forms.get("changes_form") or RequestChangesForm(),
        remove_form=forms.get("remove_form") or RemoveForm(),
        report_form=forms.get("report_form") or ReportDecisionForm(),
        form=error_form,
        claim=services.current_claim(vacancy.id),
        history=audit.history(AuditSubject.VACANCY, vacancy.id),
        conversation=services.conversation(vacancy.id),
        returned=services.returned_listing(vacancy),
        reports=reports.reports_on(vacancy.id),
        report_sources=reports.report_sources(vacancy.id),
        reporter_kinds=reports.reporter_kind_totals(vacancy.id),
        verified_sources=reports.verified_source_count(vacancy.id),
        reports_to_hide=current_app.config["REPORTS_TO_HIDE"],
        abuse_form=forms.get("abuse_form"),
        new_abuse_form=lambda source: DismissSourceForm(formdata=None, prefix="abuse", source=source),
        kind_labels=reports.REPORTER_KINDS,
        kind_of=reports.reporter_kind,
        open_reports=reports.open_report_count(vacancy.id),
        appeal=appeals.appeal_for(vacancy.id),
        removable=vacancy.status
        in (VacancyStatus.PUBLISHED, VacancyStatus.SCHEDULED, VacancyStatus.PENDING_REVIEW),
    ), status


def _vacancy_or_404(vacancy_id: int):
    vacancy = services.vacancy_under_review(vacancy_id)
    if vacancy is None:
        abort(404)
    return vacancy


@bp.route("/vacancies/<int:vacancy_id>")
@read_queue
def review(vacancy_id: int):
    return _review_page(_vacancy_or_404(vacancy_id))


@bp.route("/vacancies/<int:vacancy_id>/documents/<int:document_id>")
@read_queue
def vacancy_document(vacancy_id: int, document_id: int):
    """A listing's supporting document in any state: a moderator reviews what the school attached."""
    return send_document(_vacancy_or_404(vacancy_id), document_id)


@bp.route("/vacancies/<int:vacancy_id>/claim", methods=["POST"])
@decide
def claim(vacancy_id: int):
    vacancy = _vacancy_or_404(vacancy_id)
    try:
        with unit_of_work():
            services.claim(current_user, vacancy)
    except VacancyError as error:  # AlreadyClaimed too, when another moderator won a race for it
        return _refused(error, vacancy_id)
    flash("You have claimed this listing: other moderators can see you are reviewing it.", "success")
    return redirect(url_for("moderators.review", vacancy_id=vacancy_id))


def _decision(vacancy_id: int, form_name: str, form, decide_with, done: Callable[[Vacancy], str], then: str):
    """Apply a moderator's decision posted with `form` (shown again as `form_name` when it has errors):
    `decide_with(vacancy)` in one transaction, then `done(vacancy)` as the confirmation."""
    vacancy = _vacancy_or_404(vacancy_id)
    if not form.validate_on_submit():
        return _review_page(vacancy, status=400, **{form_name: form})
    try:
        with unit_of_work():
            decide_with(vacancy)
    except VacancyError as error:
        return _refused(error, vacancy_id)
    flash(done(vacancy), "success")
    return redirect(then)


@bp.route("/vacancies/<int:vacancy_id>/approve", methods=["POST"])
@decide
def approve(vacancy_id: int):
    form = ApproveForm()

    def approved(vacancy: Vacancy) -> str:
        when = "is live" if vacancy.status is VacancyStatus.PUBLISHED else "will go live on its publish date"
        return f"Approved: {vacancy.title} {when}. The school has been emailed."

    return _decision(
        vacancy_id,
        "approve_form",
        form,
        lambda vacancy: services.approve(current_user, vacancy, note=form.note.data or ""),
        approved,
        url_for("moderators.queue"),
    )


@bp.route("/vacancies/<int:vacancy_id>/reject", methods=["POST"])
@decide
def reject(vacancy_id: int):
    form = RejectForm()
    return _decision(
        vacancy_id,
        "reject_form",
        form,
        lambda vacancy: services.reject(
            current_user,
            vacancy,
            reason=services.compose_reason(form.reasons.data or [], form.reason.data or ""),
        ),
        lambda vacancy: f"Rejected: {vacancy.title}. The school has been emailed your reason.",
        url_for("moderators.queue"),
    )


@bp.route("/vacancies/<int:vacancy_id>/request-changes", methods=["POST"])
@decide
def request_changes(vacancy_id: int):
    form = RequestChangesForm()
    return _decision(
        vacancy_id,
        "changes_form",
        form,
        lambda vacancy: services.request_changes(current_user, vacancy, message=form.message.data),
        lambda vacancy: (
            f"Returned to the school for changes: {vacancy.title}. They have been emailed your message."
        ),
        url_for("moderators.queue"),
    )


@bp.route("/vacancies/<int:vacancy_id>/remove", methods=["POST"])
@decide
def remove(vacancy_id: int):
    form = RemoveForm()
    return _decision(
        vacancy_id,
        "remove_form",
        form,
        lambda vacancy: services.remove(current_user, vacancy, reason=form.reason.data),
        lambda vacancy: (
            f"Removed: {vacancy.title}. It is no longer shown to jobseekers and the school has been emailed."
        ),
        url_for("moderators.review", vacancy_id=vacancy_id),
    )


# --- reports -------------------------------------------------------------------------------------------


@bp.route("/reports")
@read_queue
def reported():
    listings = reports.reported_listings()
    return render_template(
        "moderators/reports.html",
        listings=listings,
        verified=reports.verified_source_counts([vacancy.id for vacancy, _ in listings]),
        reports_to_hide=current_app.config["REPORTS_TO_HIDE"],
    )


@bp.route("/vacancies/<int:vacancy_id>/reports", methods=["POST"])
@decide
def decide_reports(vacancy_id: int):
    vacancy = _vacancy_or_404(vacancy_id)
    form = ReportDecisionForm()
    if not form.validate_on_submit():
        return _review_page(vacancy, report_form=form, status=400)
    try:
        with unit_of_work():
            reports.decide_reports(current_user, vacancy, outcome=form.outcome.data, reason=form.reason.data)
    except VacancyError as error:
        return _refused(error, vacancy_id)
    flash(f"Reports closed: {reports.REPORT_OUTCOME_TEXT[form.outcome.data]}", "success")
    return redirect(url_for("moderators.reported"))


@bp.route("/vacancies/<int:vacancy_id>/reports/dismiss-as-abuse", methods=["POST"])
@decide
def dismiss_reports_as_abuse(vacancy_id: int):
    vacancy = _vacancy_or_404(vacancy_id)
    form = DismissSourceForm(prefix="abuse")
    if not form.validate_on_submit():
        return _review_page(vacancy, abuse_form=form, status=400)
    try:
        with unit_of_work():
            result = reports.dismiss_source_as_abuse(
                current_user,
                vacancy,
                source=form.source.data,
                reason=form.reason.data,
                hide_after=current_app.config["REPORTS_TO_HIDE"],
            )
    except VacancyError as error:
        return _refused(error, vacancy_id)
    count = len(result.reports)
    source = reports.source_label(result.reports[0].network_key)
    message = f"Dismissed {count} report{'' if count == 1 else 's'} from {source} as abuse."
    if result.restored:
        back = "live again" if vacancy.status is VacancyStatus.PUBLISHED else "scheduled again"
        message += f" The listing they had hidden is {back} and its school has been emailed."
    flash(message, "success")
    return redirect(url_for("moderators.review", vacancy_id=vacancy_id))


# --- appeals -------------------------------------------------------------------------------------------


@bp.route("/appeals")
@read_queue
def appeal_list():
    return render_template("moderators/appeals.html", appeals=appeals.pending_appeals())


def _appeal_or_404(appeal_id: int) -> Appeal:
    found = db.session.get(Appeal, appeal_id)
    if found is None:
        abort(404)
    return found


@bp.route("/appeals/<int:appeal_id>", methods=["GET", "POST"])
@read_queue
def appeal(appeal_id: int):
    found = _appeal_or_404(appeal_id)
    form = AppealDecisionForm()
    if request.method == "POST":
        if not current_user.can(Permission.MODERATION_VACANCY_DECIDE):
            abort(403)
        if form.validate_on_submit():
            try:
                with unit_of_work():
                    appeals.decide_appeal(
                        current_user, found, overturn=form.outcome.data == "overturn", reason=form.reason.data
                    )
            except VacancyError as error:
                show_refusal(form, error)
            else:
                flash("Appeal decided. The school has been emailed your reason.", "success")
                return redirect(url_for("moderators.appeal_list"))
    vacancy = db.session.get(services.Vacancy, found.vacancy_id)
    return render_template(
        "moderators/appeal.html",
        appeal=found,
        vacancy=vacancy,
        form=form,
        history=audit.history(AuditSubject.VACANCY, found.vacancy_id),
    ), (400 if form.errors or form.form_errors else 200)


# --- sanctions -----------------------------------------------------------------------------------------


@bp.route("/sanctions")
@sanction
def sanction_search():
    text = request.args.get("q", "")[:200]
    return render_template(
        "moderators/sanctions.html",
        q=text,
        organisations=sanctions.find_organisations(text),
        users=sanctions.find_users(text),
    )


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@sanction
def organisation(organisation_id: int):
    found = db.session.get(Organisation, organisation_id)
    if found is None:
        abort(404)
    form = SanctionForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            with unit_of_work():
                if found.suspended_at is None:
                    changed = sanctions.suspend_organisation(current_user, found, reason=form.reason.data)
                    message = f"{found.name} is suspended; {len(changed)} listing(s) taken down."
                else:
                    changed = sanctions.reinstate_organisation(current_user, found, reason=form.reason.data)
                    message = f"{found.name} is reinstated; {len(changed)} listing(s) put back."
        except VacancyError as error:
            show_refusal(form, error)
        else:
            flash(message, "success")
            return redirect(url_for("moderators.organisation", organisation_id=organisation_id))
    return _organisation_page(found, form)


def _organisation_page(found: Organisation, form, domain_form=None):
    domain_form = domain_form or EmailDomainForm(formdata=None)
    return render_template(
        "moderators/organisation.html",
        organisation=found,
        form=form,
        domain_form=domain_form,
        domains=organisation_services.known_email_domains(found),
        members=organisation_services.members_of(found),
        claims=organisation_services.pending_requests_for(found),
        history=audit.history("organisation", found.id),
    ), (400 if form.errors or form.form_errors or domain_form.errors else 200)


@bp.route("/organisations/<int:organisation_id>/email-domains", methods=["POST"])
@decide_claims
def add_email_domain(organisation_id: int):
    found = db.session.get(Organisation, organisation_id) if 0 < organisation_id < 2**31 else None
    if found is None:
        abort(404)
    domain_form = EmailDomainForm()
    if domain_form.validate_on_submit():
        try:
            with unit_of_work():
                record, joined = organisation_services.add_email_domain(
                    current_user, found, domain_form.domain.data, domain_form.reason.data
                )
        except organisation_services.OrganisationError as error:
            domain_form.domain.errors.append(str(error))
        else:
            message = f"Confirmed addresses on {record.domain} now join {found.name} at once."
            if joined:
                message += f" {len(joined)} waiting claim(s) from such addresses were approved."
            flash(message, "success")
            return redirect(url_for("moderators.organisation", organisation_id=organisation_id))
    return _organisation_page(found, SanctionForm(formdata=None), domain_form)


@bp.route("/organisations/<int:organisation_id>/email-domains/<int:domain_id>/remove", methods=["POST"])
@decide_claims
def remove_email_domain(organisation_id: int, domain_id: int):
    record = db.session.get(OrganisationEmailDomain, domain_id) if 0 < domain_id < 2**31 else None
    if record is None or record.organisation_id != organisation_id:
        abort(404)
    domain = record.domain
    with unit_of_work():
        organisation_services.remove_email_domain(current_user, record, request.form.get("reason", "")[:2000])
    flash(f"{domain} is no longer treated as the organisation's own domain.", "success")
    return redirect(url_for("moderators.organisation", organisation_id=organisation_id))


# --- claims to join a school ------------------------------------------------------------------------------


def _claim_row(claim: JoinRequest) -> dict:
    """A claim with what a moderator needs to judge it."""
    return {
        "claim": claim,
        "check": organisation_services.email_domain_check(claim.user.email, claim.organisation),
        "administrators": organisation_services.administrators_of(claim.organisation),
    }


def _claim_form(claim_id: int, formdata=None) -> ClaimDecisionForm:
    # Prefixed so that each claim's form on the queue has its own field ids.
    return ClaimDecisionForm(prefix=f"claim-{claim_id}", formdata=formdata)


@bp.route("/claims")
@decide_claims
def claims():
    rows = [_claim_row(claim) for claim in organisation_services.pending_claims()]
    return render_template(
        "moderators/claims.html",
        rows=rows,
        forms={row["claim"].id: _claim_form(row["claim"].id) for row in rows},
    )


def _claim_or_404(claim_id: int) -> JoinRequest:
    claim = db.session.get(JoinRequest, claim_id) if 0 < claim_id < 2**31 else None
    if claim is None:
        abort(404)
    return claim


@bp.route("/claims/<int:claim_id>", methods=["GET", "POST"])
@decide_claims
def claim_decision(claim_id: int):
    found = _claim_or_404(claim_id)
    form = _claim_form(claim_id, None if request.method == "GET" else request.form)
    if request.method == "POST" and form.validate_on_submit():
        approve = form.decision.data == "approve"
        try:
            with unit_of_work():
                organisation_services.decide_claim(
                    current_user, found, approve=approve, reason=form.reason.data
                )
        except organisation_services.AlreadyDecided as error:
            flash(f"Nothing was changed. {error}.", "info")
            return redirect(url_for("moderators.claims"))
        except organisation_services.OrganisationError as error:
            form.reason.errors.append(str(error))
        else:
            verb = "has joined" if approve else "will not join"
            flash(
                f"{found.user.full_name} {verb} {found.organisation.name}. We have emailed them.",
                "success",
            )
            return redirect(url_for("moderators.claims"))
    return render_template(
        "moderators/claim.html",
        row=_claim_row(found),
        form=form,
        history=[
            event
            for event in audit.history("organisation", found.organisation_id)
            if (event.data or {}).get("user_id") == found.user_id
        ],
    ), (400 if form.errors else 200)


@bp.route("/organisations/<int:organisation_id>/verify", methods=["POST"])
@decide
def verify_organisation(organisation_id: int):
    found = db.session.get(Organisation, organisation_id)
    if found is None:
        abort(404)
    try:
        with unit_of_work():
            organisation_services.verify_organisation(
                current_user, found, request.form.get("reason", "").strip()
            )
    except organisation_services.OrganisationError as error:
        flash(str(error), "info")
    else:
        flash(f"{found.name} is verified: its listings no longer wait for review for that reason.", "success")
    return redirect(url_for("moderators.organisation", organisation_id=organisation_id))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@sanction
def user(user_id: int):
    found = db.session.get(User, user_id)
    if found is None:
        abort(404)
    form = SanctionForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            with unit_of_work():
                if found.disabled:
                    sanctions.reinstate_user(current_user, found, reason=form.reason.data)
                    message = f"{found.email} can sign in again."
                else:
                    sanctions.suspend_user(current_user, found, reason=form.reason.data)
                    message = f"{found.email} is suspended and can no longer sign in."
        except VacancyError as error:
            show_refusal(form, error)
        else:
            flash(message, "success")
            return redirect(url_for("moderators.user", user_id=user_id))
    return render_template(
        "moderators/user.html", person=found, form=form, history=audit.history(AuditSubject.USER, found.id)
    ), (400 if form.errors or form.form_errors else 200)


# --- audit log and metrics -----------------------------------------------------------------------------


def _audit_filter() -> audit.AuditFilter:
    def date(name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(request.args.get(name, "").strip())
        except ValueError:
            return None

    subject_id = request.args.get("subject_id", "").strip()
    return audit.AuditFilter(
        action=request.args.get("action", "").strip()[:64],
        subject_type=request.args.get("subject_type", "").strip()[:32],
        subject_id=record_id(subject_id),
        actor_email=request.args.get("actor", "").strip()[:320],
        since=date("since"),
        until=date("until"),
    )


@bp.route("/audit-log")
@read_audit
def audit_log():
    audit_filter = _audit_filter()
    page = whole_number(request.args.get("page", ""), lowest=1, highest=999_999) or 1
    events, total = audit.search(audit_filter, page=page)
    return render_template(
        "moderators/audit_log.html",
        events=events,
        total=total,
        page=page,
        pages=max(1, -(-total // 100)),
        audit_filter=audit_filter,
        query=request.args.to_dict(),
    )


@bp.route("/audit-log/download")
@read_audit
def audit_log_download():
    body = "".join(audit.csv_rows(_audit_filter()))
    return csv_download(body, f"audit-log-{utcnow():%Y-%m-%d}.csv", private=True)


@bp.route("/metrics")
@read_audit
def metrics_page():
    return render_template("moderators/metrics.html", metrics=metrics.compute(), rule_names=RULE_NAMES)


# --- shown to schools on their vacancy form ------------------------------------------------------------


@bp.app_template_global()
def listing_findings(vacancy) -> list:
    """'Check your listing': the moderation checks on a school's saved listing, as of now."""
    if vacancy is None or vacancy.id is None:
        return []
    from marketplace.moderation.screening import findings_for
    from marketplace.vacancies.details import VacancyDetails

    return findings_for(VacancyDetails.from_vacancy(vacancy), vacancy.organisation, vacancy_id=vacancy.id)


@bp.app_template_global()
def listing_conversation(vacancy) -> list:
    """The messages between moderators and the school about a listing."""
    if vacancy is None or vacancy.id is None:
        return []
    return services.conversation(vacancy.id)


@bp.app_template_global()
def finding_field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())

"""The web layer: blueprints only. Views validate a form, call one service, flash and redirect."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.exceptions import HTTPException

from marketplace import observability
from marketplace.extensions import login_manager
from marketplace.search.api import SearchUnavailable
from marketplace.unit_of_work import discard_failed_work
from marketplace.web import filters, intents, page_cache, security, signed_in
from marketplace.web.forms import error_summary
from marketplace.web.json_input import BoundedJSONProvider

SERVICE_NAME = "Teacher Vacancy Marketplace"


def register_web(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("marketplace"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["service_name"] = SERVICE_NAME
    WTFormsHelpers(app)
    # The same helper, with date errors linked to the day box rather than the group around the boxes.
    app.add_template_global(error_summary, "wtforms_errors")
    security.init_app(app)
    page_cache.init_app(app)
    observability.init_app(app)
    filters.init_app(app)

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"

    signed_in.init_app(app)
    intents.init_app(app)

    from marketplace.web.admin.views import bp as admin_bp
    from marketplace.web.api.http import init_api
    from marketplace.web.api.views import bp as api_bp
    from marketplace.web.auth.views import bp as auth_bp
    from marketplace.web.documents import bp as documents_bp
    from marketplace.web.feeds.views import bp as feeds_bp
    from marketplace.web.jobseekers.views import bp as jobseekers_bp
    from marketplace.web.moderators.views import bp as moderators_bp
    from marketplace.web.platform.views import bp as platform_bp
    from marketplace.web.public.views import bp as public_bp
    from marketplace.web.schools import bp as schools_bp

    init_api(app, api_bp)
    for blueprint in (
        public_bp,
        auth_bp,
        schools_bp,
        jobseekers_bp,
        moderators_bp,
        api_bp,
        platform_bp,
        admin_bp,
        feeds_bp,
        documents_bp,
    ):
        app.register_blueprint(blueprint)
    from marketplace.web.api.ats import bp as ats_bp
    from marketplace.web.appeals.views import bp as appeals_bp
    from marketplace.web.references.views import bp as references_bp
    from marketplace.web.reports.views import bp as reports_bp

    app.register_blueprint(references_bp)  # referees answer through their emailed link
    for blueprint in (reports_bp, appeals_bp, ats_bp):  # moderation: reports, appeals, the ATS API
        app.register_blueprint(blueprint)
    from marketplace.web.organisations.views import bp as organisations_bp

    app.register_blueprint(organisations_bp)
    from marketplace.web.alerts.views import bp as alerts_bp
    from marketplace.web.saved_jobs.views import bp as saved_jobs_bp

    for blueprint in (saved_jobs_bp, alerts_bp):  # jobseekers: saved jobs, job alerts
        app.register_blueprint(blueprint)

    _register_error_pages(app)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if _wants_json():
            return jsonify(error="csrf", message=error.description), 400
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(SearchUnavailable)
    def search_unavailable(error: Exception):
        # The index is a replica: the listings are safe in the database, only searching them is down.
        app.logger.error("Search index unusable: %s", error)
        if _wants_json():
            return jsonify(error="search_unavailable", message="Search is unavailable for a moment."), 503
        return render_template("errors/search_unavailable.html"), 503

    @app.errorhandler(sa.exc.OperationalError)
    def database_unavailable(error: sa.exc.OperationalError):
        # Nothing the person did: the database is down or unreachable. Say so, and ask them to retry.
        app.logger.error("Database unavailable on %s %s: %s", request.method, request.path, error)
        discard_failed_work()
        if _wants_json():
            return jsonify(
                error="service_unavailable", message="The service is unavailable for a moment."
            ), 503
        return render_template("errors/503.html"), 503, {"Retry-After": "30"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if _wants_json():
            return jsonify(error=error.name.lower().replace(" ", "_"), message=error.description), error.code
        template = f"errors/{error.code}.html"
        return render_template([template, "errors/generic.html"], error=error), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):  # pragma: no cover - handled above
            return http_error(error)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        discard_failed_work()
        if _wants_json():
            return jsonify(error="internal_server_error", message="Something went wrong on our side."), 500
        return render_template("errors/500.html"), 500

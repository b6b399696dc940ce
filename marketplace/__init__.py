"""Teacher Vacancy Marketplace: schools post vacancies for free, teachers search and apply."""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from marketplace.resources import resource

# How long a thread may hold the interpreter while another waits for it, in a web worker (Python's
# default is 5 ms). A worker's request thread shares it with the change log's follower, which applies
# each change to the search index and reads the new generation (tens of milliseconds at 100,000
# listings): a search waits at most this long at a time, not 5 ms. With a write a second at 100,000
# listings the search p95 went from 1.7-1.8 to 1.3-1.4 times that without writes.
SWITCH_INTERVAL = 0.001


def prepare_worker() -> None:
    """What a web worker does once, before its first request (see marketplace.wsgi): read the tables
    every place search needs, set the cycle collector up for serving (see tune_cycle_collector), and
    hand the interpreter between threads sooner."""
    from marketplace.db import tune_cycle_collector
    from marketplace.search import geo

    geo.postcodes()
    geo.gazetteer_places()
    tune_cycle_collector()
    sys.setswitchinterval(SWITCH_INTERVAL)


def create_app(config: dict | None = None) -> Flask:
    """Build the application: config → extensions → search → blueprints → CLI."""
    from marketplace import config as settings
    from marketplace.db import check_idle_connections
    from marketplace.extensions import csrf, db, limiter, login_manager, migrate

    values = settings.load(config)
    app = Flask(
        __name__,
        instance_path=values["INSTANCE_PATH"],
        static_folder=str(resource("static")),
        static_url_path="/static",
    )
    app.config.update(values)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Believe only as many X-Forwarded-* hops as there are proxies of ours: a client cannot choose its
        # own address for the rate limits by sending the header itself.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    settings.ensure_secret_key(app.config)
    settings.refuse_unsafe_production(app.config)

    import marketplace.models  # noqa: F401  (every model registered before the first query)

    db.init_app(app)
    with app.app_context():
        check_idle_connections(db.engine)
    migrate.init_app(app, db, directory=str(resource("migrations")), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    from marketplace.notifications import delivery
    from marketplace.search import api as search
    from marketplace.search import follow as search_follow
    from marketplace.vacancies.documents import cleanup as documents

    search.init_app(app)
    search_follow.init_app(app)
    delivery.init_app(app)
    documents.init_app(app)

    # Every process built here (web, CLI, worker) sends the core's emails and counts its funnel events.
    from marketplace.analytics import buffer as analytics_buffer
    from marketplace.analytics import subscriptions as analytics_subscriptions  # noqa: F401
    from marketplace.notifications import subscriptions as email_subscriptions  # noqa: F401
    from marketplace.web import register_web

    analytics_buffer.init_app(app)

    # Ids in addresses are database integers: one past what the columns hold is a 404, not a 500.
    app.url_map.converters["int"] = _DatabaseId
    register_web(app)

    from marketplace.cli import register_commands

    register_commands(app)
    return app


class _DatabaseId(IntegerConverter):
    """`<int:…>` in a route: ASCII digits, at most what an INTEGER column holds (2**31 - 1)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)

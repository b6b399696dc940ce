"""Absolute links to the marketplace's own pages, for emails, feeds, sitemaps and the API.

Always built on BASE_URL from the route's endpoint name, never from a request's Host header (which a
client chooses) and never from a path typed out beside the route (which drifts when the route moves).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """The absolute address of `endpoint` with `values`, on the configured BASE_URL."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)

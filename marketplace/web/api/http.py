"""HTTP behaviour shared by every public API response: caching, cross-origin reads and rate limits."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, request

from marketplace.extensions import limiter

# Listings change when schools edit them and at their closing time: a minute is fresh enough for
# job boards and aggregators, and short enough that a closed job soon disappears everywhere.
MAX_AGE_SECONDS = 60


def _cacheable(response: Response) -> Response:
    """Public, briefly cacheable, with an ETag so an unchanged page costs the client nothing."""
    if request.blueprint != "api" or request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE_SECONDS}"
    response.vary.add("Accept-Encoding")
    response.add_etag()
    return response.make_conditional(request)


def _cross_origin_errors(response: Response) -> Response:
    # Another site's script calling the API should be able to read our JSON errors too.
    if request.blueprint == "api" and request.method in ("GET", "HEAD") and response.status_code != 200:
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
    return response


def init_api(app: Flask, blueprint: Blueprint) -> None:
    """Read-only endpoints: rate-limited per address, cacheable and readable from any origin."""
    if not getattr(blueprint, "rate_limited", False):
        # The limiter and the blueprint are both shared by every app in the process: limit it once.
        limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])(blueprint)
        blueprint.rate_limited = True
    app.after_request(_cacheable)
    app.after_request(_cross_origin_errors)

"""Response headers that make the browser enforce our security policy."""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask
from flask_login import current_user

# The GOV.UK page template's one inline script (it marks <body> as js-enabled before anything paints).
_INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.DOTALL)


def inline_script_hashes(app: Flask, template: str = "govuk_frontend_jinja/template.html") -> list[str]:
    """CSP sources allowing exactly the inline scripts of `template`, by the SHA-256 of their text.

    A hash instead of a nonce keeps the policy the same on every response, so a page can be cached and
    served again to anyone; the policy still allows no other inline script. Our own scripts are files.
    """
    loader = app.jinja_loader
    if loader is None:
        return []
    source, _, _ = loader.get_source(app.jinja_env, template)
    hashes = []
    for body in _INLINE_SCRIPT.findall(source):
        if "{" in body:  # a script built from template values has no fixed hash: refuse to guess
            raise RuntimeError(f"{template} has an inline script whose text varies: {body[:60]!r}")
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return hashes


def init_app(app: Flask) -> None:
    script_src = " ".join(["'self'", *inline_script_hashes(app)])
    policy = "; ".join(
        [
            "default-src 'self'",
            f"script-src {script_src}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if current_user.is_authenticated and "Cache-Control" not in headers:
            # A signed-in page can show personal data: never let any cache keep it.
            headers["Cache-Control"] = "no-store"
        return response

"""What a person was doing when they were asked to sign in, carried across signing in, registering and
confirming their email address, so that they come back to it.

The intent travels as a `next` path: in the sign-in and registration addresses, and in the emailed link
that confirms the address (which signs the person in). Only a path on this site is ever followed
(`safe_next`). A POST is never replayed: its `next` is a page that shows what was being done with one
button to finish it (saving a job asks "Save this job?"), or the form itself (applying, an alert).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request, url_for


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: a `next` link must never lead to another host."""
    if not target or "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None  # browsers read "\" as "/" and drop tabs and newlines, turning "/\evil" into "//evil"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def intent_of_request() -> str | None:
    """Where to come back to after signing in, for the request that needed it: the page itself for a
    GET; for a POST, the same address when it also answers a GET (a page that asks to confirm the
    action), else the page the form was on."""
    path = request.full_path.rstrip("?")
    if request.method in ("GET", "HEAD"):
        return safe_next(path)
    rule = request.url_rule
    if rule is not None and "GET" in (rule.methods or ()):
        return safe_next(path)
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return None
    if not referrer.path:
        return None
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def sign_in_url(next_path: str | None = None) -> str:
    """The sign-in page, coming back to `next_path` (when it is safe) afterwards."""
    return url_for("auth.sign_in", next=safe_next(next_path))


def register_url(next_path: str | None = None) -> str:
    """The registration page; after confirming the address the person comes back to `next_path`."""
    return url_for("auth.register", next=safe_next(next_path))


def requested_next() -> str | None:
    """The safe `next` this request carries, if any."""
    return safe_next(request.args.get("next"))


def init_app(app: Flask) -> None:
    app.add_template_global(sign_in_url)
    app.add_template_global(register_url)
    app.add_template_global(requested_next)

"""Access control for views: every endpoint declares either @public or @requires(permission).

The declaration is kept on the view function, so a test can walk app.url_map and fail on any
endpoint that declares nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from marketplace.permissions import Permission
from marketplace.web.intents import intent_of_request, requested_next, sign_in_url


def public(view: Callable) -> Callable:
    """Open to everyone, signed in or not."""
    view.access = "public"
    return view


def anonymous_only(view: Callable) -> Callable:
    """Pages for people not signed in (sign in, register); a signed-in person is sent on to where the
    page would have taken them (its `next`), or home."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.is_authenticated:
            return redirect(requested_next() or url_for("public.home"))
        return view(*args, **kwargs)

    wrapper.access = "public"
    return wrapper


def requires(permission: Permission, *, verified_email: bool = False) -> Callable[[Callable], Callable]:
    """Signed in with a role that carries `permission` (and, if asked, a confirmed email address)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                flash("Sign in to continue.", "info")
                return redirect(sign_in_url(intent_of_request()))
            if not current_user.can(permission):
                abort(403)
            if verified_email and not current_user.email_verified:
                flash("Confirm your email address first: we have sent you a link.", "info")
                return redirect(url_for("auth.confirm_email_needed", next=intent_of_request()))
            return view(*args, **kwargs)

        wrapper.access = permission
        return wrapper

    return decorator

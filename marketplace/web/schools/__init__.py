"""Hiring staff's pages: the blueprint lives in views.py; the modules imported here add their routes to it."""

from marketplace.web.schools import inbox  # noqa: F401  (the applications inbox)

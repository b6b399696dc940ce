"""The WSGI entry point from a checkout: `gunicorn wsgi:app` (from the wheel: marketplace.wsgi:app)."""

from marketplace.wsgi import app

__all__ = ["app"]

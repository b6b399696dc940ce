"""The WSGI entry point for production servers: `gunicorn marketplace.wsgi:app` (works from the wheel)."""

from marketplace import create_app

app = create_app()

"""The WSGI entry point for production servers: `gunicorn marketplace.wsgi:app` (works from the wheel)."""

from marketplace import create_app, prepare_worker
from marketplace.search import follow

app = create_app()
prepare_worker()
if app.config["SEARCH_FOLLOW"]:
    # Each worker process follows the change log from the start, not from its first request.
    follow.start(app)

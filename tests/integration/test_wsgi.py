"""The production entry point serves the marketplace with settings from the environment."""

import gc
import importlib
import sys
import threading

from marketplace import SWITCH_INTERVAL
from marketplace.db import SERVER_THRESHOLDS
from marketplace.extensions import db
from marketplace.search import follow


def test_gunicorn_entry_point_builds_the_app_from_the_environment(monkeypatch, tmp_path, migrated_database):
    monkeypatch.setenv("MARKETPLACE_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("MARKETPLACE_DATABASE_URL", migrated_database)
    sys.modules.pop("wsgi", None)
    sys.modules.pop("marketplace.wsgi", None)

    thresholds, switch_interval = gc.get_threshold(), sys.getswitchinterval()
    try:
        wsgi = importlib.import_module("wsgi")

        response = wsgi.app.test_client().get("/robots.txt")
        assert response.status_code == 200
        assert wsgi.app.config["INSTANCE_PATH"] == str((tmp_path / "instance").resolve())
        # Each worker follows the search change log from the start (MARKETPLACE_SEARCH_FOLLOW).
        followers = [thread for thread in threading.enumerate() if thread.name.startswith("search-follower")]
        assert len(followers) == 1
        # What the worker loaded before its first request is out of the cycle collector's way.
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == SERVER_THRESHOLDS
        assert sys.getswitchinterval() == SWITCH_INTERVAL
    finally:
        # (This test process goes on to make and drop many more applications.)
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        sys.setswitchinterval(switch_interval)
        follow.stop_all()
        if "wsgi" in sys.modules:
            with sys.modules["wsgi"].app.app_context():
                db.engine.dispose()

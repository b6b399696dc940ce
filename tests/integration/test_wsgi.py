"""The production entry point serves the marketplace with settings from the environment."""

import importlib
import sys


def test_gunicorn_entry_point_builds_the_app_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MARKETPLACE_INSTANCE_PATH", str(tmp_path / "instance"))
    sys.modules.pop("wsgi", None)

    wsgi = importlib.import_module("wsgi")

    response = wsgi.app.test_client().get("/robots.txt")
    assert response.status_code == 200
    assert wsgi.app.config["INSTANCE_PATH"] == str((tmp_path / "instance").resolve())

"""`search rebuild` cleans up after a rebuild killed outright (kill -9 runs no cleanup), and never
touches the staging folder of a rebuild still running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from marketplace.extensions import db
from marketplace.search.whoosh import replica
from marketplace.search.whoosh.backend import current_index
from tests.factories import VacancyFactory


def _staging(index_path: Path, name: str, *, age_seconds: float) -> Path:
    folder = index_path.parent / f".{index_path.name}-rebuild-{name}"
    folder.mkdir(parents=True)
    (folder / "_MAIN_1.toc").write_bytes(b"half a rebuild")
    then = time.time() - age_seconds
    os.utime(folder, (then, then))
    return folder


def test_a_rebuild_removes_the_staging_folder_a_killed_rebuild_left(app):
    VacancyFactory(published=True)
    db.session.commit()
    index = current_index()
    stale = _staging(index.path, "killed", age_seconds=3600)

    result = app.test_cli_runner().invoke(args=["search", "rebuild"])

    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert list(index.path.parent.glob(f".{index.path.name}-rebuild-*")) == []
    with index.searcher() as searcher:
        assert searcher.doc_count() == 2  # the listing and the bookmark


def test_the_staging_folder_of_a_rebuild_still_running_is_kept(app):
    index = current_index()
    running = _staging(index.path, "running", age_seconds=3600)
    just_made = _staging(index.path, "just-made", age_seconds=0)
    lock = replica._lock_folder(running)  # as the running rebuild holds it
    try:
        replica.rebuild(index, db.session)
    finally:
        os.close(lock)

    assert running.is_dir()
    assert just_made.is_dir()  # its rebuild may not have taken the lock yet

    # Once the rebuild has stopped (the system releases a killed process's lock too), both are stale.
    removed = replica.remove_stale_staging(index.path, now=time.time() + 120)
    assert sorted(removed) == sorted([running, just_made])
    assert not running.exists()
    assert not just_made.exists()


def test_a_folder_locked_by_a_process_is_kept_until_that_process_is_killed(app):
    index = current_index()
    folder = _staging(index.path, "other-process", age_seconds=3600)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "time.sleep(60)\n",
            str(folder),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert replica.remove_stale_staging(index.path) == []
        assert folder.is_dir()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        holder.stdout.close()

    assert replica.remove_stale_staging(index.path) == [folder]
    assert not folder.exists()

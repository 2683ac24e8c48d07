"""Real processes: a SIGKILL in the middle of a page, and a SIGTERM to the --follow worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from kcstat_dash.services.social import current_cursor, ingest
from kcstat_dash.settings import PROJECT_ROOT
from tests.social.conftest import (
    ALL_FIRST_RUN,
    P3,
    P4,
    P5,
    TOKEN1,
    first_run_routes,
    stored,
    x_source,
)

WAIT = 120  # seconds; a limit on waiting for the child, never an assertion about speed


def _child(*args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("X_BEARER_TOKEN", "MASTODON_BASE_URL")}
    return subprocess.Popen([sys.executable, "-m", "tests.social.child_ingest", *args],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _until(condition, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"child exited early:\n{process.stdout.read()}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("child never reached the point under test")
        time.sleep(0.1)


def test_sigkill_in_the_middle_of_a_page_then_restart(database, meetings, fake_x, tmp_path):
    url = database.engine.url.render_as_string(hide_password=False)
    marker = tmp_path / "in-page-two"
    child = _child("kill", url, str(marker))
    _until(marker.exists, child)
    child.send_signal(signal.SIGKILL)
    child.wait(WAIT)
    # Page one was committed; page two's half-written post died with the process.
    assert set(stored(database)) == {P5, P4, P3}
    assert current_cursor(database, "x").page_token == TOKEN1

    first_run_routes(fake_x)
    report = ingest(database, x_source())
    assert fake_x.searches() == [(None, TOKEN1)]
    assert report.added == 2
    assert set(stored(database)) == ALL_FIRST_RUN
    assert current_cursor(database, "x").since_id == P5


def test_sigterm_stops_the_follow_worker_cleanly(database, meetings):
    url = database.engine.url.render_as_string(hide_password=False)
    child = _child("follow", url)
    _until(lambda: current_cursor(database, "x").since_id == P5, child)
    child.send_signal(signal.SIGTERM)
    output, _ = child.communicate(timeout=WAIT)
    assert child.returncode == 0, output
    assert "x: 2 page(s), 5 post(s): 5 new question(s)" in output
    assert set(stored(database)) == ALL_FIRST_RUN

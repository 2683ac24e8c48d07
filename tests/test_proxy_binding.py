"""KCSTAT_TRUSTED_PROXIES with gunicorn reachable directly: refused at start-up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kcstat_dash.settings import proxy_binding_problem

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("bind, refused", [
    ("0.0.0.0:8000", True), ("[::]:8000", True), (":8000", True), ("93.184.216.34:80", True),
    ("kcstat.example.org:80", True),
    ("127.0.0.1:8000", False), ("[::1]:8000", False), ("10.0.4.2:8000", False),
    ("localhost:8000", False), ("unix:/run/kcstat.sock", False),
])
def test_a_proxy_count_needs_a_bind_only_the_proxy_reaches(bind, refused):
    assert bool(proxy_binding_problem(1, [bind])) is refused
    assert proxy_binding_problem(0, [bind]) is None
    # The operator's word (Heroku's router, a firewall) that only the proxy reaches it.
    assert proxy_binding_problem(1, [bind], reachable_only_by_proxy=True) is None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_refuses_to_start_with_a_proxy_count_on_a_public_bind():
    env = {**os.environ, "KCSTAT_TRUSTED_PROXIES": "1", "SECRET_KEY": "x" * 40,
           "WEB_CONCURRENCY": "1"}
    env.pop("DYNO", None)
    env.pop("KCSTAT_PROXY_ONLY_NETWORK", None)
    started = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
         "--bind", f"0.0.0.0:{_free_port()}", "kcstat_dash.web.wsgi:server"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert started.returncode != 0
    assert "Refusing to start" in started.stderr
    assert "X-Forwarded-For" in started.stderr

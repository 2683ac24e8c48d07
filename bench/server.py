"""Starts a WSGI app under gunicorn on loopback with the project's gunicorn settings."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = PROJECT_ROOT / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """``with Gunicorn("kcstat_dash.web.wsgi:server", env) as server:`` serves until the block
    ends."""

    def __init__(self, target: str, env: dict[str, str] | None = None, workers: int | None = None,
                 ready_path: str = "/healthz", log: Path | None = None):
        self.target, self.ready_path = target, ready_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Production settings: a secret key, and the public address links are built from.
        self.env = {**os.environ, "SECRET_KEY": secrets.token_hex(32),
                    "KCSTAT_PUBLIC_URL": self.url, **(env or {})}
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.log = log

    def __enter__(self) -> Gunicorn:
        command = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF),
                   "--bind", f"127.0.0.1:{self.port}", self.target]
        output = open(self.log, "ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=self.env, stdout=output,
                                        stderr=output, start_new_session=True)
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see {self.log}")
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=2) as response:
                    if response.status == 200:
                        # Every worker imports the app on its own; give them all time to be up.
                        self._warm()
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer {self.ready_path} in {timeout:.0f} s")

    def _warm(self) -> None:
        for _ in range(40):
            try:
                urllib.request.urlopen(self.url + self.ready_path, timeout=5).read()
            except OSError:
                time.sleep(0.2)

    @property
    def pid(self) -> int:
        return self.process.pid

    def __exit__(self, *_exc) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

"""Real-browser fixtures: the app served on loopback, driven by Debian's Chromium via Playwright."""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from kcstat_dash.db import db
from kcstat_dash.models import Meeting
from kcstat_dash.web.app import create_app
from tests.conftest import IN_CI, make_settings

CHROMIUM = "/usr/bin/chromium"
AXE_JS = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def patient_expectations():
    """The shared CI machine can be slow: wait longer before calling a check failed."""
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail("CI must have Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class LiveServer:
    """The whole app on a loopback port, in a thread of this test process."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # Absolute links come from the public URL setting, never the Host header: here it is
        # the port just bound, known only now.
        settings = app.server.extensions["kcstat_settings"]
        app.server.extensions["kcstat_settings"] = dataclasses.replace(
            settings, public_base_url=self.url)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


def _serve_sample_copy(templates, target):
    """The app on a copy of the sample database at ``target``, until the fixture ends."""
    shutil.copy(templates("sqlite", "sample").removeprefix("sqlite:///"), target)
    server = LiveServer(create_app(make_settings(f"sqlite:///{target}")))
    yield server
    server.stop()
    db.engine.dispose()


@pytest.fixture
def live_server(tmp_path, templates):
    """The app on the sample data (SQLite: one process, as the browser sees it in the demo)."""
    yield from _serve_sample_copy(templates, tmp_path / "live.db")


def wait_until(page, expression: str, arg=None, timeout: float = 30_000) -> None:
    """Wait until ``expression`` (a JavaScript expression, or a function of ``arg``) is truthy.

    Playwright's ``wait_for_function`` polls through ``eval`` inside the page, which the app's
    Content-Security-Policy rightly refuses; ``page.evaluate`` runs through the DevTools
    protocol, which the policy does not govern.
    """
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} ms waiting for {expression}")
        page.wait_for_timeout(100)


def _watch_csp(ctx) -> list[str]:
    """Chromium's reports of anything the Content-Security-Policy refused in ``ctx``'s pages:
    the app must run under its own policy (kcstat_dash/web/security_headers.py)."""
    refused: list[str] = []
    ctx.on("console", lambda message: refused.append(message.text)
           if "Content Security Policy" in message.text else None)
    return refused


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    refused = _watch_csp(ctx)
    yield ctx
    ctx.close()
    assert not refused, "\n".join(refused)


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def new_page(browser):
    """``new_page(**context_options)``: a page in a browser context of its own (another
    attendee), closed with the test, so no page is left polling a server that has stopped."""
    contexts, reports = [], []

    def make(**options):
        contexts.append(browser.new_context(**options))
        reports.append(_watch_csp(contexts[-1]))
        return contexts[-1].new_page()

    yield make
    for ctx in contexts:
        ctx.close()
    refused = [text for watched in reports for text in watched]
    assert not refused, "\n".join(refused)


def axe_violations(page, impacts=("serious", "critical"), experimental=()) -> list[dict]:
    """Run axe-core in the page; return the violations at the given impacts. ``experimental``
    names rules axe runs only when asked (e.g. ``label-content-name-mismatch``, WCAG 2.5.3)."""
    # Evaluated through the DevTools protocol, not added as an inline <script>: the page's
    # Content-Security-Policy refuses inline scripts it does not list (the app's own are hashed).
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async (extra) => await axe.run(document, "
                           "{runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'], rules: "
                           "Object.fromEntries(extra.map(id => [id, {enabled: true}]))})",
                           list(experimental))
    return [v for v in result["violations"] if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — "
                     + "; ".join(n["target"][0] if isinstance(n["target"][0], str)
                                 else str(n["target"])
                                 for n in v["nodes"][:3]) for v in violations)


@pytest.fixture(scope="module")
def shared_live_server(tmp_path_factory, templates):
    """One app on its own sample copy for a whole test module: for tests that only read, or
    whose writes the module's other tests may safely see (starting an app costs seconds)."""
    yield from _serve_sample_copy(templates, tmp_path_factory.mktemp("live") / "live.db")


PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(browser):
    """A page in a phone-sized context (390x844, touch, mobile), like a resident's phone."""
    ctx = browser.new_context(**PHONE)
    yield ctx.new_page()
    ctx.close()


SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"


def screenshot(page, name: str) -> None:
    """Save the viewport as docs/screenshots/<name>.png, only when KCSTAT_SCREENSHOTS=1 (so
    ordinary runs never rewrite the committed images)."""
    if os.environ.get("KCSTAT_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled",
                    caret="hide", scale="css")


def live_meeting_id() -> int:
    """The sample's live meeting, read from the database the served app uses."""
    session = db.new_session()
    try:
        return session.scalar(select(Meeting.id).where(Meeting.status == "live"))
    finally:
        session.close()

"""Security headers on every kind of response: a page, the JSON API, a static asset, the poll
(issue 15, point 4). That Dash runs under the policy is proven by tests/browser, which fails
on any Content-Security-Policy violation in Chromium."""

from __future__ import annotations

import pytest

from kcstat_dash.db import db
from kcstat_dash.settings import Settings
from kcstat_dash.web.app import create_app
from tests.conftest import make_settings
from tests.staff import make_meeting

PATHS = ["/", "/login", "/api/measures", "/assets/02-kcstat.css", "/no-such-page",
         "/_dash-layout"]


@pytest.fixture
def client(database_url):
    app = create_app(make_settings(database_url))
    yield app.server.test_client()
    db.engine.dispose()


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_the_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    csp = _csp(response)
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["object-src"] == "object-src 'none'"
    # Plain HTTP in tests and debugging: no HSTS to stick to localhost.
    assert "Strict-Transport-Security" not in response.headers


def test_the_policy_allows_exactly_dashs_inline_scripts(client):
    page = client.get("/")
    script_src = _csp(page)["script-src"]
    # The renderer's inline script and the clientside callbacks' are allowed by their hashes.
    assert "new DashRenderer" in page.get_data(as_text=True)
    assert script_src.count("'sha256-") >= 2


def test_the_live_poll_has_the_headers_too(client):
    session = db.new_session()
    meeting_id = make_meeting(session).id
    session.close()
    response = client.get(f"/api/meetings/{meeting_id}/version")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_hsts_in_production_over_https(database_url):
    app = create_app(Settings.from_env(database_url=database_url, secret_key="x" * 32,
                                       public_base_url="https://kcstat.example"))
    client = app.server.test_client()
    secure = client.get("/api/measures", base_url="https://kcstat.example")
    max_age = secure.headers["Strict-Transport-Security"].split(";")[0]
    assert int(max_age.removeprefix("max-age=")) >= 365 * 24 * 3600
    # No redirect of plain HTTP here (the proxy in front does that) and no HSTS on it.
    plain = client.get("/api/measures")
    assert plain.status_code == 200 and "Strict-Transport-Security" not in plain.headers
    # The cookies are as create_server set them (talisman must not change them).
    assert app.server.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.server.config["SESSION_COOKIE_SECURE"] is True
    db.engine.dispose()

"""Absolute links use KCSTAT_PUBLIC_URL, never the request's Host header; production needs it."""

from __future__ import annotations

import pytest

from kcstat_dash.db import db
from kcstat_dash.settings import Settings, SettingsError
from kcstat_dash.web.app import create_app
from tests.conftest import make_settings

HOSTILE = "evil.example.net"


@pytest.mark.parametrize("public_url", [None, "https://kcstat.example.org"])
def test_a_hostile_host_header_never_appears_in_an_absolute_link(sample_database_url,
                                                                  public_url):
    app = create_app(make_settings(sample_database_url, public_base_url=public_url))
    client = app.server.test_client()
    headers = {"Host": HOSTILE, "X-Forwarded-Host": HOSTILE}
    calendar = client.get("/meetings.ics", headers=headers)
    created = client.post("/api/citations", headers=headers,
                          json={"measure": "pothole-on-time-rate", "period": "2019-03"})
    assert calendar.status_code == 200 and created.status_code == 201
    shown = client.get(f"/api/citations/{created.get_json()['id']}", headers=headers)
    packet = client.get(f"/exports/packet.json?ids={created.get_json()['id']}", headers=headers)
    expected = public_url or "http://127.0.0.1:8050"
    for response in (calendar, created, shown, packet):
        assert HOSTILE not in response.get_data(as_text=True)
    assert expected in calendar.get_data(as_text=True)
    assert created.get_json()["url"].startswith(f"{expected}/cite/")
    assert HOSTILE not in created.headers.get("Location", "")
    db.engine.dispose()


def test_production_settings_without_a_public_url_refuse_to_start(database_url):
    production = Settings.from_env(database_url=database_url, secret_key="x" * 40)
    with pytest.raises(SettingsError, match="KCSTAT_PUBLIC_URL must be set in production"):
        create_app(production)


def test_local_runs_need_no_public_url(database_url):
    assert not make_settings(database_url).production
    assert Settings.from_env(database_url=database_url, debug=True).public_url.startswith(
        "http://127.0.0.1")


@pytest.mark.parametrize("url", ["kcstat.example.org", "ftp://kcstat.example.org",
                                 "https://kcstat.example.org/?a=1", "https://"])
def test_a_malformed_public_url_is_refused(monkeypatch, url):
    monkeypatch.setenv("KCSTAT_PUBLIC_URL", url)
    with pytest.raises(SettingsError, match="KCSTAT_PUBLIC_URL"):
        Settings.from_env(testing=True)

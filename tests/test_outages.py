"""Outages: /healthz names the store that is down, and the JSON API answers JSON 503."""

from __future__ import annotations

import os
import socket

import pytest

from kcstat_dash.db import db
from kcstat_dash.web.app import create_app
from tests.conftest import make_settings

# A PostgreSQL database that does not exist (or a server that is not there): every connection
# attempt fails with OperationalError, as during an outage.
BROKEN_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/kcstat_no_such_database"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe goes


def test_healthz_reports_a_configured_redis_that_is_down(sample_database_url):
    app = create_app(make_settings(sample_database_url,
                                   redis_url=f"redis://127.0.0.1:{_closed_port()}/0"))
    response = app.server.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["failed"] == ["redis"]
    assert body["database"] == "ok" and body["redis"] == "ConnectionError"
    db.engine.dispose()


@pytest.mark.skipif(not os.environ.get("KCSTAT_TEST_REDIS_URL"),
                    reason="KCSTAT_TEST_REDIS_URL is not set (CI sets it)")
def test_healthz_is_ok_with_a_redis_that_answers(sample_database_url):
    app = create_app(make_settings(sample_database_url,
                                   redis_url=os.environ["KCSTAT_TEST_REDIS_URL"]))
    response = app.server.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json()["redis"] == "ok"
    db.engine.dispose()


@pytest.fixture
def database_down(app):
    client = app.server.test_client()
    meeting_id = client.get("/api/meetings").get_json()[0]["id"]
    db.engine.dispose()
    db.configure(BROKEN_DATABASE)  # the server's database stops answering
    yield client, meeting_id


def test_healthz_names_the_database_when_it_is_down(database_down):
    client, _ = database_down
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["database"]
    assert response.get_json()["database"] == "OperationalError"


def test_the_json_api_answers_json_503_during_a_database_outage(database_down):
    client, meeting_id = database_down
    answers = [
        client.get("/api/measures"),
        client.get(f"/api/meetings/{meeting_id}"),
        client.get(f"/api/questions?meeting={meeting_id}"),
        client.post("/api/questions", json={"meeting_id": meeting_id, "text": "Still there?"}),
        client.post(f"/api/questions/{meeting_id}/votes", json={}),
        client.post("/api/citations",
                    json={"measure": "pothole-on-time-rate", "period": "2019-03"}),
    ]
    for response in answers:
        assert response.status_code == 503, response.request.path
        assert response.mimetype == "application/json"
        error = response.get_json()["error"]
        assert error["status"] == 503 and error["code"] == "unavailable"
        assert response.headers["Retry-After"]



def test_a_page_kept_in_memory_is_not_served_when_its_key_cannot_be_read(app):
    """A page kept before an outage is not sent during it: its key (the data version) cannot
    be read, so the call goes on to Dash and gets the app's outage answer, not a stale page."""
    from tests.staff import router_call

    client = app.server.test_client()
    call = router_call("/measures/pothole-on-time-rate")
    kept = client.post("/_dash-update-component", json=call)
    assert kept.status_code == 200 and "pothole-on-time-rate" in kept.get_data(as_text=True)
    assert client.post("/_dash-update-component", json=call).data == kept.data  # from memory
    db.engine.dispose()
    db.configure(BROKEN_DATABASE)
    app.server.config["PROPAGATE_EXCEPTIONS"] = False  # answered as in production
    assert client.post("/_dash-update-component", json=call).status_code >= 500

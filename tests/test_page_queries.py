"""Pages that don't notice the size of the 311 data: rendering the overview, an area, a measure
page and the JSON API reads what imports and syncs precomputed, never the request table
(issue 18 item 4: a scan of 1.5 million requests would make each page wait on it)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from kcstat_dash.db import db
from tests.staff import page_content

REQUEST_TABLE = re.compile(r"\bservice_request\b", re.IGNORECASE)
MEASURE = "/measures/311-requests"


@pytest.fixture
def statements(app):
    """Every SQL statement the app sends while the test runs."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


@pytest.mark.parametrize("path", ["/", "/areas/infrastructure", MEASURE,
                                  "/measures/code-enforcement-on-time-rate"])
def test_a_page_reads_no_request_rows(client, statements, path):
    body = page_content(client, path)
    assert "neighborhood" in body.lower() or path in ("/", "/areas/infrastructure")
    assert statements, "the page read nothing: the listener is not on the app's engine"
    assert [s for s in statements if REQUEST_TABLE.search(s)] == []


@pytest.mark.parametrize("path", ["/api/measures", "/api/areas", f"/api{MEASURE}",
                                  f"/api{MEASURE}/observations"])
def test_the_json_api_reads_no_request_rows(client, statements, path):
    assert client.get(path).status_code == 200
    assert statements
    assert [s for s in statements if REQUEST_TABLE.search(s)] == []


def test_the_listener_sees_a_read_of_the_request_table(client, statements):
    """The check can fail: a read of the request table is seen."""
    from kcstat_dash.services.measures import request_total

    with client.application.app_context():
        assert request_total(db.session) > 0
    assert any(REQUEST_TABLE.search(s) for s in statements)

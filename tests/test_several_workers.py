"""The app under gunicorn with several worker processes, on SQLite and PostgreSQL.

A burst of questions from many clients at once is stored whole (none lost, none twice, no
"database is locked"), and one client's rate limit holds across workers: the counters are in
the database, not in each process's memory.
"""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import create_engine, func, select

from bench.server import Gunicorn
from kcstat_dash.models import Meeting, Question

WORKERS = 3


def _live_meeting(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        meeting_id = connection.execute(select(Meeting.id).where(Meeting.status == "live")).scalar()
    engine.dispose()
    return meeting_id


def _post(base: str, body: dict, source: str) -> tuple[int, dict]:
    """POST from a given loopback address: the app tells API clients apart by address."""
    import http.client

    connection = http.client.HTTPConnection(base.split("//")[1], timeout=60,
                                            source_address=(source, 0))
    try:
        connection.request("POST", "/api/questions", json.dumps(body),
                           {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def _stored(url: str, marker: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count(Question.id))
                                   .where(Question.text.contains(marker))).scalar()
        distinct = connection.execute(select(func.count(func.distinct(Question.text)))
                                      .where(Question.text.contains(marker))).scalar()
    engine.dispose()
    return count, distinct


@pytest.fixture
def served(sample_database_url, tmp_path):
    from kcstat_dash.settings import normalise_database_url

    url = normalise_database_url(sample_database_url)
    with Gunicorn("kcstat_dash.wsgi:server", env={"DATABASE_URL": url}, workers=WORKERS,
                  log=tmp_path / "gunicorn.log") as server:
        yield server, url, _live_meeting(url)


def test_a_burst_from_many_clients_is_stored_whole(served):
    server, url, meeting_id = served
    marker = "burst-4f1c"
    statuses: list[int] = []
    start = threading.Barrier(60)

    def ask(index: int):
        start.wait()
        status, body = _post(server.url, {"meeting_id": meeting_id,
                                          "text": f"Question {index} {marker}"},
                             f"127.0.9.{index + 1}")
        statuses.append(status)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 60
    assert _stored(url, marker) == (60, 60)


def test_one_clients_limit_holds_across_workers(served):
    server, url, meeting_id = served
    marker = "limit-9b2e"
    statuses: list[int] = []
    # Twelve at once from one address, each on its own connection, so they spread over the
    # workers; the default limit is 5 a minute per client.
    start = threading.Barrier(12)

    def ask(index: int):
        start.wait()
        status, _ = _post(server.url, {"meeting_id": meeting_id,
                                       "text": f"Question {index} {marker}"}, "127.0.8.1")
        statuses.append(status)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] * 5 + [429] * 7
    assert _stored(url, marker) == (5, 5)

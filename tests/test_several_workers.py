"""The app under gunicorn with several worker processes, on SQLite and PostgreSQL.

A burst of questions from many clients at once is stored whole (none lost, none twice, no
"database is locked"), one client's rate limit holds across workers (the counters are in the
database, not in each process's memory), and every worker's poll sends the feed of the version
it reports.
"""

from __future__ import annotations

import gzip
import json
import threading
import urllib.request

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from bench.server import Gunicorn
from kcstat_dash.models import Meeting, Question
from kcstat_dash.services import feed_version

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
    with Gunicorn("kcstat_dash.web.wsgi:server", env={"DATABASE_URL": url}, workers=WORKERS,
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


def test_every_worker_serves_the_feed_of_the_version_it_reports(served):
    """Each worker keeps its own copy of a version's feed; none may report a version and send
    an older feed, and a change is seen by polls on every worker."""
    server, url, meeting_id = served
    path = f"{server.url}/api/meetings/{meeting_id}/version"

    def polls(count: int) -> list[dict]:
        answers = []
        for _ in range(count):  # new connections: gunicorn spreads them over its workers
            request = urllib.request.Request(f"{path}?known=-1",
                                             headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request, timeout=30) as response:
                answers.append(json.loads(gzip.decompress(response.read())))
        return answers

    before = polls(WORKERS * 4)  # every worker builds and keeps the feed of this version
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(Question.__table__.insert().values(
            meeting_id=meeting_id, text="Seen by every worker? 7d2e", status="approved",
            channel="web", upvotes=0))
    with Session(engine) as session, session.begin():
        feed_version.bump(session, meeting_id)
    engine.dispose()
    after = polls(WORKERS * 4)
    assert len({a["version"] for a in before}) == 1
    assert {a["version"] for a in after} == {before[0]["version"] + 1}
    assert all("Seen by every worker? 7d2e" in json.dumps(a["feed"]) for a in after)
    assert not any("Seen by every worker? 7d2e" in json.dumps(b["feed"]) for b in before)


def _measure_page(base: str, slug: str) -> str:
    """Dash Pages' router call for a measure page, as a browser makes it (on a new connection,
    so that successive calls reach different workers)."""
    body = json.dumps({
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": f"/measures/{slug}"},
                   {"id": "_pages_location", "property": "search", "value": ""}],
        "changedPropIds": ["_pages_location.pathname"], "state": []}).encode()
    request = urllib.request.Request(base + "/_dash-update-component", data=body, headers={
        "Content-Type": "application/json", "Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=60) as response:
        raw = response.read()
        return (gzip.decompress(raw) if response.headers.get("Content-Encoding") == "gzip"
                else raw).decode()


def test_no_worker_serves_a_page_older_than_the_data(served):
    """Every worker keeps built pages (and shares them through a directory); after a write to
    the numbers none of them sends the page built before it."""
    from sqlalchemy import update

    from kcstat_dash.models import Measure

    server, url, _meeting = served
    slug = "pothole-on-time-rate"
    before = [_measure_page(server.url, slug) for _ in range(WORKERS * 4)]
    assert all("Renamed while served" not in page for page in before)
    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        session.execute(update(Measure).where(Measure.slug == slug)
                        .values(name="Renamed while served"))
    engine.dispose()
    after = [_measure_page(server.url, slug) for _ in range(WORKERS * 4)]
    assert all("Renamed while served" in page for page in after)

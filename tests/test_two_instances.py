"""Two app instances (separate gunicorn processes on two ports) sharing one PostgreSQL and one
Redis, as a city scales out behind a load balancer: a burst spread over both is stored whole,
one client's rate limit is one limit across both (its counters live in Redis), and a question
approved once is in the feed both instances send.

Correctness only; how fast an approval reaches attendees on both is measured by the bench
(``python -m bench --only h``), not asserted here.
"""

from __future__ import annotations

import gzip
import json
import os
import secrets
import threading
import urllib.request

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bench.server import Gunicorn
from kcstat_dash.models import Question
from kcstat_dash.services import feed_version
from tests.test_several_workers import _live_meeting, _post, _stored

REDIS_URL = os.environ.get("KCSTAT_TEST_REDIS_URL")


@pytest.fixture
def two_instances(backend, request, tmp_path):
    from kcstat_dash.settings import normalise_database_url

    if backend != "postgres":
        pytest.skip("scaling out is PostgreSQL's job: SQLite is one machine's file")
    if not REDIS_URL:
        pytest.skip("Redis not configured (set KCSTAT_TEST_REDIS_URL)")
    import redis

    sample_database_url = request.getfixturevalue("sample_database_url")

    redis.Redis.from_url(REDIS_URL).flushdb()  # counters of earlier runs would count here
    url = normalise_database_url(sample_database_url)
    # Instances behind one balancer share their configuration, the secret key included: it
    # signs sessions and keys the rate-limit counters, so one client is one client on both.
    env = {"DATABASE_URL": url, "REDIS_URL": REDIS_URL, "SECRET_KEY": secrets.token_hex(32)}
    with Gunicorn("kcstat_dash.web.wsgi:server", env=env, workers=2,
                  log=tmp_path / "first.log") as first, \
            Gunicorn("kcstat_dash.web.wsgi:server", env=env, workers=2,
                     log=tmp_path / "second.log") as second:
        yield (first, second), url, _live_meeting(url)


def _run_at_once(count: int, action) -> list:
    results: list = [None] * count
    start = threading.Barrier(count)

    def one(index: int):
        start.wait()
        results[index] = action(index)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_burst_over_both_instances_is_stored_whole(two_instances):
    (first, second), url, meeting_id = two_instances
    marker = "scaled-burst-51ad"
    statuses = _run_at_once(60, lambda i: _post(
        (first, second)[i % 2].url, {"meeting_id": meeting_id, "text": f"Q {i} {marker}"},
        f"127.0.12.{i + 1}")[0])
    assert statuses == [201] * 60
    assert _stored(url, marker) == (60, 60)


def test_one_clients_limit_is_one_limit_across_instances(two_instances):
    (first, second), url, meeting_id = two_instances
    marker = "scaled-limit-0c3e"
    # Twelve at once from one address, alternating instances; the limit is 5 a minute. Were
    # each instance counting for itself, 10 would get through.
    statuses = _run_at_once(12, lambda i: _post(
        (first, second)[i % 2].url, {"meeting_id": meeting_id, "text": f"Q {i} {marker}"},
        "127.0.13.1")[0])
    assert sorted(statuses) == [201] * 5 + [429] * 7
    assert _stored(url, marker) == (5, 5)


def test_an_approval_is_in_the_feed_of_both_instances(two_instances):
    (first, second), url, meeting_id = two_instances

    def poll(server) -> dict:
        request = urllib.request.Request(
            f"{server.url}/api/meetings/{meeting_id}/version?known=-1",
            headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(gzip.decompress(response.read()))

    before = [poll(server) for server in (first, second) for _ in range(4)]
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(Question.__table__.insert().values(
            meeting_id=meeting_id, text="Seen on both instances? 2b7f", status="approved",
            channel="web", upvotes=0))
    with Session(engine) as session, session.begin():
        feed_version.bump(session, meeting_id)
    engine.dispose()
    after = [poll(server) for server in (first, second) for _ in range(4)]
    assert len({b["version"] for b in before}) == 1
    assert {a["version"] for a in after} == {before[0]["version"] + 1}
    assert all("Seen on both instances? 2b7f" in json.dumps(a["feed"]) for a in after)

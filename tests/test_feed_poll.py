"""The live-feed poll reads outside any transaction: it sees each bump at once, holds no locks."""

from __future__ import annotations

import gzip
import json
import threading

import pytest

from kcstat_dash.db import db
from kcstat_dash.models import Question
from kcstat_dash.services import feed_version


def _live(client) -> dict:
    return [m for m in client.get("/api/meetings").get_json() if m["status"] == "live"][0]


def test_each_poll_sees_the_latest_committed_bump(client, app):
    meeting = _live(client)
    path = f"/api/meetings/{meeting['id']}/version"
    seen = [client.get(path).get_json()["version"]]
    for _ in range(3):
        with db.transaction() as session:
            feed_version.bump(session, meeting["id"])
        seen.append(client.get(path).get_json()["version"])
    assert seen == [meeting["feed_version"] + n for n in range(4)]


def test_a_poll_leaves_no_transaction_open(client, app):
    meeting = _live(client)
    client.get(f"/api/meetings/{meeting['id']}/version")
    pool = db.engine.pool
    # Every connection the poll used is back in the pool, and a writer is not kept waiting.
    assert pool.checkedout() == 0
    with db.transaction() as session:
        feed_version.bump(session, meeting["id"])
    assert client.get(f"/api/meetings/{meeting['id']}/version").get_json()["version"] == \
        meeting["feed_version"] + 1


def _version_path(meeting: dict, query: str = "") -> str:
    return f"/api/meetings/{meeting['id']}/version" + (f"?{query}" if query else "")


def test_the_poll_brings_the_feed_only_when_the_version_changed(client, app):
    meeting = _live(client)
    known = meeting["feed_version"]
    same = client.get(_version_path(meeting, f"known={known}"))
    assert same.get_json() == {"meeting_id": meeting["id"], "version": known, "status": "live",
                               "open": True}
    with db.transaction() as session:
        session.add(Question(meeting_id=meeting["id"], text="Is the backlog shrinking?",
                             status="approved"))
        feed_version.bump(session, meeting["id"])
    changed = client.get(_version_path(meeting, f"known={known}")).get_json()
    assert changed["version"] == known + 1
    assert "Is the backlog shrinking?" in json.dumps(changed["feed"]["children"])
    # A page that already shows the new version is sent nothing more.
    assert "feed" not in client.get(_version_path(meeting, f"known={known + 1}")).get_json()
    # known=-1 asks for the feed whatever the version (a new order, a vote to mark).
    forced = client.get(_version_path(meeting, "known=-1&order=top")).get_json()
    assert forced["feed"]["order"] == "top"


def test_the_feed_is_gzipped_for_browsers_that_accept_it(client, app):
    meeting = _live(client)
    zipped = client.get(_version_path(meeting, "known=-1"),
                        headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    plain = client.get(_version_path(meeting, "known=-1"))
    assert "Content-Encoding" not in plain.headers
    assert json.loads(gzip.decompress(zipped.data)) == plain.get_json()


@pytest.mark.parametrize("query, message", [
    ("known=abc", "known must be a whole number"),
    ("known=1e3", "known must be a whole number"),
    ("order=oldest", "order must be one of newest, top"),
    ("known=<script>", "known must be a whole number"),
    ("a=1&b=2&c=3&d=4&e=5", "the poll takes only known and order"),
])
def test_a_malformed_poll_is_refused_with_a_message(client, app, query, message):
    response = client.get(_version_path(_live(client), query))
    assert response.status_code == 400
    assert response.get_json() == {"error": {"status": 400, "code": "malformed",
                                             "message": message, "field": None}}


def test_only_get_is_answered_and_an_unknown_meeting_is_a_404(client, app):
    meeting = _live(client)
    assert client.post(_version_path(meeting)).status_code == 405
    missing = client.get("/api/meetings/987654/version?known=0")
    assert missing.status_code == 404
    assert missing.get_json()["error"] == {"status": 404, "code": "meeting_not_found",
                                           "message": "There is no meeting 987654.",
                                           "field": None}


def test_a_dropped_connection_is_replaced_and_the_poll_still_answers(client, app):
    from kcstat_dash.web.live_feed.plain_reader import reader as plain_reader
    from kcstat_dash.web.live_feed.poll import VERSION_QUERY

    meeting = _live(client)
    path = _version_path(meeting)
    assert client.get(path).status_code == 200
    reader = plain_reader(db, VERSION_QUERY)
    if db.engine.dialect.name == "postgresql":
        # The server ends the session under the reader, as a restart or a proxy timeout would.
        with db.engine.connect() as admin:
            admin.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    else:
        reader._idle[-1].dbapi_connection.close()
    with db.transaction() as session:
        feed_version.bump(session, meeting["id"])
    assert client.get(path).get_json()["version"] == meeting["feed_version"] + 1


def test_the_reader_keeps_no_more_connections_than_reads_ran_at_once(app, client):
    """The development server runs each request on a thread of its own: one connection per
    thread would leak one connection per poll."""
    from kcstat_dash.web.live_feed.plain_reader import reader as plain_reader
    from kcstat_dash.web.live_feed.poll import VERSION_QUERY

    meeting = _live(client)
    reader = plain_reader(db, VERSION_QUERY)
    answers = []
    for _ in range(50):
        thread = threading.Thread(target=lambda: answers.append(
            reader.scalar(meeting_id=meeting["id"])))
        thread.start()
        thread.join()
    assert answers == [meeting["feed_version"]] * 50
    assert len(reader._idle) == 1
    db.engine.dispose()  # as when the app's database is configured anew
    assert reader._idle == []
    assert reader.scalar(meeting_id=meeting["id"]) == meeting["feed_version"]


def test_every_statement_read_plainly_shares_one_set_of_connections(app, client):
    """PostgreSQL's connection limit is shared by every worker of every instance: a worker
    reading two statements (the feed's version, the data's version) one after another keeps
    one connection between them, not one per statement."""
    from kcstat_dash.services import data_version
    from kcstat_dash.web.live_feed.plain_reader import reader as plain_reader
    from kcstat_dash.web.live_feed.poll import VERSION_QUERY

    meeting = _live(client)
    feed, data = plain_reader(db, VERSION_QUERY), plain_reader(db, data_version.QUERY)
    for _ in range(5):
        for read in (lambda: feed.scalar(meeting_id=meeting["id"]), data.scalar):
            thread = threading.Thread(target=read)
            thread.start()
            thread.join()
    assert feed._idle is data._idle and len(feed._idle) == 1

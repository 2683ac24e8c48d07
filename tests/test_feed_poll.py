"""The live-feed poll reads outside any transaction: it sees each bump at once, holds no locks."""

from __future__ import annotations

from kcstat_dash.extensions import db
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

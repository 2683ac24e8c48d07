"""A "me too" sends every open page the counts, not the feed; anything else sends the feed.

The counts are checked against the question rows read directly (the feed's order from its
definition: newest first, or most votes first), and against what the full feed's buttons show.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from kcstat_dash.db import db
from kcstat_dash.models import Question
from kcstat_dash.services import feed_version, moderation, questions
from kcstat_dash.services.question_status import PUBLIC


def _live(client) -> dict:
    return [m for m in client.get("/api/meetings").get_json() if m["status"] == "live"][0]


def _poll(client, meeting_id: int, known: int, order: str = "newest") -> dict:
    return client.get(f"/api/meetings/{meeting_id}/version?known={known}&order={order}").get_json()


def _add_questions(meeting_id: int, count: int) -> list[int]:
    start = datetime(2026, 11, 1, 18, 0, tzinfo=UTC)
    with db.transaction() as session:
        added = [Question(meeting_id=meeting_id, text=f"Question number {n}?", status="approved",
                          upvotes=0, created_at=start + timedelta(minutes=n))
                 for n in range(count)]
        session.add_all(added)
        session.flush()
        feed_version.bump(session, meeting_id)
        return [q.id for q in added]


def _vote(question_id: int, voter: str) -> None:
    with db.transaction() as session:
        questions.upvote(session, question_id, voter)


def _rows_in_order(meeting_id: int, order: str) -> list[tuple[int, int]]:
    """The public questions' (id, votes) straight from the table, sorted by the feed's rule."""
    with db.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT id, upvotes, created_at FROM question WHERE meeting_id = :m AND status IN ("
            + ", ".join(f"'{s}'" for s in PUBLIC) + ")"), {"m": meeting_id}).all()
    newest = sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
    if order == "top":  # most votes first; ties newest first (a stable sort keeps that)
        newest = sorted(newest, key=lambda r: -r.upvotes)
    return [(r.id, r.upvotes) for r in newest[:questions.FEED_LIMIT]]


def _version(client, meeting_id: int) -> int:
    return client.get(f"/api/meetings/{meeting_id}/version").get_json()["version"]


def test_after_votes_a_page_gets_only_the_counts_in_the_feeds_order(client, app):
    meeting_id = _live(client)["id"]
    asked = _add_questions(meeting_id, 4)
    known = _version(client, meeting_id)
    for voter in ("a", "b", "c"):
        _vote(asked[0], voter)  # the oldest, so "top" puts it first
    _vote(asked[2], "a")
    for order in ("newest", "top"):
        answer = _poll(client, meeting_id, known, order)
        assert "feed" not in answer
        assert answer["version"] == known + 4
        assert answer["status"] == "live" and answer["open"] is True
        expected = _rows_in_order(meeting_id, order)
        assert [entry[0] for entry in answer["counts"]] == [qid for qid, _ in expected]
        assert [entry[1] for entry in answer["counts"]] == [f"({n})" for _, n in expected]
    top = _poll(client, meeting_id, known, "top")["counts"]
    assert top[0][0] == asked[0] and top[0][2] == "Me too: 3 people want this answered"
    assert dict((e[0], e[2]) for e in top)[asked[2]] == "Me too: 1 person wants this answered"


def test_the_counts_are_what_the_full_feed_shows(client, app):
    meeting_id = _live(client)["id"]
    asked = _add_questions(meeting_id, 3)
    known = _version(client, meeting_id)
    _vote(asked[1], "a")
    _vote(asked[1], "b")
    answer = _poll(client, meeting_id, known, "top")
    feed = _poll(client, meeting_id, -1, "top")["feed"]
    buttons = {}

    def walk(node):  # every "Me too" button in the feed's components
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            props = node.get("props", {})
            if isinstance(props.get("id"), dict) and props["id"].get("type") == "upvote":
                buttons[props["id"]["id"]] = props
            walk(props.get("children"))

    walk(feed["children"])
    assert [entry[0] for entry in answer["counts"]] == list(buttons)
    for question_id, shown, label in answer["counts"]:
        count_span = buttons[question_id]["children"][1]["props"]
        assert count_span["id"] == {"type": "upvote-count", "id": question_id}
        assert count_span["children"] == shown
        assert buttons[question_id]["aria-label"] == label
    # A pressed button's name, as the full feed draws it, is the label and the suffix.
    pressed = feed["voted"][str(asked[1])]["props"]["aria-label"]
    assert pressed == dict((e[0], e[2]) for e in answer["counts"])[asked[1]] \
        + answer["voted_suffix"]


def test_a_change_other_than_a_vote_sends_the_whole_feed(client, app):
    meeting_id = _live(client)["id"]
    asked = _add_questions(meeting_id, 2)
    known = _version(client, meeting_id)
    _vote(asked[0], "a")
    with db.transaction() as session:  # a moderator answers a question: content, not a count
        moderation.answer(session, asked[1], "Next month.", None)
    _vote(asked[0], "b")  # and votes after it do not hide the change
    answer = _poll(client, meeting_id, known)
    assert "counts" not in answer
    assert "Next month." in json.dumps(answer["feed"]["children"])
    # From the version holding the answer on, votes are counts again.
    holding = answer["version"]
    _vote(asked[0], "c")
    assert "counts" in _poll(client, meeting_id, holding)


def test_a_page_at_the_current_version_gets_neither(client, app):
    meeting_id = _live(client)["id"]
    asked = _add_questions(meeting_id, 1)
    _vote(asked[0], "a")
    current = _version(client, meeting_id)
    answer = _poll(client, meeting_id, current)
    assert "counts" not in answer and "feed" not in answer


def test_the_counts_are_in_the_pages_language(client, app):
    meeting_id = _live(client)["id"]
    asked = _add_questions(meeting_id, 1)
    known = _version(client, meeting_id)
    _vote(asked[0], "a")
    english = _poll(client, meeting_id, known)
    client.set_cookie("kcstat_lang", "es")
    spanish = _poll(client, meeting_id, known)
    assert english["counts"][0][:2] == spanish["counts"][0][:2]
    assert english["counts"][0][2] != spanish["counts"][0][2]
    assert english["voted_suffix"] != spanish["voted_suffix"]

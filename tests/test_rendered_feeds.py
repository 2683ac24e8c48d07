"""The feed a poll carries: built once per version, never older than the version it reports."""

from __future__ import annotations

import gzip
import json

from plotly.io.json import to_json_plotly
from sqlalchemy import select

from callbacks.rendered_feeds import poll_body
from kcstat_dash.db import db
from kcstat_dash.models import Meeting, Question
from kcstat_dash.services import feed_version, questions
from kcstat_dash.web import asking
from layouts.qa_feed import feed_items, upvote_button

VOTER = "0123456789abcdef0123456789abcdef"


def _live_id() -> int:
    with db.transaction() as session:
        return session.scalar(select(Meeting.id).where(Meeting.status == "live"))


def _version(meeting_id: int) -> int:
    with db.transaction() as session:
        return feed_version.current(session, meeting_id)


def _publish(meeting_id: int, text: str) -> int:
    """What approving does to the feed: a public question and a bump, in one transaction."""
    with db.transaction() as session:
        question = Question(meeting_id=meeting_id, text=text, status="approved")
        session.add(question)
        session.flush()
        feed_version.bump(session, meeting_id)
        return question.id


def _json(children) -> list:
    return json.loads(to_json_plotly(children))


def test_one_build_per_version_and_every_bump_is_seen(app):
    meeting_id = _live_id()
    _publish(meeting_id, "First question")
    first = poll_body(meeting_id, "newest", _version(meeting_id))
    assert poll_body(meeting_id, "newest", _version(meeting_id)) is first
    _publish(meeting_id, "Second question")
    second = poll_body(meeting_id, "newest", _version(meeting_id))
    assert b"Second question" in second.plain and b"First question" in second.plain
    assert b"Second question" not in first.plain
    # The two orders are two entries: "top" is not served the "newest" bytes.
    top = json.loads(poll_body(meeting_id, "top", _version(meeting_id)).plain)
    assert top["feed"]["order"] == "top"


def test_the_shared_copy_is_exactly_what_the_layout_draws(app):
    meeting_id = _live_id()
    _publish(meeting_id, "Why did potholes take longer in March?")
    version = _version(meeting_id)
    body = poll_body(meeting_id, "top", version)
    assert gzip.decompress(body.gzipped) == body.plain
    sent = json.loads(body.plain)
    with db.transaction() as session:
        feed = questions.public_feed(session, meeting_id, order="top")
    assert sent["version"] == version and sent["meeting_id"] == meeting_id
    assert sent["feed"]["children"] == _json(feed_items(feed, set()))
    assert sent["feed"]["summary"] == "1 question, most upvoted first."


def test_each_question_comes_with_its_pressed_button_for_browsers_that_voted(app):
    meeting_id = _live_id()
    question_id = _publish(meeting_id, "Can the city publish the repair backlog?")
    with db.transaction() as session:
        with app.server.test_request_context():
            questions.upvote(session, question_id, asking.voter_key(VOTER))
    sent = json.loads(poll_body(meeting_id, "newest", _version(meeting_id)).plain)["feed"]
    with db.transaction() as session:
        feed = questions.public_feed(session, meeting_id)
    summary = next(q for q in feed["questions"] if q["id"] == question_id)
    assert sent["voted"][str(question_id)] == _json(upvote_button(summary, voted=True))
    pressed = sent["voted"][str(question_id)]["props"]
    assert pressed["disabled"] is True and pressed["aria-pressed"] == "true"
    # The shared feed itself shows nobody's vote as pressed, and the count is fresh.
    assert '"disabled":true' not in json.dumps(sent["children"])
    assert "(1)" in json.dumps(sent["children"])

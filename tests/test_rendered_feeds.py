"""The feed each browser receives: built once per version, never older than the database's."""

from __future__ import annotations

import json

from plotly.io.json import to_json_plotly
from sqlalchemy import select

from callbacks.meeting import render_feed
from callbacks.rendered_feeds import rendered_feed
from kcstat_dash import web_asking
from kcstat_dash.extensions import db
from kcstat_dash.models import Meeting, Question
from kcstat_dash.services import feed_version, questions
from layouts.qa_feed import feed_items

VOTER = "0123456789abcdef0123456789abcdef"
READER = "fedcba9876543210fedcba9876543210"


def _live_id() -> int:
    with db.transaction() as session:
        return session.scalar(select(Meeting.id).where(Meeting.status == "live"))


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
    with app.server.test_request_context():
        first = rendered_feed(db.session, meeting_id, "newest")
        assert rendered_feed(db.session, meeting_id, "newest") is first
        _publish(meeting_id, "Second question")
        items, summary = render_feed(None, "newest", meeting_id, READER)
    text = json.dumps(items)
    assert "Second question" in text and "First question" in text
    assert "Second question" not in json.dumps(first.children)


def test_the_shared_copy_is_exactly_what_dash_would_send(app):
    meeting_id = _live_id()
    _publish(meeting_id, "Why did potholes take longer in March?")
    with app.server.test_request_context():
        items, summary = render_feed(None, "top", meeting_id, READER)
        feed = questions.public_feed(db.session, meeting_id, order="top")
    assert _json(items) == _json(feed_items(feed, set()))
    assert summary == "1 question, most upvoted first."


def test_a_voter_sees_its_own_vote_marked_and_others_do_not(app):
    meeting_id = _live_id()
    question_id = _publish(meeting_id, "Can the city publish the repair backlog?")
    with db.transaction() as session:
        with app.server.test_request_context():
            questions.upvote(session, question_id, web_asking.voter_key(VOTER))
    with app.server.test_request_context():
        mine, _ = render_feed(None, "newest", meeting_id, VOTER)
        theirs, _ = render_feed(None, "newest", meeting_id, READER)
    assert '"disabled":true' in to_json_plotly(mine)
    assert '"disabled":true' not in to_json_plotly(theirs)
    assert "(1)" in to_json_plotly(theirs)  # the vote itself bumped the version: count is fresh

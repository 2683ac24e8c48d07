"""The meeting pages' layouts and callbacks called as functions: archive, feed cap, profanity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from callbacks import pages
from kcstat_dash.db import db
from kcstat_dash.models import Meeting, Question
from kcstat_dash.services.profanity import contains_profanity


def texts(component) -> list[str]:
    """Every string in a Dash component tree, in order."""
    if component is None:
        return []
    if isinstance(component, str):
        return [component]
    if isinstance(component, list | tuple):
        return [t for child in component for t in texts(child)]
    if isinstance(component, dict):  # a component as the JSON data Dash sends
        return texts(component.get("props", {}).get("children"))
    return texts(getattr(component, "children", None))


def find_ids(component, found=None) -> set:
    found = set() if found is None else found
    if isinstance(component, list | tuple):
        for child in component:
            find_ids(child, found)
    elif component is not None and not isinstance(component, str):
        if getattr(component, "id", None) is not None:
            found.add(str(component.id))
        find_ids(getattr(component, "children", None), found)
    return found


def add_questions(meeting_id: int, count: int, status: str = "approved") -> None:
    session = db.new_session()
    start = datetime.now(UTC) - timedelta(hours=1)
    session.add_all([Question(meeting_id=meeting_id, text=f"Archived question {i}",
                              status=status, created_at=start + timedelta(seconds=i))
                     for i in range(count)])
    session.commit()
    session.close()


def live_id() -> int:
    session = db.new_session()
    try:
        return session.scalar(select(Meeting.id).where(Meeting.status == "live"))
    finally:
        session.close()


def polled_feed(client, meeting_id: int, order: str = "newest") -> tuple[list, str]:
    """The feed as the page's poll receives it when it asks for it (known=-1)."""
    feed = client.get(f"/api/meetings/{meeting_id}/version?known=-1&order={order}").get_json()
    return feed["feed"]["children"], feed["feed"]["summary"]


def test_the_rendered_feed_is_capped_so_a_long_meeting_does_not_grow_the_page(app, client):
    meeting_id = live_id()
    add_questions(meeting_id, 60)
    items, summary = polled_feed(client, meeting_id)
    assert len(items) == 50
    assert summary == "60 questions; showing the 50 newest first."
    assert texts(items[0]).count("Archived question 59") == 1


def test_an_ended_meeting_keeps_its_questions_as_an_archive_without_the_form(app, client):
    meeting_id = live_id()
    session = db.new_session()
    meeting = session.get(Meeting, meeting_id)
    meeting.status, meeting.recording_url = "ended", "https://example.org/recording"
    session.commit()
    session.close()
    add_questions(meeting_id, 2, status="answered")
    with app.server.test_request_context():
        page = pages.meeting(meeting_id=str(meeting_id))
    items, _ = polled_feed(client, meeting_id)
    words = " ".join(texts(page))
    assert "This meeting has ended" in words
    assert "Watch the recording" in words
    assert "ask-text" not in find_ids(page)
    assert [t for t in texts(items) if t.startswith("Archived")] == ["Archived question 1",
                                                                      "Archived question 0"]


def test_an_unknown_meeting_gets_a_not_found_page(app):
    with app.server.test_request_context():
        words = " ".join(texts(pages.meeting(meeting_id="12345")))
        assert "Meeting not found" in words
        assert "Meeting not found" in " ".join(texts(pages.meeting(meeting_id="x")))


@pytest.mark.parametrize("text", ["FUCK this", "sh1t", "you a$$hole", "Bullshit numbers",
                                  "what a biiitch"])
def test_profanity_is_recognised_through_disguises(text):
    assert contains_profanity(text)


@pytest.mark.parametrize("text", ["Scunthorpe", "sex offender registry", "What the hell happened",
                                  "Dick Howser Stadium lights", "class assessment",
                                  "Cockrell Park"])
def test_civic_words_are_not_mistaken_for_profanity(text):
    assert not contains_profanity(text)

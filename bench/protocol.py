"""How the bench talks to the app's meeting features, in one place: the paths, the poll, asking.

The scenarios follow the app's real protocol (layouts/meeting.py, assets/meeting_live.js,
kcstat_dash/web/live_feed/poll.py): every second each attendee's page GETs
``/api/meetings/<id>/version?known=<the version it shows>&order=newest``; when the version has
changed, that same answer carries the rebuilt feed. When the app changes how a page polls or
where a question is posted, this module is the one to update.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from sqlalchemy import select

ASK_FORM_SELECTOR = "#ask-text, textarea"


@dataclass
class FeedCheck:
    """The request every attendee's page sends on each tick of its poll timer."""

    method: str
    path: str
    body: bytes | None
    description: str = ""


def ask_page_path(meeting_id: int) -> str:
    """The page residents ask from: the chart-free phone page where this commit has one."""
    try:
        from layouts.meetings import ask_path
    except ImportError:
        return f"/meetings/{meeting_id}"
    return ask_path(meeting_id)


def poll_interval_ms() -> int:
    """The page's own poll interval (``layouts.meeting.POLL_MILLISECONDS``)."""
    try:
        from layouts.meeting import POLL_MILLISECONDS
    except ImportError:
        return 1000
    return int(POLL_MILLISECONDS)


def version_path(meeting_id: int, known: int | None = None) -> str:
    """The poll; with ``known`` (the version the page shows) a changed feed comes with it."""
    path = f"/api/meetings/{meeting_id}/version"
    return path if known is None else f"{path}?known={known}&order=newest"


def current_version(base_url: str, meeting_id: int) -> int | None:
    try:
        with urllib.request.urlopen(base_url + version_path(meeting_id), timeout=10) as response:
            return json.load(response).get("version")
    except (urllib.error.URLError, ValueError):
        return None


def feed_check(base_url: str, meeting_id: int) -> FeedCheck | None:
    """The live-feed check of a page that is up to date, or None where this app has none."""
    version = current_version(base_url, meeting_id)
    if version is None:
        return None
    return FeedCheck("GET", version_path(meeting_id, version), None,
                     "the poll of a page showing the current version (nothing new)")


def live_meeting_id(db) -> int | None:
    """The sample's live meeting (the demo loads one), if it has one open for questions."""
    from kcstat_dash.models import Meeting

    with db.transaction() as session:
        return session.scalar(select(Meeting.id).where(Meeting.status == "live",
                                                       Meeting.accepting_questions.is_(True))
                              .order_by(Meeting.id).limit(1))


def add_pending_questions(db, meeting_id: int, texts: list[str]) -> list[int]:
    """Questions waiting for a moderator, asked through the app's own service where it has one."""
    from kcstat_dash.models import Question

    ids = []
    with db.transaction() as session:
        try:
            from kcstat_dash.services.questions import submit_question
        except ImportError:
            submit_question = None
        for index, text in enumerate(texts):
            if submit_question is not None:
                question = submit_question(session, meeting_id=meeting_id, text=text,
                                           client_key=f"bench-asker-{index}")
            else:
                question = Question(meeting_id=meeting_id, text=text, status="pending")
                session.add(question)
            session.flush()
            ids.append(question.id)
    return ids


def approve(db, question_id: int) -> None:
    """What a moderator's "approve" does: the moderation service where main has it."""
    try:
        from kcstat_dash.services import moderation
    except ImportError:
        moderation = None
    with db.transaction() as session:
        if moderation is not None:
            moderation.approve(session, question_id, None)
        else:
            from kcstat_dash.models import Question
            from kcstat_dash.services import feed_version

            question = session.get(Question, question_id)
            question.status = "approved"
            feed_version.bump(session, question.meeting_id)

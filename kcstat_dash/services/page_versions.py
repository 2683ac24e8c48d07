"""What each cacheable page is built from, read cheaply: the key under which a built page may be
served again.

A page's key is read before the page is built, and names everything the build reads, so a page
kept under a key is never older than what the key says (it may be newer, which is harmless).
The published numbers are one integer (``data_version``, bumped by triggers with every write);
a meeting page adds its meeting's row (state, title, the content version of its feed: questions,
answers, flags, the room) and the local date (the data's freshness warning); the overview and
area pages add the meetings they lead with (live now, or starting within the hour).
Vote counts are not in any key: a page's feed shows them as of its version, and the page's
first poll brings the counts since (services/feed_version.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from kcstat_dash.models import Meeting
from kcstat_dash.services import data_version, meetings
from kcstat_dash.services.public_input import record_id
from kcstat_dash.timezone import to_local

# Every column of the meeting but the vote-driven feed_version: a staff edit of any of them
# changes the page. content_version covers the feed, the flags on its charts and the room.
_MEETING_STATE = select(*(column for column in Meeting.__table__.columns
                          if column.name != "feed_version")).where(
    Meeting.id == bindparam("meeting_id"))


def measure_key(session: Session, slug: str, version: int | None = None) -> tuple:
    """A measure page: the published numbers only."""
    return ("measure", slug, data_version.current(session) if version is None else version)


def meeting_key(session: Session, meeting_id: str, now: datetime | None = None) -> tuple:
    """A meeting page (charts, feed, room, freshness): numbers, meeting row, local date."""
    number = record_id(meeting_id)
    row = None if number is None else session.execute(
        _MEETING_STATE, {"meeting_id": number}).first()
    today = to_local(now or datetime.now(UTC)).date().isoformat()
    return ("meeting", meeting_id, data_version.current(session),
            None if row is None else tuple(str(value) for value in row), today)


def _leading_meetings(session: Session, area_slug: str | None, now: datetime | None) -> str:
    return json.dumps(meetings.happening_now(session, now=now, area_slug=area_slug),
                      sort_keys=True, default=str)


def overview_key(session: Session, now: datetime | None = None) -> tuple:
    """The overview: numbers, and the meetings it leads with."""
    return ("overview", data_version.current(session), _leading_meetings(session, None, now))


def area_key(session: Session, slug: str, now: datetime | None = None) -> tuple:
    """An area page: numbers, and its meetings live now or soon."""
    return ("area", slug, data_version.current(session), _leading_meetings(session, slug, now))

"""The live feed's version number: bumped with every public change, read by every poll."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kcstat_dash.models import Meeting
from kcstat_dash.services.public_input import record_id


def bump(session: Session, meeting_id: int) -> None:
    """Mark the meeting's public feed as changed, in the caller's transaction.

    Every change that attendees should see (a question approved, answered, hidden, merged, a
    vote, the "now discussing" measure) calls this, so a poll can answer "nothing new" from one
    integer without rebuilding the feed. The increment happens in SQL so that concurrent writers
    never lose a bump.
    """
    session.execute(update(Meeting).where(Meeting.id == meeting_id)
                    .values(feed_version=Meeting.feed_version + 1))


def current(session: Session, meeting_id: int) -> int | None:
    if record_id(meeting_id) is None:
        return None
    return session.scalar(select(Meeting.feed_version).where(Meeting.id == meeting_id))

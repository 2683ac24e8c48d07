"""The live feed's version number: bumped with every public change, read by every poll.

Two numbers per meeting: ``feed_version`` changes with everything attendees see, a "me too"
included; ``content_version`` is the feed version of the last change that was not only a vote
count. A page showing a version at or after ``content_version`` holds the right questions,
statuses and answers, and needs only the new counts (kcstat_dash/web/live_feed/poll.py).
"""

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
    # SET reads the row as it was, so content_version becomes the new feed_version.
    session.execute(update(Meeting).where(Meeting.id == meeting_id)
                    .values(feed_version=Meeting.feed_version + 1,
                            content_version=Meeting.feed_version + 1))


def bump_counts(session: Session, meeting_id: int) -> None:
    """Mark that only vote counts changed (a "me too"), in the caller's transaction.

    Pages see the new version and ask for it, but as the content version stays, the poll
    answers them with the counts alone rather than the whole feed.
    """
    session.execute(update(Meeting).where(Meeting.id == meeting_id)
                    .values(feed_version=Meeting.feed_version + 1))


def current(session: Session, meeting_id: int) -> int | None:
    if record_id(meeting_id) is None:
        return None
    return session.scalar(select(Meeting.feed_version).where(Meeting.id == meeting_id))

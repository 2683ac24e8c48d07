"""The feed a poll carries, built once per feed version and worker rather than once per browser.

When a question is approved every attendee's page notices within a second, and each needs the
rebuilt feed. Building it (two queries, a few hundred components, their JSON) costs tens of
milliseconds; a thousand attendees meant seconds of CPU per approval. The feed is the same for
all of them, so each worker builds it once per version, serialised and gzipped, and the poll
(kcstat_dash/web/live_feed/poll.py) sends those bytes.

Each browser marks its own "me too" votes: the answer carries, beside the feed, the pressed
version of each question's button (``voted``), and assets/meeting_live.js swaps those in for
the questions that browser voted on. So the button is still drawn by layouts/qa_feed.py only.

When only vote counts changed since the version a page holds (a "me too"), the poll sends the
counts alone (``counts_body``): each question's id, its count as the button shows it and the
button's name for screen readers (``voted_suffix`` added where pressed), in the feed's order,
so a page sorting by votes can tell when its order no longer holds.

Each is made in the language the poll answers in (``kcstat_dash.i18n``, set by the poll from the
requester's choice or browser), which is part of its key: a Spanish page never gets the English
feed (or counts) of the same version.

Entries are keyed by the feed version the poll read from the database before the feed was
built, so an entry is never older than its key: no worker can hand out a feed older than the
version it reports, and there is nothing to keep in step between workers (or put in Redis).
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict

from plotly.io.json import to_json_plotly

from kcstat_dash import i18n
from kcstat_dash.services import meeting_page, questions
from kcstat_dash.services.meetings import get_meeting
from kcstat_dash.web.extensions import db
from kcstat_dash.web.live_feed.poll import FeedBody
from layouts.qa_feed import (
    feed_items,
    feed_summary,
    room_panel,
    upvote_button,
    upvote_count_text,
    upvote_label,
    voted_suffix,
)

# A few meetings times two orders, and the last versions of each: old ones are never asked for.
MAX_ENTRIES = 64

_lock = threading.Lock()
_entries: OrderedDict[tuple, FeedBody] = OrderedDict()


def feed_payload(session, meeting_id: int, order: str, version: int) -> dict:
    """The poll's answer with the feed as Dash component data; raises MeetingNotFound."""
    feed = questions.public_feed(session, meeting_id, order=order)
    room = meeting_page.room(session, get_meeting(session, meeting_id))
    return {"meeting_id": meeting_id, "version": version,
            "status": room["status"], "open": room["open"], "feed": {
                "order": order,
                "children": feed_items(feed, set()),
                "summary": feed_summary(feed, order),
                "voted": {str(q["id"]): upvote_button(q, voted=True)
                          for q in feed["questions"]},
                # The pinned question and the measure "now discussing", above the feed.
                "room": room_panel(room),
            }}


def counts_payload(session, meeting_id: int, order: str, version: int, state: dict) -> dict:
    """The poll's answer when only counts changed: ``state`` (status, open) and the counts."""
    return {"meeting_id": meeting_id, "version": version, **state, "counts": [
        [question_id, upvote_count_text(count), upvote_label(count)]
        for question_id, count in questions.public_counts(session, meeting_id, order)],
        "voted_suffix": voted_suffix()}


def _cached(key: tuple, build) -> FeedBody:
    """The body under ``key`` in the language being made, built by ``build(session)`` the
    first time."""
    key = (str(db.engine.url), *key, i18n.language())
    with _lock:
        found = _entries.get(key)
        if found is not None:
            _entries.move_to_end(key)
            return found
    session = db.new_session()
    try:
        plain = to_json_plotly(build(session)).encode()
    finally:
        session.close()
    body = FeedBody(plain, gzip.compress(plain, compresslevel=6))
    with _lock:
        _entries[key] = body
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return body


def poll_body(meeting_id: int, order: str, version: int) -> FeedBody:
    """The serialised answer for ``version`` (or newer): made once, then read from memory."""
    return _cached(("feed", meeting_id, order, version),
                   lambda session: feed_payload(session, meeting_id, order, version))


def counts_body(meeting_id: int, order: str, version: int, status: str,
                is_open: bool) -> FeedBody:
    """The counts-only answer for ``version`` (or newer), made once per worker and version."""
    state = {"status": status, "open": is_open}
    return _cached(("counts", meeting_id, order, version, status, is_open),
                   lambda session: counts_payload(session, meeting_id, order, version, state))

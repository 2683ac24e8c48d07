"""The feed a poll carries, built once per feed version and worker rather than once per browser.

When a question is approved every attendee's page notices within a second, and each needs the
rebuilt feed. Building it (two queries, a few hundred components, their JSON) costs tens of
milliseconds; a thousand attendees meant seconds of CPU per approval. The feed is the same for
all of them, so each worker builds it once per version, serialised and gzipped, and the poll
(kcstat_dash/web/live_feed/poll.py) sends those bytes.

Each browser marks its own "me too" votes: the answer carries, beside the feed, the pressed
version of each question's button (``voted``), and assets/meeting_live.js swaps those in for
the questions that browser voted on. So the button is still drawn by layouts/qa_feed.py only.

Each is made in the language the poll answers in (``kcstat_dash.i18n``, set by the poll from the
requester's choice or browser), which is part of its key: a Spanish page never gets the English
feed of the same version.

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
from layouts.qa_feed import feed_items, feed_summary, room_panel, upvote_button

# A few meetings times two orders, and the last versions of each: old ones are never asked for.
MAX_ENTRIES = 64

_lock = threading.Lock()
_entries: OrderedDict[tuple[str, int, str, int, str], FeedBody] = OrderedDict()


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


def poll_body(meeting_id: int, order: str, version: int) -> FeedBody:
    """The serialised answer for ``version`` (or newer) in the language being made: made once,
    then read from memory."""
    key = (str(db.engine.url), meeting_id, order, version, i18n.language())
    with _lock:
        found = _entries.get(key)
        if found is not None:
            _entries.move_to_end(key)
            return found
    session = db.new_session()
    try:
        plain = to_json_plotly(feed_payload(session, meeting_id, order, version)).encode()
    finally:
        session.close()
    body = FeedBody(plain, gzip.compress(plain, compresslevel=6))
    with _lock:
        _entries[key] = body
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return body

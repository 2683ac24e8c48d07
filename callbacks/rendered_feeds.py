"""The public feed as sent to browsers, built once per feed version rather than once per browser.

When a question is approved, every attendee's page asks for the rebuilt feed within the same
second. Building it afresh for each (two queries, a few hundred components, their JSON) costs
tens of milliseconds of a worker per browser: a thousand attendees meant seconds of CPU for one
approval. The build for browsers with no votes to mark is the same for all of them, so each
worker makes it once per version and keeps it as plain JSON-ready data.

Entries are keyed by the meeting's feed version as the database reports it when the request
arrives, and a feed is only stored after that read, so no worker can hand out a feed older than
the database's version at the time of asking: there is nothing to keep in step between workers
(or to put in Redis), and a change anywhere bumps the version and so misses every entry.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

from plotly.io.json import to_json_plotly
from sqlalchemy.orm import Session

from kcstat_dash.services import feed_version, questions
from kcstat_dash.services.meetings import MeetingNotFound
from layouts.qa_feed import feed_items, feed_summary

# A few meetings times two orders, and the last versions of each: old ones are never asked for.
MAX_ENTRIES = 64


@dataclass(frozen=True)
class RenderedFeed:
    feed: dict
    question_ids: list[int]
    children: list  # feed_items(feed, no votes) as plain JSON data, ready to send
    summary: str


_lock = threading.Lock()
_entries: OrderedDict[tuple[str, int, str, int], RenderedFeed] = OrderedDict()


def rendered_feed(session: Session, meeting_id: int, order: str) -> RenderedFeed:
    """The meeting's public feed at (at least) its current version; raises MeetingNotFound."""
    version = feed_version.current(session, meeting_id)
    if version is None:
        raise MeetingNotFound(meeting_id)
    # The database too: a process may serve (or test) more than one.
    key = (str(session.get_bind().url), meeting_id, order, version)
    with _lock:
        found = _entries.get(key)
        if found is not None:
            _entries.move_to_end(key)
            return found
    feed = questions.public_feed(session, meeting_id, order=order)
    rendered = RenderedFeed(feed, [q["id"] for q in feed["questions"]],
                            json.loads(to_json_plotly(feed_items(feed, set()))),
                            feed_summary(feed, order))
    with _lock:
        _entries[key] = rendered
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return rendered

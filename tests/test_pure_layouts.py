"""Every page that shows stored data is built from plain dicts, with no database and no app.

Issue 14, item 2: ``layouts/<page>.render`` takes what ``services/page_data.py`` returns; only
``callbacks/pages.py`` opens a session. Nothing here creates an app, a request or a database,
so a layout that reaches for one again fails here (and the "pure-layouts" import contract
fails in lint-imports).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kcstat_dash.services.measures import status_counts
from layouts import (
    area,
    ask,
    cite,
    measure,
    meeting,
    meetings,
    moderate,
    moderation_summary,
    overview,
    projector,
    steward,
)

MEETING = {"id": 7, "title": "KCStat: Infrastructure", "area": "Infrastructure",
           "area_slug": "infrastructure", "status": "live",
           "starts_at": "2025-03-04T15:00:00+00:00",
           "livestream_url": "https://example.org/live", "recording_url": None,
           "open_for_questions": True, "auto_publish": False, "feed_version": 3}
FEED = {"questions": [], "total": 0}
FRESH = {"data_through": "2025-02-28", "scope": None, "stale": False}


def texts(component) -> str:
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(texts(c) for c in component)
    return texts(getattr(component, "children", None))


def ids(component) -> set:
    found = set()
    if isinstance(component, list | tuple):
        for child in component:
            found |= ids(child)
    elif component is not None and not isinstance(component, str | int | float):
        if getattr(component, "id", None) is not None:
            found.add(str(component.id))
        found |= ids(getattr(component, "children", None))
    return found


CASES = [
    ("overview, no data", lambda: overview.render({"areas": []}), "No data is loaded yet"),
    ("area", lambda: area.render({"slug": "infrastructure", "name": "Infrastructure",
                                  "description": "Streets and water.", "measures": []}),
     "The 311 data has no requests"),
    ("area missing", lambda: area.render(None), "Area not found"),
    ("measure missing", lambda: measure.render(None, "nope"), "No measure is published as “nope”"),
    ("citation missing", lambda: cite.render(None), "Citation not found"),
    ("meetings", lambda: meetings.render({"live": [], "upcoming": [], "past": []}),
     "No meetings are scheduled yet."),
    ("meetings with one live", lambda: meetings.render(
        {"live": [MEETING], "upcoming": [MEETING], "past": []}), "Live now"),
    ("meeting", lambda: meeting.render({"meeting": MEETING, "measures": [],
                                        "data_freshness": FRESH, "feed": FEED}),
     "This area has no measures with data yet."),
    ("meeting missing", lambda: meeting.render(None), "Meeting not found"),
    ("projector", lambda: projector.render({"meeting": MEETING, "measures": [],
                                            "data_freshness": FRESH, "feed": FEED}),
     "KCStat: Infrastructure"),
    ("projector missing", lambda: projector.render(None), "Meeting not found"),
    ("ask", lambda: ask.render({"meeting": MEETING, "measures": [
        {"slug": "potholes", "name": "Potholes", "now_discussing": True}], "feed": FEED}),
     "See the measures with their charts"),
    ("ask missing", lambda: ask.render(None), "Meeting not found"),
    ("moderation summary", lambda: moderation_summary.render(
        {"meeting_id": 7, "title": "KCStat: Infrastructure", "total": 2,
         "outcomes": {}, "reject_reasons": {}}, "7"), "How questions were moderated"),
    ("moderation summary missing", lambda: moderation_summary.render(None, "x"),
     "Meeting not found"),
    ("moderate", lambda: moderate.render({"options": {
        "meetings": [{**MEETING, "starts_at": datetime(2025, 3, 4, 15, tzinfo=UTC)}],
        "channels": ["web"], "measures": [],
        "all_measures": [{"id": 1, "name": "Potholes"}]}}), "Question queue"),
    ("moderate, not allowed", lambda: moderate.render(None, signed_in=False), "Question queue"),
    ("steward", lambda: steward.render({"choices": [{"slug": "potholes", "name": "Potholes"}],
                                        "status_counts": status_counts([])}),
     "Measure stewardship"),
    ("steward, not allowed", lambda: steward.render(None, signed_in=True), "Measure stewardship"),
]


@pytest.mark.parametrize("name, build, words", CASES, ids=[c[0] for c in CASES])
def test_each_page_is_built_from_plain_data(name, build, words):
    page = build()
    assert words in texts(page), name


def test_the_meeting_page_keeps_its_ids_without_a_database():
    page = meeting.render({"meeting": MEETING, "measures": [], "data_freshness": FRESH,
                           "feed": FEED})
    assert {"ask-text", "ask-name", "measures-heading"} <= ids(page)

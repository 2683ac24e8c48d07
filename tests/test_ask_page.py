"""The phone page for asking: the form, the flag picker and the feed, and never a chart."""

from __future__ import annotations

from dash import dcc
from sqlalchemy import select

from callbacks import pages
from kcstat_dash.db import db
from kcstat_dash.models import Measure, Meeting, Observation
from tests.test_meeting_pages import find_ids, live_id, texts


def components(tree) -> list:
    """Every component in a layout tree."""
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
        elif node is not None and not isinstance(node, str | int | float):
            found.append(node)
            stack.append(getattr(node, "children", None))
    return found


def test_the_ask_page_has_the_form_and_the_feed_but_no_chart(app):
    meeting_id = live_id()
    with app.server.test_request_context():
        page = pages.ask(str(meeting_id))
    ids = find_ids(page)
    assert {"ask-text", "ask-name", "ask-measure", "ask-period", "ask-submit", "feed",
            "feed-version", "feed-poll", "meeting-id"} <= ids
    assert not [c for c in components(page) if isinstance(c, dcc.Graph)]


def test_every_measure_of_the_area_with_values_can_be_flagged_and_no_other(app):
    meeting_id = live_id()
    session = db.new_session()
    try:
        meeting = session.get(Meeting, meeting_id)
        area_measures = session.scalars(select(Measure).where(
            Measure.area_id == meeting.area_id)).all()
        with_values = {m.name for m in area_measures
                       if session.scalar(select(Observation.id)
                                         .where(Observation.measure_id == m.id).limit(1))}
        without_values = {m.name for m in area_measures} - with_values
    finally:
        session.close()
    assert with_values, "the sample's live meeting should have measures with data"
    with app.server.test_request_context():
        page = pages.ask(str(meeting_id))
    picker = next(c for c in components(page) if getattr(c, "id", None) == "ask-measure")
    offered = {option["label"] for option in picker.options[1:]}
    assert offered == with_values
    assert not offered & without_values


def test_an_unknown_meeting_gets_a_not_found_message(app):
    with app.server.test_request_context():
        for bad in ("999999", "not-a-number", None):
            assert "Meeting not found" in texts(pages.ask(bad))


def test_the_schedule_and_the_meeting_page_lead_to_the_ask_page(app):
    meeting_id = live_id()
    with app.server.test_request_context():
        shown = [pages.meetings(), pages.meeting(str(meeting_id))]
    for page in shown:
        hrefs = {getattr(c, "href", None) for c in components(page)}
        assert f"/meetings/{meeting_id}/ask" in hrefs

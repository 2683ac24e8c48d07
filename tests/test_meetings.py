"""Meetings: the demo's year of meetings, the schedule, the JSON list and the iCalendar feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select

from kcstat_dash.db import db
from kcstat_dash.models import Meeting
from kcstat_dash.services import meetings
from kcstat_dash.services.areas import AREAS
from kcstat_dash.services.meeting_calendar import calendar, escape_text
from kcstat_dash.timezone import CITY_TZ


def test_the_demo_has_a_year_of_monthly_meetings_rotating_areas_and_one_live(sample_session):
    all_meetings = sample_session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    live = [m for m in all_meetings if m.status == "live"]
    scheduled = [m for m in all_meetings if m.status == "scheduled"]
    assert len(live) == 1 and live[0].accepting_questions and meetings.is_open(live[0])
    assert live[0].now_discussing is not None
    assert len(scheduled) == 12
    months = [m.starts_at.astimezone(CITY_TZ).strftime("%Y-%m") for m in scheduled]
    assert len(set(months)) == 12
    now = datetime.now(UTC)
    assert all(now < m.starts_at < now + timedelta(days=400) for m in scheduled)
    areas = [m.area.slug for m in scheduled]
    assert sorted(set(areas)) == sorted(a.slug for a in AREAS)
    assert all(areas[i] != areas[i + 1] for i in range(11))


def test_seeding_the_demo_meetings_again_adds_nothing(sample_session):
    before = len(sample_session.scalars(select(Meeting)).all())
    assert meetings.seed_demo_meetings(sample_session) == 0
    assert len(sample_session.scalars(select(Meeting)).all()) == before == 13


def test_the_schedule_splits_live_upcoming_and_past(sample_session):
    live = sample_session.scalar(select(Meeting).where(Meeting.status == "live"))
    past = Meeting(area=live.area, title="Last month", status="ended",
                   starts_at=datetime.now(UTC) - timedelta(days=30))
    sample_session.add(past)
    sample_session.commit()
    lists = meetings.schedule(sample_session)
    assert [m["id"] for m in lists["live"]] == [live.id]
    assert [m["id"] for m in lists["past"]] == [past.id]
    assert len(lists["upcoming"]) == 12


def test_only_http_links_are_published(sample_session):
    live = sample_session.scalar(select(Meeting).where(Meeting.status == "live"))
    live.livestream_url = "javascript:alert(1)"
    live.recording_url = "https://example.org/recording"
    summary = meetings.meeting_summary(live)
    assert summary["livestream_url"] is None
    assert summary["recording_url"] == "https://example.org/recording"


def test_the_api_lists_meetings(client):
    listed = client.get("/api/meetings").get_json()
    assert len(listed) == 13
    live = [m for m in listed if m["status"] == "live"]
    assert len(live) == 1 and live[0]["open_for_questions"] is True
    assert client.get(f"/api/meetings/{live[0]['id']}").get_json()["title"] == live[0]["title"]
    assert client.get("/api/meetings/99999").status_code == 404


def test_the_version_endpoint_answers_the_feed_version(client, app):
    live = [m for m in client.get("/api/meetings").get_json() if m["status"] == "live"][0]
    response = client.get(f"/api/meetings/{live['id']}/version")
    assert response.get_json() == {"meeting_id": live["id"], "version": live["feed_version"],
                                   "status": "live", "open": True}
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/api/meetings/99999/version").status_code == 404


def test_the_poll_carries_the_meetings_state_as_it_changes(client, app):
    from kcstat_dash.services import meeting_control

    live = [m for m in client.get("/api/meetings").get_json() if m["status"] == "live"][0]
    path = f"/api/meetings/{live['id']}/version"
    with db.transaction() as session:
        meeting_control.set_accepting_questions(session, live["id"], False, None)
    closed = client.get(path).get_json()
    assert (closed["status"], closed["open"]) == ("live", False)
    assert closed["version"] == live["feed_version"] + 1
    with db.transaction() as session:
        meeting_control.end(session, live["id"], None)
    assert client.get(path).get_json()["status"] == "ended"
    refused = client.post("/api/questions", json={"meeting_id": live["id"], "text": "Still?"})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["message"] == (
        "This meeting has ended, so it cannot take questions.")


def test_the_ical_feed_is_valid_icalendar(client):
    response = client.get("/meetings.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    body = response.get_data()
    lines = body.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b""
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)
    parsed = icalendar.Calendar.from_ical(body)
    events = list(parsed.walk("VEVENT"))
    listed = {m["id"]: m for m in client.get("/api/meetings").get_json()}
    assert len(events) == len(listed)
    uids = {str(e["UID"]) for e in events}
    assert len(uids) == len(events)
    for event in events:
        meeting_id = int(str(event["URL"]).rstrip("/").rsplit("/", 1)[1])
        start = event.decoded("DTSTART")
        assert start.tzinfo is not None and start.utcoffset() == timedelta(0)
        assert start == datetime.fromisoformat(listed[meeting_id]["starts_at"])
        assert str(event["SUMMARY"]) == listed[meeting_id]["title"]
        assert event.decoded("DTSTAMP").tzinfo is not None


@pytest.mark.parametrize("title", ["Budget; taxes, and fees", "Back\\slash", "Two\nlines",
                                   "Ünïcödé " * 20])
def test_ical_text_is_escaped_and_folded_so_it_reads_back_exactly(title):
    start = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)
    meeting = {"id": 7, "title": title, "area": "Finance and Governance",
               "starts_at": start.isoformat(), "ends_at": None, "status": "scheduled",
               "livestream_url": None}
    body = calendar([meeting], "https://kcstat.example/", "kcstat.example")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == title
    assert event.decoded("DTSTART") == start
    assert str(event["UID"]) == "kcstat-meeting-7@kcstat.example"


def test_escape_text_follows_rfc_5545():
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


def test_meetings_carry_their_location_and_livestream_into_the_calendar():
    start = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)
    meeting = {"id": 7, "title": "KCStat", "area": "Infrastructure", "status": "scheduled",
               "starts_at": start.isoformat(), "ends_at": None,
               "location": meetings.CITY_HALL, "livestream_url": "https://example.org/live"}
    event = icalendar.Calendar.from_ical(
        calendar([meeting], "https://kcstat.example/", "kcstat.example")).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "City Hall, 414 E 12th St, Kansas City, MO 64106"
    assert str(event["URL"]) == "https://example.org/live"
    assert "https://kcstat.example/meetings/7" in str(event["DESCRIPTION"])
    without = calendar([{**meeting, "location": None, "livestream_url": None}],
                       "https://kcstat.example/", "kcstat.example")
    assert "LOCATION" not in without and "URL:https://kcstat.example/meetings/7" in without


def test_the_demo_meetings_are_at_city_hall(client):
    listed = client.get("/api/meetings").get_json()
    assert {m["location"] for m in listed} == {meetings.CITY_HALL}
    # The city's livestream page is not referenced anywhere in the project: no made-up link.
    assert {m["livestream_url"] for m in listed} == {None}

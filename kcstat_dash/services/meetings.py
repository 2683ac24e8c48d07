"""Meetings: the published schedule, one meeting's public facts, and the demo's year of meetings."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from kcstat_dash.models import Area, Measure, Meeting, Observation
from kcstat_dash.services.areas import AREAS
from kcstat_dash.services.errors import MeetingNotFound
from kcstat_dash.services.public_input import record_id
from kcstat_dash.timezone import CITY_TZ


class MeetingStatus(StrEnum):
    """A meeting's stored ``status``."""

    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


# The live demo meeting is on the area whose measures the 311 sample covers best, so a new user
# sees charts with many points to flag.
DEMO_LIVE_AREA = "infrastructure"
MEETING_LENGTH = timedelta(hours=1, minutes=30)
# A scheduled meeting this close to its start is announced on the home and area pages.
STARTING_SOON = timedelta(hours=1)
# Where KCStat meets: Kansas City's City Hall (the demo's meetings are held there).
CITY_HALL = "City Hall, 414 E 12th St, Kansas City, MO 64106"


def is_open(meeting: Meeting) -> bool:
    """A meeting takes questions when staff opened it and it has not ended."""
    return bool(meeting.accepting_questions) and meeting.status != MeetingStatus.ENDED


def meeting_end(starts_at: datetime, ends_at: datetime | None, status: str) -> datetime | None:
    """When a meeting ends: the one rule for the schedule, social questions and the calendar.

    Its end time when one is set. With none, a meeting marked live runs until staff end it
    (None: no end yet); any other is taken to last the usual length (``MEETING_LENGTH``).
    """
    if ends_at is not None:
        return ends_at
    if status == MeetingStatus.LIVE:
        return None
    return starts_at + MEETING_LENGTH


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are ever rendered: a ``javascript:`` URL must never become live."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def meeting_summary(meeting: Meeting) -> dict:
    """A meeting as plain data for pages, the API and the calendar feed."""
    return {
        "id": meeting.id,
        "title": meeting.title,
        "area": meeting.area.name,
        "area_slug": meeting.area.slug,
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat() if meeting.ends_at else None,
        "status": meeting.status,
        "accepting_questions": bool(meeting.accepting_questions),
        "open_for_questions": is_open(meeting),
        "auto_publish": bool(meeting.auto_publish),
        "location": meeting.location,
        "livestream_url": safe_url(meeting.livestream_url),
        "recording_url": safe_url(meeting.recording_url),
        "now_discussing": meeting.now_discussing.slug if meeting.now_discussing else None,
        "feed_version": meeting.feed_version,
    }


def _query():
    return select(Meeting).options(selectinload(Meeting.area), selectinload(Meeting.now_discussing))


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    if record_id(meeting_id) is None:  # beyond the id column's range: an error, not a miss
        raise MeetingNotFound(meeting_id)
    meeting = session.scalar(_query().where(Meeting.id == meeting_id))
    if meeting is None:
        raise MeetingNotFound(meeting_id)
    return meeting


def meeting_detail(session: Session, meeting_id: int) -> dict:
    return meeting_summary(get_meeting(session, meeting_id))


def list_meetings(session: Session) -> list[dict]:
    """Every meeting, earliest first."""
    return [meeting_summary(m) for m in session.scalars(_query().order_by(Meeting.starts_at,
                                                                           Meeting.id))]


def schedule(session: Session, now: datetime | None = None) -> dict[str, list[dict]]:
    """The schedule page's three lists: live now, upcoming (soonest first), past (latest first)."""
    now = now or datetime.now(UTC)
    live, upcoming, past = [], [], []
    for summary in list_meetings(session):
        end = meeting_end(datetime.fromisoformat(summary["starts_at"]),
                          datetime.fromisoformat(summary["ends_at"]) if summary["ends_at"]
                          else None, summary["status"])
        if summary["status"] == MeetingStatus.LIVE:
            live.append(summary)
        elif summary["status"] == MeetingStatus.ENDED or (end is not None and end < now):
            past.append(summary)
        else:
            upcoming.append(summary)
    return {"live": live, "upcoming": upcoming, "past": list(reversed(past))}


def happening_now(session: Session, now: datetime | None = None,
                  area_slug: str | None = None) -> list[dict]:
    """The meetings a resident arriving now should be led to: live ones, and scheduled ones
    starting within ``STARTING_SOON`` (not yet past their end), soonest first; ``area_slug``
    keeps one area's."""
    now = now or datetime.now(UTC)
    near = or_(Meeting.status == MeetingStatus.LIVE,
               and_(Meeting.status == MeetingStatus.SCHEDULED,
                    Meeting.starts_at <= now + STARTING_SOON,
                    Meeting.starts_at >= now - timedelta(days=1)))
    found = []
    for meeting in session.scalars(_query().where(near).order_by(Meeting.starts_at, Meeting.id)):
        summary = meeting_summary(meeting)
        if area_slug is not None and summary["area_slug"] != area_slug:
            continue
        starts = datetime.fromisoformat(summary["starts_at"])
        if summary["status"] == MeetingStatus.LIVE or (
                summary["status"] == MeetingStatus.SCHEDULED
                and starts - STARTING_SOON <= now < _end(summary)):
            found.append(summary)
    found.sort(key=lambda m: (m["status"] != MeetingStatus.LIVE, m["starts_at"]))
    return found


def _end(summary: dict) -> datetime:
    # A scheduled meeting (the only kind asked about here) always has an end by meeting_end.
    return meeting_end(datetime.fromisoformat(summary["starts_at"]),
                       datetime.fromisoformat(summary["ends_at"]) if summary["ends_at"] else None,
                       summary["status"])


# --- The demo's meetings --------------------------------------------------------------------


def _second_thursday(year: int, month: int) -> datetime:
    """KCStat met monthly; the demo schedules each meeting on the month's second Thursday."""
    first = datetime(year, month, 1)
    offset = (3 - first.weekday()) % 7  # Thursday is weekday 3
    return first + timedelta(days=offset + 7)


def _local(day: datetime, at: time) -> datetime:
    return datetime.combine(day.date(), at, tzinfo=CITY_TZ).astimezone(UTC)


def _discussing(session: Session, area: Area) -> Measure | None:
    """The area's first measure that has data: what the live demo meeting is "now discussing"."""
    return session.scalar(select(Measure).where(Measure.area_id == area.id)
                          .where(Measure.id.in_(select(Observation.measure_id)))
                          .order_by(Measure.kind, Measure.position).limit(1))


def seed_demo_meetings(session: Session, now: datetime | None = None) -> int:
    """A year of monthly meetings rotating through the six areas, plus one live meeting.

    Idempotent: nothing is added when the database already has meetings. Returns how many
    meetings were created.
    """
    if session.scalar(select(func.count(Meeting.id))):
        return 0
    now = now or datetime.now(UTC)
    areas = {a.slug: a for a in session.scalars(select(Area))}
    if len(areas) < len(AREAS):
        return 0
    local_now = now.astimezone(CITY_TZ)
    live_area = areas[DEMO_LIVE_AREA]
    # The live meeting started half an hour ago, so its page is in the middle of a meeting.
    live_start = now.replace(second=0, microsecond=0) - timedelta(minutes=30)
    meetings = [Meeting(
        area=live_area, title=f"KCStat: {live_area.name}", starts_at=live_start,
        ends_at=live_start + MEETING_LENGTH, status=MeetingStatus.LIVE, accepting_questions=True,
        location=CITY_HALL,
        auto_publish=False, now_discussing=_discussing(session, live_area))]
    year, month = local_now.year, local_now.month
    start_index = [a.slug for a in AREAS].index(DEMO_LIVE_AREA) + 1
    for step in range(12):
        month += 1
        if month > 12:
            year, month = year + 1, 1
        definition = AREAS[(start_index + step) % len(AREAS)]
        area = areas[definition.slug]
        starts = _local(_second_thursday(year, month), time(9, 0))
        meetings.append(Meeting(
            area=area, title=f"KCStat: {area.name}", starts_at=starts,
            ends_at=starts + MEETING_LENGTH, status=MeetingStatus.SCHEDULED,
            accepting_questions=False, auto_publish=False, location=CITY_HALL))
    session.add_all(meetings)
    session.flush()
    return len(meetings)


"""What a meeting's page shows at load: the meeting, and its area's measures with flag counts."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kcstat_dash.models import Measure, Meeting, Observation, Question
from kcstat_dash.services import data_version, verdicts
from kcstat_dash.services.coverage import coverage_311, data_through_date
from kcstat_dash.services.measures import (
    get_measure,
    measure_summary,
    narratives_by_period,
    observation_points,
)
from kcstat_dash.services.meetings import get_meeting, is_open, meeting_summary
from kcstat_dash.services.question_status import is_public
from kcstat_dash.services.questions import flag_counts, question_summary
from kcstat_dash.timezone import to_local


def area_measures(session: Session, area_id: int, first: int | None = None) -> list[dict]:
    """The area's measures as plain data: summary, every period's point, and flag counts.

    ``first`` (the "now discussing" measure) is put at the top. Flag counts come from public
    questions only, so a pending or hidden question never shows on a chart. Each carries the
    data version (with its database), read first, so a figure kept under it is never older.
    """
    version = data_version.token(session)
    found = list(session.scalars(
        select(Measure).where(Measure.area_id == area_id)
        .options(selectinload(Measure.observations), selectinload(Measure.targets),
                 selectinload(Measure.area))
        .order_by(Measure.kind, Measure.position)))
    narratives = narratives_by_period(session, [m.id for m in found])
    counts = flag_counts(session, [m.id for m in found])
    coverage = coverage_311(session)
    details = []
    for measure in found:
        detail = measure_summary(measure, narratives, coverage)
        detail["data_version"] = version
        detail["observations"] = observation_points(measure)
        detail["flag_counts"] = counts.get(measure.id, {})
        detail["now_discussing"] = measure.id == first
        details.append(detail)
    details.sort(key=lambda d: not d["now_discussing"])
    return details


def room(session: Session, meeting: Meeting) -> dict:
    """What the room is on now, for every attendee's screen: the meeting's state, the question
    a moderator pinned (only while it is public) and the measure "now discussing", with its
    months for flagging."""
    pinned = None
    if meeting.pinned_question_id is not None:
        question = session.get(Question, meeting.pinned_question_id)
        if question is not None and is_public(question.status):
            pinned = question_summary(question)
    discussing = None
    if meeting.now_discussing is not None:
        measure = get_measure(session, meeting.now_discussing.slug)
        discussing = {"slug": measure.slug, "name": measure.name, "unit": measure.unit,
                      "kind": measure.kind,
                      "points": [{"period": p["period"], "value": p["value"], "n": p["n"],
                                  "partial": p["partial"]} for p in observation_points(measure)]}
    return {"status": meeting.status, "open": is_open(meeting), "pinned": pinned,
            "discussing": discussing}


def meeting_page(session: Session, meeting_id: int) -> dict:
    """The meeting and its area's measures ("now discussing" first)."""
    meeting = get_meeting(session, meeting_id)
    return {"meeting": meeting_summary(meeting),
            "measures": area_measures(session, meeting.area_id, meeting.now_discussing_measure_id),
            "data_freshness": data_freshness(session, meeting.status),
            "room": room(session, meeting)}


def data_freshness(session: Session, meeting_status: str, today: date | None = None) -> dict:
    """How current the 311 data is, and whether a live meeting must be warned that it is old
    (last updated more than 60 days ago)."""
    coverage = coverage_311(session)
    through = data_through_date(coverage)
    today = today or to_local(datetime.now(UTC)).date()
    return {"data_through": coverage["data_through"] if coverage else None,
            "scope": coverage["scope"] if coverage else None,
            "stale": meeting_status == "live" and verdicts.is_stale(through, today)}


def ask_page(session: Session, meeting_id: int) -> dict:
    """What the phone page for asking needs: the meeting and which measures can be flagged.

    No observations are loaded: the page has no charts, and the period list for a flagged
    measure is fetched when the resident picks it.
    """
    meeting = get_meeting(session, meeting_id)
    with_data = (select(Observation.measure_id).where(Observation.measure_id == Measure.id)
                 .exists())
    rows = session.execute(
        select(Measure.id, Measure.slug, Measure.name)
        .where(Measure.area_id == meeting.area_id, with_data)
        .order_by(Measure.kind, Measure.position)).all()
    first = meeting.now_discussing_measure_id
    measures = [{"slug": slug, "name": name, "now_discussing": measure_id == first}
                for measure_id, slug, name in rows]
    measures.sort(key=lambda m: not m["now_discussing"])
    return {"meeting": meeting_summary(meeting), "measures": measures,
            "room": room(session, meeting)}

"""What each Dash page shows at load, as plain data: one function per page.

A page's layout (``layouts/<page>.py``, its ``render``) takes what the function here returns and
builds components from it, without a session; ``callbacks/pages.py`` is the thin wrapper Dash
Pages calls, which passes the request's session here and the result to ``render``. ``None``
means the page's address names nothing (no such area, measure, citation or meeting), and the
layout shows its "not found" state. The meeting pages' measures come from
``services/meeting_page.py``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kcstat_dash.services import citations, measures, meetings, moderation, questions, stewardship
from kcstat_dash.services.measure_words import localized, localized_area, say
from kcstat_dash.services.meeting_page import ask_page, meeting_page


def overview_page(session: Session) -> dict:
    """The overview: every goal area with its measures' summaries, and the meetings live now
    (or starting within the hour), which the page leads with."""
    return {"areas": [localized_area(a) for a in measures.list_areas(session)],
            "live_meetings": meetings.happening_now(session)}


def area_page(session: Session, slug: str | None) -> dict | None:
    """One goal area with its measures' summaries and its meetings live now (or starting
    within the hour), or None when there is no such area."""
    area = next((a for a in measures.list_areas(session) if a["slug"] == slug), None)
    if area is None:
        return None
    return {**localized_area(area),
            "live_meetings": meetings.happening_now(session, area_slug=slug)}


def measure_page(session: Session, slug: str | None) -> dict | None:
    """One measure in full (values, targets, narratives, peers, neighborhoods), or None."""
    try:
        return localized(measures.measure_detail(session, slug or ""))
    except measures.UnknownMeasure:
        return None


def cite_page(session: Session, citation_id: str | None, base_url: str) -> dict | None:
    """A citation's public view with today's verification, or None when there is none."""
    try:
        citation = citations.get_citation(session, citation_id)
    except citations.UnknownCitation:
        return None
    return citations.public_view(citation, base_url, citations.verify(session, citation))


def meetings_page(session: Session) -> dict[str, list[dict]]:
    """The schedule: live, upcoming and past meetings."""
    return meetings.schedule(session)


def _meeting_id(meeting_id: str | None) -> int | None:
    try:
        return int(meeting_id or "")
    except ValueError:
        return None


def _with_meeting(load, session: Session, meeting_id: str | None):
    """``load(session, id)`` for the meeting an address names, or None when it names none
    (not a number, or no such meeting)."""
    number = _meeting_id(meeting_id)
    if number is None:
        return None
    try:
        return load(session, number)
    except meetings.MeetingNotFound:
        return None


def meeting_view(session: Session, meeting_id: str | None, order: str = "newest",
                 limit: int | None = None) -> dict | None:
    """A meeting's page: the meeting, its area's measures, the data's freshness and the public
    feed (``order``, at most ``limit`` questions), or None when there is no such meeting."""
    data = _with_meeting(meeting_page, session, meeting_id)
    if data is None:
        return None
    feed_options = {"order": order} if limit is None else {"order": order, "limit": limit}
    return {**_meeting_words(data), "measures": [localized(m) for m in data["measures"]],
            "feed": questions.public_feed(session, data["meeting"]["id"], **feed_options)}


def ask_view(session: Session, meeting_id: str | None) -> dict | None:
    """The phone page for asking: the meeting, the measures to flag and the public feed."""
    data = _with_meeting(ask_form, session, meeting_id)
    if data is None:
        return None
    return {**data, "feed": questions.public_feed(session, data["meeting"]["id"])}


def ask_form(session: Session, meeting_id: int) -> dict:
    """The ask form's meeting, measures and room, in the page's language (no feed)."""
    data = ask_page(session, meeting_id)
    return {**_meeting_words(data),
            "measures": [{**m, "name": say(m["name"])} for m in data["measures"]]}


def _meeting_words(data: dict) -> dict:
    """A meeting page's stored English words (its area, the measure now discussed) said in the
    page's language, like the measure pages' (``measure_words``)."""
    room = data["room"]
    if room.get("discussing"):
        room = {**room, "discussing": {**room["discussing"],
                                       "name": say(room["discussing"]["name"])}}
    return {**data, "meeting": {**data["meeting"], "area": say(data["meeting"]["area"])},
            "room": room}


def moderation_summary_page(session: Session, meeting_id: str | None) -> dict | None:
    """How a meeting's questions were moderated (counts only), or None for no such meeting."""
    try:
        return moderation.moderation_summary(session, int(meeting_id or ""))
    except (ValueError, meetings.MeetingNotFound):
        return None


def moderate_page(session: Session) -> dict:
    """The question queue's filter and meeting choices, with every measure to flag."""
    options = moderation.filter_options(session)
    options["all_measures"] = [{"id": m["id"], "name": m["name"]}
                               for m in stewardship.measure_choices(session)]
    return {"options": options}


def steward_page(session: Session) -> dict:
    """The stewardship page: the measures to choose from and the count by status."""
    return {"choices": stewardship.measure_choices(session),
            "status_counts": measures.status_counts(measures.list_measures(session))}

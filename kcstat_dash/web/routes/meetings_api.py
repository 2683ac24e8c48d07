"""Meetings as JSON and the schedule as an iCalendar feed."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, jsonify

from kcstat_dash.services import meeting_calendar, meetings
from kcstat_dash.web.extensions import db
from kcstat_dash.web.public_url import public_base_url

blueprint = Blueprint("meetings_api", __name__)

# The live feed's version check, /api/meetings/<id>/version, is answered in front of Flask:
# kcstat_dash/web/live_feed/poll.py.


@blueprint.get("/api/meetings")
def meeting_list():
    return jsonify(meetings.list_meetings(db.session))


@blueprint.get("/api/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    return jsonify(meetings.meeting_detail(db.session, meeting_id))


@blueprint.get("/meetings.ics")
def ical_feed():
    base_url = public_base_url()
    body = meeting_calendar.calendar(meetings.list_meetings(db.session), base_url,
                                     urlsplit(base_url).hostname or "kcstat")
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="kcstat-meetings.ics"'})

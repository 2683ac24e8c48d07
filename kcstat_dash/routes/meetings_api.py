"""Meetings as JSON, the live feed's version check, and the schedule as an iCalendar feed."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import bindparam, select

from kcstat_dash.extensions import db, limiter
from kcstat_dash.models import Meeting
from kcstat_dash.routes.json_errors import json_error
from kcstat_dash.services import meeting_calendar, meetings

blueprint = Blueprint("meetings_api", __name__)

# Compiled once: the poll every attendee's browser makes each second is one primary-key lookup
# of one integer, with no ORM objects and no session.
VERSION_QUERY = select(Meeting.feed_version).where(Meeting.id == bindparam("meeting_id"))


@blueprint.errorhandler(meetings.MeetingNotFound)
def _not_found(error):
    return json_error(404, f"there is no meeting {error.args[0]}")


@blueprint.get("/api/meetings")
def meeting_list():
    return jsonify(meetings.list_meetings(db.session))


@blueprint.get("/api/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    return jsonify(meetings.meeting_detail(db.session, meeting_id))


@blueprint.get("/api/meetings/<int:meeting_id>/version")
@limiter.exempt  # no limit applies, and skipping the limiter's lookup is a third of the cost
def feed_version(meeting_id: int):
    """The live feed's version: browsers re-render the feed only when this number changes."""
    with db.autocommit_connection() as connection:
        version = connection.execute(VERSION_QUERY, {"meeting_id": meeting_id}).scalar()
    if version is None:
        return json_error(404, f"there is no meeting {meeting_id}")
    response = jsonify({"meeting_id": meeting_id, "version": version})
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/meetings.ics")
def ical_feed():
    settings = current_app.extensions["kcstat_settings"]
    base_url = settings.public_base_url or request.host_url
    body = meeting_calendar.calendar(meetings.list_meetings(db.session), base_url,
                                     urlsplit(base_url).hostname or "kcstat")
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="kcstat-meetings.ics"'})

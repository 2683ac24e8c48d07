"""``POST /api/questions`` to ask, ``GET /api/questions?meeting=<id>`` for the public feed."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from kcstat_dash.services import questions
from kcstat_dash.services.meetings import MeetingNotFound
from kcstat_dash.web import asking
from kcstat_dash.web.extensions import db
from kcstat_dash.web.routes.json_errors import json_error, posted_object

blueprint = Blueprint("questions_api", __name__, url_prefix="/api")
FIELDS = ("meeting_id", "text", "display_name", "measure", "period")


@blueprint.errorhandler(questions.QuestionRejected)
def _rejected(error: questions.QuestionRejected):
    return json_error(error.status, error.message, code=error.code, field=error.field)


@blueprint.post("/questions")
def ask():
    body = posted_object()
    if body is None:
        return json_error(400, "send a JSON object with meeting_id and text",
                          code="malformed")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        return json_error(400, f"unknown field(s): {', '.join(unknown)}", code="malformed")
    question = asking.ask(db.session, **{k: body.get(k) for k in FIELDS})
    return jsonify(questions.submitted_summary(question)), 201


@blueprint.get("/questions")
def feed():
    meeting = request.args.get("meeting", "")
    if not (meeting.isascii() and meeting.isdigit()):
        return json_error(400, "give the meeting's id: /api/questions?meeting=<id>",
                          code="malformed")
    order = request.args.get("order", "newest")
    if order not in questions.FEED_ORDERS:
        return json_error(400, f"order must be one of {', '.join(questions.FEED_ORDERS)}",
                          code="malformed")
    try:
        page = questions.public_feed(db.session, int(meeting), order=order,
                                     limit=questions.FEED_LIMIT)
    except MeetingNotFound:
        return json_error(404, f"there is no meeting {meeting}")
    return jsonify(page)

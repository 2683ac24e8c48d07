"""The questions API: ask, say "me too", read the public feed, and get a browser id.

``POST /api/questions``, ``POST /api/questions/<id>/votes``, ``GET /api/questions?meeting=<id>``
and ``POST /api/browser-ids``; each does what the meeting page does, through ``web/asking.py``.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from kcstat_dash.i18n import _
from kcstat_dash.services import questions
from kcstat_dash.services.public_input import record_id
from kcstat_dash.web import asking, browser_ids
from kcstat_dash.web.extensions import db
from kcstat_dash.web.routes.json_errors import json_error, posted_object

blueprint = Blueprint("questions_api", __name__, url_prefix="/api")
FIELDS = ("meeting_id", "text", "display_name", "measure", "period", "browser_id")


@blueprint.post("/questions")
def ask():
    body = posted_object()
    if body is None:
        return json_error(400, _("send a JSON object with meeting_id and text"),
                          code="malformed")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        return json_error(400, _("unknown field(s): {fields}", fields=", ".join(unknown)),
                          code="malformed")
    question = asking.ask(**{k: body.get(k) for k in FIELDS})
    return jsonify(questions.submitted_summary(question)), 201


@blueprint.post("/questions/<question_id>/votes")
def vote(question_id: str):
    """A "me too": 201 when counted, 200 when this browser (or address) had already said it."""
    body = posted_object()
    if body is None or sorted(set(body) - {"browser_id"}):
        return json_error(400, _("send a JSON object, {empty} or {example}", empty="{}",
                                 example='{"browser_id": "<issued id>"}'), code="malformed")
    upvotes, counted = asking.upvote(question_id, body.get("browser_id"))
    return jsonify({"question_id": record_id(question_id), "upvotes": upvotes,
                    "counted": counted}), 201 if counted else 200


@blueprint.post("/browser-ids")
def issue_browser_id():
    """A signed browser id (also set as the cookie pages get), limited per address."""
    token = browser_ids.issue()
    response = jsonify({"browser_id": token})
    browser_ids.set_cookie(response, token)
    return response, 201


@blueprint.get("/questions")
def feed():
    meeting = request.args.get("meeting", "")
    if not (meeting.isascii() and meeting.isdigit()):
        return json_error(400, _("give the meeting's id: {example}",
                                 example="/api/questions?meeting=<id>"), code="malformed")
    order = request.args.get("order", "newest")
    if order not in questions.FEED_ORDERS:
        return json_error(400, _("order must be one of {orders}",
                                 orders=", ".join(questions.FEED_ORDERS)), code="malformed")
    return jsonify(questions.public_feed(db.session, int(meeting), order=order,
                                         limit=questions.FEED_LIMIT))

"""``GET /api/meetings/<id>/moderation-summary``: a meeting's public moderation record."""

from __future__ import annotations

from flask import Blueprint, jsonify

from kcstat_dash.services import moderation
from kcstat_dash.web.extensions import db

blueprint = Blueprint("moderation_api", __name__, url_prefix="/api")


@blueprint.get("/meetings/<int:meeting_id>/moderation-summary")
def moderation_summary(meeting_id: int):
    return jsonify(moderation.moderation_summary(db.session, meeting_id))

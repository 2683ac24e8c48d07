"""``GET /healthz``: the app is up and its database answers."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from kcstat_dash.web.extensions import db

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means "not healthy"
        return jsonify({"status": "error", "database": type(exc).__name__}), 503
    return jsonify({"status": "ok", "database": db.engine.dialect.name})

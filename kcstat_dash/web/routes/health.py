"""``GET /healthz``: the app is up and every store it is configured with answers.

503 names the part that failed (``database``, ``redis``), so a load balancer takes the worker
out of rotation and an operator sees at once which service to look at.
"""

from __future__ import annotations

import redis
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from kcstat_dash.web.extensions import db

blueprint = Blueprint("health", __name__)
# A health check must answer quickly even when a store hangs rather than refuses.
REDIS_TIMEOUT_SECONDS = 2


def _database() -> str | None:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        return type(exc).__name__
    return None


def _redis(url: str) -> str | None:
    client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                                  socket_timeout=REDIS_TIMEOUT_SECONDS)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001 - any Redis failure means "not healthy"
        return type(exc).__name__
    finally:
        client.close()
    return None


@blueprint.get("/healthz")
def healthz():
    settings = current_app.extensions["kcstat_settings"]
    problems = {"database": _database()}
    if settings.redis_url:
        problems["redis"] = _redis(settings.redis_url)
    body = {part: problem or "ok" for part, problem in problems.items()}
    failed = [part for part, problem in problems.items() if problem]
    if failed:
        return jsonify({"status": "error", "failed": failed, **body}), 503
    return jsonify({"status": "ok", **body, "database": db.engine.dialect.name})

"""One shape for every JSON API error: ``{"error": {"status": ..., "message": ...}}``."""

from __future__ import annotations

from flask import jsonify


def json_error(status: int, message: str, **details):
    body = {"error": {"status": status, "message": message, **details}}
    return jsonify(body), status

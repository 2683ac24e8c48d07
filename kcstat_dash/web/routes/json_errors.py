"""JSON API plumbing: one shape for every error, and one way to read a posted object."""

from __future__ import annotations

from flask import jsonify, request


def json_error(status: int, message: str, **details):
    body = {"error": {"status": status, "message": message, **details}}
    return jsonify(body), status


def posted_object() -> dict | None:
    """The request's JSON object, or its form fields; None when it sent neither."""
    body = request.get_json(silent=True)
    if body is None and request.form:
        body = request.form.to_dict()
    return body if isinstance(body, dict) else None

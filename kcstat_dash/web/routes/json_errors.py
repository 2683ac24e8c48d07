"""JSON API plumbing: one shape for every error, and one way to read a posted object."""

from __future__ import annotations

from flask import abort, jsonify, make_response, request

from kcstat_dash.services.public_input import InvalidInput, parse_json


def json_error(status: int, message: str, **details):
    body = {"error": {"status": status, "message": message, **details}}
    return jsonify(body), status


def posted_object() -> dict | None:
    """The request's JSON object, or None when its JSON is something else (a list, a number).

    Only ``application/json`` is read: a browser posts that type across sites only after a CORS
    preflight, which this API never grants, so another site's form cannot post here. A body of
    another type is refused with 415, malformed or hostile JSON with 400 (``abort``).
    """
    if request.mimetype != "application/json":
        abort(make_response(json_error(
            415, "send the body as JSON, with Content-Type: application/json",
            code="unsupported_media_type")))
    try:
        body = parse_json(request.get_data(cache=True))
    except InvalidInput as error:
        abort(make_response(json_error(400, f"{error.message}; send a JSON object",
                                       code="malformed")))
    return body if isinstance(body, dict) else None

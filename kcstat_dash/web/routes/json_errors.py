"""JSON API plumbing: one shape for every error, one handler for the domain's refusals, and one
way to read a posted object.

Every JSON error is ``services.errors.error_body``: ``{"error": {"status", "code", "message",
"field"}}``. A view raises (or lets through) a ``DomainError`` and ``_domain_error`` answers it
with its status; views never map exceptions to statuses themselves. The ``message`` is in the
request's language (``web/language.py``); the ``code`` never changes with it.
"""

from __future__ import annotations

import redis
from flask import Flask, abort, jsonify, make_response, request
from sqlalchemy.exc import DBAPIError

from kcstat_dash.i18n import _
from kcstat_dash.services.errors import DomainError, error_body
from kcstat_dash.services.public_input import InvalidInput, parse_json
from kcstat_dash.web.extensions import db

# Outages of a store: the database (any DB-API error: refused connection, failover, a server
# gone away) or Redis (the rate limits' storage, when configured).
OUTAGES = (DBAPIError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
RETRY_AFTER_SECONDS = 5


def json_error(status: int, message: str, code: str | None = None, field: str | None = None):
    """A JSON error response in the one shape (for refusals that are the web's own)."""
    return jsonify(error_body(status, message, code, field)), status


def _domain_error(error: DomainError):
    # Whatever the service refused, the client gets its status, code and message (said in the
    # request's language); the transaction it was in (``db.transaction()``) has already
    # rolled back.
    return jsonify(error.body()), error.status


def posted_object() -> dict | None:
    """The request's JSON object, or None when its JSON is something else (a list, a number).

    Only ``application/json`` is read: a browser posts that type across sites only after a CORS
    preflight, which this API never grants, so another site's form cannot post here. A body of
    another type is refused with 415, malformed or hostile JSON with 400 (``abort``).
    """
    if request.mimetype != "application/json":
        abort(make_response(json_error(
            415, _("send the body as JSON, with Content-Type: application/json"),
            code="unsupported_media_type")))
    try:
        body = parse_json(request.get_data(cache=True))
    except InvalidInput as error:
        abort(make_response(json_error(400, _("{problem}; send a JSON object",
                                                problem=error.said()), code="malformed")))
    return body if isinstance(body, dict) else None


def _outage(error: Exception):
    # The JSON API answers JSON even when a store is down: a client gets the usual error shape
    # and a time to retry, never Flask's HTML 500 page. Other paths keep Flask's handling.
    if not request.path.startswith("/api/"):
        raise error
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the store is down; the answer below is what matters
        pass
    response = make_response(json_error(
        503, _("the service is briefly unavailable (a data store is not answering); "
               "try again shortly"), code="unavailable"))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_error_handlers(server: Flask) -> None:
    """The app's handlers: a DomainError from any view as a JSON error, and store outages."""
    server.register_error_handler(DomainError, _domain_error)
    for outage in OUTAGES:
        server.register_error_handler(outage, _outage)

"""The domain's refusals, one family: each carries its HTTP status, a stable code and a message.

A service raises a ``DomainError`` (or a subclass) when it cannot do what was asked. The message
is plain words a resident or a staff member reads as it is; ``code`` is stable for clients of
the JSON API; ``status`` is the HTTP status the API answers with; ``field`` names the input at
fault when there is one. The web turns every one of them into the same JSON error
(``error_body``) with one Flask handler (``kcstat_dash/web/routes/json_errors.py``), and Dash
callbacks into the same message (``callbacks/errors.py``, ``message_for``); nothing else maps
exceptions to statuses or wordings.

Subclasses keep the built-in base their callers used to catch (``ValueError``, ``LookupError``).
"""

from __future__ import annotations

from http import HTTPStatus


def default_code(status: int) -> str:
    """The code of an error that names none: its HTTP status in words ("not_found")."""
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def error_body(status: int, message: str, code: str | None = None,
               field: str | None = None) -> dict:
    """The one shape of a JSON error: ``{"error": {"status", "code", "message", "field"}}``."""
    return {"error": {"status": status, "code": code or default_code(status), "message": message,
                      "field": field}}


class DomainError(Exception):
    """The request cannot be done; ``message`` says why in words fit to show as they are."""

    status: int = 400
    code: str = "invalid"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 field: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.field = field

    def body(self) -> dict:
        return error_body(self.status, self.message, self.code, self.field)


class NotFound(DomainError, LookupError):
    """The request names something that does not exist."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The thing exists but is not in a state that allows the request."""

    status = 409
    code = "conflict"


class ModerationError(DomainError, ValueError):
    """A staff action (moderating, running a meeting, stewardship) cannot be done as asked."""

    code = "refused"


class MeetingNotFound(NotFound):
    """No meeting has that id (the one wording of "no such meeting", everywhere)."""

    code = "meeting_not_found"

    def __init__(self, meeting_id: object, field: str | None = None):
        super().__init__(f"There is no meeting {meeting_id}.", field=field)
        self.meeting_id = meeting_id

"""The domain's refusals, one family: each carries its HTTP status, a stable code and a message.

A service raises a ``DomainError`` (or a subclass) when it cannot do what was asked. The message
is plain words a resident or a staff member reads as it is; ``code`` is stable for clients of
the JSON API; ``status`` is the HTTP status the API answers with; ``field`` names the input at
fault when there is one. The web turns every one of them into the same JSON error
(``error_body``) with one Flask handler (``kcstat_dash/web/routes/json_errors.py``), and Dash
callbacks into the same message (``callbacks/errors.py``, ``message_for``); nothing else maps
exceptions to statuses or wordings.

The message is kept as its English template (marked ``N_`` where it is raised) and its fields;
``said()`` puts it in the language of the page or request showing it, so each message is
written once and translated where it is shown. ``message`` is the English, for logs, the CLI
and ``str(error)``. A field that is itself words or a number (``Later``, ``Count``) is said in
that language too.

Subclasses keep the built-in base their callers used to catch (``ValueError``, ``LookupError``).
"""

from __future__ import annotations

from http import HTTPStatus

from kcstat_dash import i18n
from kcstat_dash.i18n import N_
from kcstat_dash.services.formatting import number


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


class Later:
    """Words put into a refusal's message, said in the language the message is shown in
    (``Later(N_("{amount} per minute"), amount=Count(5))``)."""

    def __init__(self, message: str, **values):
        self.template, self.values = message, values

    def __format__(self, _spec: str) -> str:
        return i18n.gettext(self.template, **self.values)

    def __str__(self) -> str:
        return format(self, "")


class Count:
    """A number put into a refusal's message, written the showing language's way (1,000 /
    1000). Ids are not counts: they go in as they are."""

    def __init__(self, value: int | float):
        self.value = value

    def __format__(self, _spec: str) -> str:
        return number(self.value)

    def __str__(self) -> str:
        return format(self, "")


class DomainError(Exception):
    """The request cannot be done; ``message`` says why (in English), ``said()`` in the language
    of whoever is shown it."""

    status: int = 400
    code: str = "invalid"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 field: str | None = None, **values):
        self.template = message
        self.values = values
        with i18n.using(i18n.DEFAULT_LANGUAGE):
            self.message = self.said()
        super().__init__(self.message)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.field = field

    def said(self) -> str:
        """The message in the language being made now (the request's, or English)."""
        return i18n.gettext(self.template, **self.values)

    def body(self) -> dict:
        return error_body(self.status, self.said(), self.code, self.field)


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
        super().__init__(N_("There is no meeting {meeting_id}."), field=field,
                         meeting_id=meeting_id)
        self.meeting_id = meeting_id

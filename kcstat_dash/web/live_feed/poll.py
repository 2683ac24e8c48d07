"""The live feed's poll, answered in front of Flask: the request every attendee sends each second.

``GET /api/meetings/<id>/version`` answers ``{"meeting_id", "version", "status", "open"}``:
the feed's version and the meeting's state (``scheduled``, ``live`` or ``ended``, and whether
it takes questions), so that every page closes its form when questions close. With ``?known=<n>``
(the version the page shows) and a version that differs, the answer also carries the rebuilt
feed, so a change reaches a page in the poll that notices it rather than one request later,
and a thousand pages noticing at once cost a thousand cache reads, not a thousand renders.
``known=-1`` asks for the feed whatever the version (a page changing its order, or marking a
vote). ``order`` is ``newest`` (the default) or ``top``.

When only "me too" counts changed since ``known`` (the meeting's ``content_version`` is at or
before it, services/feed_version.py), the answer carries ``counts`` instead of ``feed``:
``[[question id, count shown, the button's name], ...]`` in the feed's order, and
``voted_suffix`` for the names of buttons the browser pressed. In a voting room
that is a few hundred bytes a page each second instead of the whole feed.

Why not a Flask view: at a thousand polls a second Flask's request machinery (the session,
login, the rate limiter's checks even for an exempt view, CSRF and compression hooks) cost
more CPU than the query; the minimal Flask endpoint the bench compares with has none of them.
This handler has nothing to do with cookies, forms or limits, so it skips them all.

It answers in the requester's language (their remembered choice, else their browser's:
``web/language.from_environ``, the rule Flask uses), so the feed's words and the errors are
Spanish for a Spanish page; the feed renderer reads the language from ``kcstat_dash.i18n``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

from sqlalchemy import bindparam, select

from kcstat_dash import i18n
from kcstat_dash.i18n import N_, _
from kcstat_dash.models import Meeting
from kcstat_dash.services.errors import MeetingNotFound, error_body
from kcstat_dash.services.public_input import InvalidInput, record_id
from kcstat_dash.services.questions import FEED_ORDERS
from kcstat_dash.web.extensions import db
from kcstat_dash.web.language import from_environ
from kcstat_dash.web.live_feed.plain_reader import reader
from kcstat_dash.web.security_headers import PLAIN_HEADERS

PATH = re.compile(r"/api/meetings/(\d{1,18})/version")

# One primary-key read of one row, on a plain connection kept for it (plain_reader.py): the
# version first, then the meeting's state (every change of state bumps the version too,
# services/meeting_control.py, so a page learns it in the poll that notices the change).
VERSION_QUERY = select(Meeting.feed_version, Meeting.status, Meeting.accepting_questions,
                       Meeting.content_version).where(Meeting.id == bindparam("meeting_id"))
STATUS_WORDS = ("scheduled", "live", "ended")


@dataclass(frozen=True)
class FeedBody:
    """A poll's answer with the feed, serialised once and kept plain and gzipped."""

    plain: bytes
    gzipped: bytes


# (meeting id, order, version) -> the answer carrying that version's feed, in the language
# being made (i18n.language()); set by the app.
FeedRenderer = Callable[[int, str, int], FeedBody]
# (meeting id, order, version, status, open) -> the answer carrying that version's counts.
CountsRenderer = Callable[[int, str, int, str, bool], FeedBody]


class BadPoll(InvalidInput):
    """A query string the page would never send (its message said in the poll's language)."""


def _parse(query_string: str) -> tuple[int | None, str]:
    try:
        query = parse_qs(query_string, max_num_fields=4)
    except ValueError as error:  # more fields than the page ever sends
        raise BadPoll(N_("the poll takes only known and order")) from error
    known = query.get("known", [None])[-1]
    order = query.get("order", ["newest"])[-1]
    if order not in FEED_ORDERS:
        raise BadPoll(N_("order must be one of {orders}"), orders=", ".join(FEED_ORDERS))
    if known is None:
        return None, order
    if not re.fullmatch(r"-?\d{1,18}", known):
        raise BadPoll(N_("known must be a whole number"))
    return int(known), order


def _respond(start_response, status: str, body: bytes, extra: tuple = ()) -> list[bytes]:
    start_response(status, [("Content-Type", "application/json"),
                             ("Content-Length", str(len(body))),
                             ("Cache-Control", "no-store"), *PLAIN_HEADERS, *extra])
    return [body]


def _error(start_response, status: str, message: str, code: str | None = None,
           extra: tuple = ()) -> list[bytes]:
    # The shape every JSON API error has (services.errors.error_body).
    body = json.dumps(error_body(int(status.split()[0]), message, code)).encode()
    return _respond(start_response, status, body, extra)


def _no_meeting(start_response, meeting_id: object) -> list[bytes]:
    missing = MeetingNotFound(meeting_id)
    return _error(start_response, "404 NOT FOUND", missing.said(), missing.code)


class LivePoll:
    """WSGI middleware: answers the poll, hands every other request to the Flask app."""

    def __init__(self, app, render_feed: FeedRenderer | None = None,
                 render_counts: CountsRenderer | None = None):
        self.app = app
        self.render_feed = render_feed
        self.render_counts = render_counts

    def __call__(self, environ, start_response):
        match = PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None:
            return self.app(environ, start_response)
        with i18n.using(from_environ(environ)):
            return self._poll(match, environ, start_response)

    def _poll(self, match, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET":
            return _error(start_response, "405 METHOD NOT ALLOWED", _("the poll is a GET"),
                          extra=(("Allow", "GET"),))
        meeting_id = record_id(match.group(1))
        if meeting_id is None:  # beyond any id: no meeting, and no query the database refuses
            return _no_meeting(start_response, match.group(1))
        try:
            known, order = _parse(environ.get("QUERY_STRING", ""))
        except BadPoll as error:
            return _error(start_response, "400 BAD REQUEST", error.said(), "malformed")
        row = reader(db, VERSION_QUERY).first(meeting_id=meeting_id)
        if row is None:
            return _no_meeting(start_response, meeting_id)
        version, status, accepting, content_version = row
        # The same rule as services.meetings.is_open; the status is one of three words.
        status = status if status in STATUS_WORDS else "scheduled"
        is_open = bool(accepting) and status != "ended"
        if known is None or known == version or self.render_feed is None:
            body = b'{"meeting_id":%d,"version":%d,"status":"%s","open":%s}' % (
                meeting_id, version, status.encode(), b"true" if is_open else b"false")
            return _respond(start_response, "200 OK", body)
        try:
            if self.render_counts is not None and content_version <= known < version:
                # The page holds this content; only counts moved since.
                answer = self.render_counts(meeting_id, order, version, status, is_open)
            else:
                answer = self.render_feed(meeting_id, order, version)
        except MeetingNotFound:  # deleted between the two reads
            return _no_meeting(start_response, meeting_id)
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""):
            return _respond(start_response, "200 OK", answer.gzipped,
                            (("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")))
        return _respond(start_response, "200 OK", answer.plain, (("Vary", "Accept-Encoding"),))

"""Browser ids issued and signed by the server, so that made-up ids count for nothing.

A browser gets its id in an HttpOnly cookie with the first page it loads (or, for API clients,
from ``POST /api/browser-ids``). The id is random, signed with the app's secret key; one address
is issued at most ``settings.browser_id_limits`` of them, so the ids a machine can hold (and the
"me too"s it can cast on one question) are bounded. Any id without a valid signature is as if
none were given: the client is then known by its network address.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, request
from itsdangerous import BadSignature, Signer

from kcstat_dash.services import rate_limits
from kcstat_dash.settings import RateLimit
from kcstat_dash.web.extensions import limiter

COOKIE = "kcstat_browser"
# A browser keeps its id for a year (one "me too" per question for as long as that).
COOKIE_MAX_AGE = 365 * 24 * 3600
_SALT = "kcstat-browser-id"


def _signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt=_SALT)


def verified(token: object) -> str | None:
    """The random id inside a signed token, or None when it is missing, malformed or forged."""
    if not isinstance(token, str) or not 20 <= len(token) <= 200:
        return None
    try:
        return _signer().unsign(token.encode("ascii")).decode("ascii")
    except (BadSignature, UnicodeError):
        return None


def current(given: object = None) -> str | None:
    """This request's verified browser id: the one given (an API body's), else the cookie's."""
    return verified(given) or verified(request.cookies.get(COOKIE))


def issue() -> str:
    """A new signed id for this address; raises ``RateLimited`` past the address's allowance."""
    settings = current_app.extensions["kcstat_settings"]
    rate_limits.take_slot(limiter.limiter, "browser-id",
                          RateLimit(per_client="", per_address=settings.browser_id_limits),
                          None, request.remote_addr or "")
    return _signer().sign(secrets.token_hex(16)).decode("ascii")


def set_cookie(response: Response, token: str) -> None:
    settings = current_app.extensions["kcstat_settings"]
    response.set_cookie(COOKIE, token, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=settings.secure_cookies)


def _give_pages_an_id(response: Response) -> Response:
    # A page (HTML, not an asset or JSON) to a browser without a valid id: issue one, so it is
    # recognised from its first click. Past the address's allowance the page is served without
    # one, and that browser counts as its address.
    if (request.method == "GET" and response.status_code == 200
            and response.mimetype == "text/html" and current() is None):
        try:
            set_cookie(response, issue())
        except rate_limits.RateLimited:
            pass
    return response


def init_app(server: Flask) -> None:
    server.after_request(_give_pages_an_id)

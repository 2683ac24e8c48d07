"""Which language a request is answered in: the resident's choice, else their browser's.

The choice is one tap on every page (``/lang/es``), remembered in a cookie for a year; without
one, ``Accept-Language`` decides, and English when it names nothing we have. Everything made
during the request reads the language from ``kcstat_dash.i18n``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, redirect, request
from markupsafe import escape
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie

from kcstat_dash import i18n

COOKIE = "kcstat_lang"
ONE_YEAR = 365 * 24 * 3600

blueprint = Blueprint("language", __name__)


def choose(cookie: str | None, accept_language: str | None) -> str:
    """The cookie's language if we have it, else the browser's best we have, else English."""
    chosen = i18n.supported(cookie)
    if chosen:
        return chosen
    accepted = parse_accept_header(accept_language or "", LanguageAccept)
    return accepted.best_match(i18n.LANGUAGES) or i18n.DEFAULT_LANGUAGE


def from_environ(environ: dict) -> str:
    """The same choice for code that answers before Flask does (the live feed's poll)."""
    cookie = parse_cookie(environ.get("HTTP_COOKIE", "")).get(COOKIE)
    return choose(cookie, environ.get("HTTP_ACCEPT_LANGUAGE"))


def _back_to(referrer: str | None) -> str:
    """Where the switch was tapped, if that was a page of ours; the home page otherwise."""
    if not referrer:
        return "/"
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return "/"
    path = parts.path if parts.path.startswith("/") and not parts.path.startswith("//") else "/"
    return path + (f"?{parts.query}" if parts.query else "")


@blueprint.get("/lang/<code>")
def switch(code: str):
    chosen = i18n.supported(code)
    response = redirect(_back_to(request.referrer), code=303)
    if chosen:
        response.set_cookie(COOKIE, chosen, max_age=ONE_YEAR, samesite="Lax", httponly=True,
                            secure=request.is_secure)
    return response


def init_language(server: Flask) -> None:
    @server.before_request
    def _use_requested_language():
        i18n.set_language(choose(request.cookies.get(COOKIE),
                                 request.headers.get("Accept-Language")))

    @server.teardown_request
    def _back_to_default(_error=None):
        # The thread serves other requests next (and the poll answers outside Flask).
        i18n.set_language(None)

    @server.after_request
    def _vary(response):
        # A shared cache must not give a Spanish page to an English browser.
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response

    @server.context_processor
    def _language():
        return {"language": i18n.language()}

    server.jinja_env.add_extension("jinja2.ext.i18n")
    server.jinja_env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    server.register_blueprint(blueprint)


def localize_index(app) -> None:
    """Dash's page shell says the request's language (``<html lang>``, WCAG 3.1.1) and its
    first title in it (the app's title, marked for the catalog where it is set)."""
    make_index = app.interpolate_index

    def interpolate_index(**kwargs):
        if kwargs.get("title") == app.title:
            kwargs["title"] = escape(i18n.gettext(app.title))
        page = make_index(**kwargs)
        return page.replace('<html lang="en">', f'<html lang="{i18n.language()}">', 1)

    app.interpolate_index = interpolate_index

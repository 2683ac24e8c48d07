"""Refuse crafted calls to Dash's own page router before Dash sees them: the router's inputs
(the address bar's pathname and query string) must be text, and the pathname a path of this
site.

Dash Pages answers every navigation with a callback on ``_pages_location``; its code calls
``search.startswith`` and the like, so a hand-made POST that sends a number or an object
there, or a pathname without the site's leading ``/``, raised inside Dash: a 500. Our own
callbacks check their inputs (``services.public_input``); this is the one place for the
callback Dash owns.
"""

from __future__ import annotations

from flask import Flask, request

from kcstat_dash.services.public_input import text_problem
from kcstat_dash.web.routes.json_errors import json_error

ROUTER_ID = "_pages_location"
UPDATE_PATH = "_dash-update-component"


def _router_values(body: dict):
    """The values the request gives the router's location, wherever Dash put them."""
    for group in ("inputs", "state"):
        entries = body.get(group)
        if not isinstance(entries, list):
            continue
        for entry in entries:
            for dep in entry if isinstance(entry, list) else [entry]:
                if isinstance(dep, dict) and dep.get("id") == ROUTER_ID:
                    yield dep.get("property"), dep.get("value")


def location_problem(body: object, path_prefix: str = "/") -> str | None:
    """Why this callback request's page-router inputs are unusable, or ``None``."""
    if not isinstance(body, dict):
        return None  # Dash refuses a body that is not an object itself, with a 4xx
    for prop, value in _router_values(body):
        if value is None:
            continue
        if not isinstance(value, str):
            return f"The page address ({prop}) must be text."
        problem = text_problem(value)
        if problem:
            return f"The page address ({prop}) {problem}."
        if prop == "pathname" and not value.startswith(path_prefix):
            return f"The page address (pathname) must start with {path_prefix}"
    return None


def init_page_router_guard(server: Flask, routes_prefix: str, requests_prefix: str) -> None:
    """``routes_prefix``: where the server answers Dash's callbacks; ``requests_prefix``: where
    pages live as the browser sees them (Dash's two prefixes; both "/" here)."""
    update_path = f"{routes_prefix}{UPDATE_PATH}"

    @server.before_request
    def _refuse_unusable_locations():
        if request.method != "POST" or request.path != update_path:
            return None
        problem = location_problem(request.get_json(silent=True), requests_prefix)
        if problem is None:
            return None
        return json_error(400, problem, code="malformed")

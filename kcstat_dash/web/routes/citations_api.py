"""Citations over HTTP: ``POST /api/citations``, ``GET /api/citations/<id>``, and 404s for /cite."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from markupsafe import escape

from kcstat_dash import i18n
from kcstat_dash.i18n import _
from kcstat_dash.services import citations
from kcstat_dash.web import asking
from kcstat_dash.web.extensions import db
from kcstat_dash.web.public_url import public_base_url
from kcstat_dash.web.routes.json_errors import json_error, posted_object

blueprint = Blueprint("citations_api", __name__)

NOT_FOUND_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title} — KCStat Dash</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>{title}</h1>
<p>{body}</p>
<p><a href="/">{home}</a></p></main></body></html>"""


def not_found_page() -> str:
    """The 404 page for an unknown citation, in the request's language."""
    return NOT_FOUND_PAGE.format(
        lang=i18n.language(), title=escape(_("Citation not found")),
        body=escape(_("There is no citation at this address. Check the link you were given.")),
        home=escape(_("Go to KCStat Dash")))


@blueprint.before_app_request
def _unknown_citation_page():
    # /cite/<id> is a Dash page, which always answers 200; an id that names no citation must
    # be a real 404 (for link checkers and archives), so it is refused here first.
    path = request.path
    if not path.startswith("/cite/"):
        return None
    try:
        citations.get_citation(db.session, path[len("/cite/"):])
    except citations.UnknownCitation:
        return not_found_page(), 404, {"Content-Type": "text/html; charset=utf-8"}
    return None


@blueprint.post("/api/citations")
def create():
    body = posted_object()
    if body is None:
        return json_error(400, "send a JSON object: {\"measure\": \"<slug>\", \"period\": "
                               "\"YYYY-MM\"}")
    # Only citations made count: a refused request (malformed, unknown) uses no slot.
    citation = asking.cite(body.get("measure"), body.get("period"))
    view = citations.public_view(citation, public_base_url(),
                                 citations.verify(db.session, citation))
    return jsonify(view), 201, {"Location": view["json_url"]}


@blueprint.get("/api/citations/<path:citation_id>")
def show(citation_id: str):
    citation = citations.get_citation(db.session, citation_id)
    return jsonify(citations.public_view(citation, public_base_url(),
                                         citations.verify(db.session, citation)))

"""Downloads: a testimony packet (CSV, Excel, JSON, printable), a meeting's Q&A, open data."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, request
from markupsafe import Markup

from kcstat_dash import i18n
from kcstat_dash.services import citations, meeting_record, open_data, packet_export
from kcstat_dash.services.citation_words import cited_heading, cited_names
from kcstat_dash.web.extensions import db
from kcstat_dash.web.public_url import public_base_url
from kcstat_dash.web.routes.json_errors import json_error

blueprint = Blueprint("exports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "X-Content-Type-Options": "nosniff"})


def _packet_views():
    """The packet named by ``?ids=a,b,c``, or an error response."""
    ids = citations.parse_ids(request.args.get("ids"))
    if not ids:
        return None, json_error(400, "ids: give one or more citation ids, e.g. ?ids=abc,def")
    return citations.packet_views(db.session, ids, public_base_url()), None


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@blueprint.get("/exports/packet.<fmt>")
def packet(fmt: str):
    if fmt not in ("csv", "xlsx", "json"):
        return json_error(404, "packets export as .csv, .xlsx or .json")
    # A file is kept and compared with others: one language (English) whatever the browser's.
    with i18n.using("en"):
        views, error = _packet_views()
        if error:
            return error
        name = f"kcstat-testimony-packet-{datetime.now(UTC):%Y-%m-%d}.{fmt}"
        if fmt == "csv":
            return _download(packet_export.packet_csv(views), "text/csv; charset=utf-8", name)
        if fmt == "xlsx":
            return _download(packet_export.packet_xlsx(views), XLSX, name)
        return _download(packet_export.packet_json(views, _stamp()),
                         "application/json; charset=utf-8", name)


@blueprint.get("/packet/print")
def packet_print():
    views, error = _packet_views()
    if error:
        return error
    charts = [packet_export.chart_geometry(v["snapshot"].get("series") or [],
                                           v["snapshot"]["measure"]["unit"]) for v in views]
    # Rendered without Flask's context processors: the page needs no login state. Its words
    # follow the request's language; what each citation says (hashed) stays English, marked.
    template = current_app.jinja_env.get_template("packet_print.html")
    english = Markup(' lang="en"') if i18n.language() != i18n.DEFAULT_LANGUAGE else ""
    return template.render(items=list(zip(views, charts, strict=True)), generated_at=_stamp(),
                           language=i18n.language(), english=english,
                           published_by=citations.PUBLISHED_BY,
                           headings=[cited_heading(v["snapshot"]) for v in views],
                           names=[cited_names(v["snapshot"])["measure"] for v in views])


@blueprint.get("/exports/meetings/<int:meeting_id>/questions.<fmt>")
def meeting_questions(meeting_id: int, fmt: str):
    if fmt not in ("csv", "json"):
        return json_error(404, "a meeting's Q&A exports as .csv or .json")
    if fmt == "csv":
        body = meeting_record.meeting_record_csv(db.session, meeting_id)
        return _download(body, "text/csv; charset=utf-8", f"kcstat-meeting-{meeting_id}-qa.csv")
    body = meeting_record.meeting_record_json(db.session, meeting_id)
    return _download(body, "application/json; charset=utf-8",
                     f"kcstat-meeting-{meeting_id}-qa.json")


@blueprint.get("/exports/open-data.<fmt>")
def open_data_download(fmt: str):
    if fmt == "csv":
        return _download(open_data.open_data_csv(db.session), "text/csv; charset=utf-8",
                         "kcstat-observations.csv")
    if fmt == "json":
        return _download(open_data.open_data_json(db.session), "application/json; charset=utf-8",
                         "kcstat-measures.json")
    return json_error(404, "open data downloads as .csv or .json")


@blueprint.get("/exports/<path:anything>")
def unknown_export(anything: str):
    # Without this, Dash's catch-all page route would answer 200 for a mistyped download.
    return json_error(404, "no such download")

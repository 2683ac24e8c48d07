"""The testimony packet: citations a resident collected in this browser, to share and export."""

from __future__ import annotations

from urllib.parse import quote

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from kcstat_dash.i18n import _, ngettext
from kcstat_dash.services import citations
from kcstat_dash.services.citation_words import cited_heading, cited_names
from layouts.citing import (
    copy_field,
    differences_table,
    facts_list,
    verification_badge,
)
from layouts.components import in_english


def packet_item(view: dict, removable: bool) -> dbc.Card:
    snapshot, verification = view["snapshot"], view["verification"]
    body = [
        html.H2(cited_heading(snapshot), className="h5"),
        html.P(in_english(view["text"]["short"]), className="packet-cite-text"),
        facts_list(view["facts"], class_name="row small packet-facts mb-2"),
        html.P([verification_badge(verification), " ", verification["summary"]],
               className="small packet-verification"),
    ]
    if verification["differences"]:
        body.append(differences_table(verification["differences"],
                                      caption=_("What changed since it was cited, and why")))
    body.append(html.A(_("Citation page"), href=f"/cite/{view['id']}", className="me-3"))
    if removable:
        body.append(html.Button(_("Remove"), id={"type": "packet-remove", "citation": view["id"]},
                                type="button", className="btn btn-link btn-sm p-0 align-baseline",
                                **{"aria-label": _("Remove {measure}, {period} from the packet",
                                                   **cited_names(snapshot))}))
    return dbc.Card(dbc.CardBody(body), className="mb-3 packet-item")


def exports(ids: list[str], base_url: str) -> html.Section:
    query = "ids=" + quote(",".join(ids))
    links = [("CSV", "csv"), ("Excel (.xlsx)", "xlsx"), ("JSON", "json")]
    return html.Section([
        html.H2(_("Export or share"), className="h4"),
        html.Ul([html.Li(html.A(_("Download {format}", format=label),
                                href=f"/exports/packet.{fmt}?{query}",
                                className=f"export-{fmt}"))
                 for label, fmt in links] +
                [html.Li(html.A(_("Printable page (print or save as PDF)"),
                                href=f"/packet/print?{query}", className="export-print"))],
                className="packet-exports"),
        copy_field("packet-share-link", _("Link to share this packet"),
                   f"{base_url}/packet?{query}", rows=2),
    ], className="mb-4")


def packet_body(views: list[dict], shared: bool, base_url: str) -> list:
    """The packet's content: its citations and the ways to take them away."""
    if not views:
        return [html.P([_("Your packet is empty. Open a measure, press") + " ",
                        html.Strong(_("Cite this")), _(", then") + " ",
                        html.Strong(_("Add to my testimony packet")), "."],
                       className="packet-empty"),
                html.A(_("Browse the measures"), href="/")]
    heading = (ngettext("{count} citation shared with you", "{count} citations shared with you",
                        len(views)) if shared else
               ngettext("{count} citation in your packet", "{count} citations in your packet",
                        len(views)))
    children = [html.P(heading, className="lead packet-count")]
    if shared:
        children.append(dbc.Button(_("Add these to my packet"), id="packet-keep-shared",
                                   color="secondary", className="mb-3"))
    children += [packet_item(v, removable=not shared) for v in views]
    children.append(exports([v["id"] for v in views], base_url))
    if not shared:
        children.append(dbc.Button(_("Empty my packet"), id="packet-clear", color="danger",
                                   outline=True))
    return children


def layout(ids: str | None = None, **_query) -> html.Div:
    try:
        shared = citations.parse_ids(ids) if ids else None
    except citations.CitationInputError:
        shared = None
    return html.Div([
        html.H1(_("Testimony packet")),
        html.P(_("Collect citations here to take to a hearing. The packet lives in this browser "
                 "(no account); share it with the link below or export it."),
               className="text-muted"),
        dcc.Store(id="packet-shared", data=shared),
        dcc.Loading(html.Div(id="packet-body", **{"aria-live": "polite"})),
    ], className="packet-page")


def register() -> None:
    dash.register_page(__name__, path="/packet", name="Testimony packet", title=title,
                       layout=layout)


def title(**_query) -> str:
    """The page's title in the request's language (Dash Pages calls it per request)."""
    return _("KCStat Dash — {page}", page=_("Testimony packet"))

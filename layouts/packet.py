"""The testimony packet: citations a resident collected in this browser, to share and export."""

from __future__ import annotations

from urllib.parse import quote

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from kcstat_dash.services import citations
from layouts.citing import copy_field, differences_table, facts_list, verification_badge


def packet_item(view: dict, removable: bool) -> dbc.Card:
    snapshot, verification = view["snapshot"], view["verification"]
    body = [
        html.H2(f"{snapshot['measure']['name']}, {snapshot['period_label']}: "
                f"{snapshot['value_text']}", className="h5"),
        html.P(view["text"]["short"], className="packet-cite-text"),
        facts_list(view["facts"], class_name="row small packet-facts mb-2"),
        html.P([verification_badge(verification), " ", verification["summary"]],
               className="small packet-verification"),
    ]
    if verification["differences"]:
        body.append(differences_table(verification["differences"],
                                      caption="What changed since it was cited, and why"))
    body.append(html.A("Citation page", href=f"/cite/{view['id']}", className="me-3"))
    if removable:
        body.append(html.Button("Remove", id={"type": "packet-remove", "citation": view["id"]},
                                type="button", className="btn btn-link btn-sm p-0 align-baseline",
                                **{"aria-label": f"Remove {snapshot['measure']['name']}, "
                                                 f"{snapshot['period_label']} from the packet"}))
    return dbc.Card(dbc.CardBody(body), className="mb-3 packet-item")


def exports(ids: list[str], base_url: str) -> html.Section:
    query = "ids=" + quote(",".join(ids))
    links = [("CSV", "csv"), ("Excel (.xlsx)", "xlsx"), ("JSON", "json")]
    return html.Section([
        html.H2("Export or share", className="h4"),
        html.Ul([html.Li(html.A(f"Download {label}", href=f"/exports/packet.{fmt}?{query}",
                                className=f"export-{fmt}"))
                 for label, fmt in links] +
                [html.Li(html.A("Printable page (print or save as PDF)",
                                href=f"/packet/print?{query}", className="export-print"))],
                className="packet-exports"),
        copy_field("packet-share-link", "Link to share this packet",
                   f"{base_url}/packet?{query}", rows=2),
    ], className="mb-4")


def packet_body(views: list[dict], shared: bool, base_url: str) -> list:
    """The packet's content: its citations and the ways to take them away."""
    if not views:
        return [html.P(["Your packet is empty. Open a measure, press ", html.Strong("Cite this"),
                        ", then ", html.Strong("Add to my testimony packet"), "."],
                       className="packet-empty"),
                html.A("Browse the measures", href="/")]
    heading = (f"{len(views)} citation{'s' if len(views) != 1 else ''} "
               + ("shared with you" if shared else "in your packet"))
    children = [html.P(heading, className="lead packet-count")]
    if shared:
        children.append(dbc.Button("Add these to my packet", id="packet-keep-shared",
                                   color="secondary", className="mb-3"))
    children += [packet_item(v, removable=not shared) for v in views]
    children.append(exports([v["id"] for v in views], base_url))
    if not shared:
        children.append(dbc.Button("Empty my packet", id="packet-clear", color="danger",
                                   outline=True))
    return children


def layout(ids: str | None = None, **_query) -> html.Div:
    try:
        shared = citations.parse_ids(ids) if ids else None
    except citations.CitationInputError:
        shared = None
    return html.Div([
        html.H1("Testimony packet"),
        html.P("Collect citations here to take to a hearing. The packet lives in this browser "
               "(no account); share it with the link below or export it.", className="text-muted"),
        dcc.Store(id="packet-shared", data=shared),
        dcc.Loading(html.Div(id="packet-body", **{"aria-live": "polite"})),
    ], className="packet-page")


def register() -> None:
    dash.register_page(__name__, path="/packet", name="Testimony packet",
                       title="KCStat Dash — Testimony packet", layout=layout)

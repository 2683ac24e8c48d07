"""A citation's permanent page: the snapshot, today's verification, and texts to copy."""

from __future__ import annotations

from datetime import UTC, datetime

import dash
from dash import html

from kcstat_dash.services import citations, verdicts
from kcstat_dash.timezone import format_local
from layouts.citing import add_to_packet_button, copy_field, snapshot_list, verification_panel
from layouts.components import empty_state

HOW_TO_CHECK = """import hashlib, json, urllib.request
body = json.load(urllib.request.urlopen("{json_url}"))
canonical = json.dumps(body["snapshot"], sort_keys=True, separators=(",", ":"),
                       ensure_ascii=False)
print(hashlib.sha256(canonical.encode("utf-8")).hexdigest() == body["content_hash"])"""


def _local(iso: str | None) -> str | None:
    if not iso:
        return None
    return format_local(datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC))


def render(view: dict | None) -> html.Div:
    """The page from ``services.page_data.cite_page`` (None: no such citation)."""
    if view is None:
        return empty_state("Citation not found", "There is no citation at this address.",
                           html.A("See all measures", href="/"))
    snapshot = view["snapshot"]
    return html.Div([
        html.P("Citation", className="eyebrow"),
        html.H1(f"{snapshot['measure']['name']}, {snapshot['period_label']}: "
                f"{snapshot['value_text']}"),
        html.P(" · ".join([*citations.qualifiers(snapshot),
                           f"{verdicts.status_label(snapshot['status'])} when cited"
                           + (f" (target {snapshot['target_text']})"
                              if snapshot["target_text"] else "")]),
               className="lead cite-qualifiers"),
        html.P([f"Published by {snapshot['publisher']}. This page is permanent; its snapshot "
                "never changes. ", html.A("Go to the measure",
                                          href=f"/measures/{snapshot['measure']['slug']}")],
               className="cite-publisher"),
        verification_panel(view["verification"]),
        html.Section([
            html.H2("Cite it", className="h4"),
            copy_field("cite-short-text", "Short form", view["text"]["short"]),
            copy_field("cite-full-text", "Full form", view["text"]["full"], rows=6),
            add_to_packet_button(view["id"]),
            html.P(html.A("Open my testimony packet", href="/packet")),
        ], className="mb-4"),
        html.Section([
            html.H2("What was published when it was cited", className="h4"),
            snapshot_list(view, _local(snapshot["cited_at"]),
                          _local(snapshot["source"]["imported_at"])),
        ], className="mb-4"),
        html.Section([
            html.H2("Check it yourself", className="h4"),
            html.P(["The hash is SHA-256 over the snapshot written as canonical JSON (RFC 8785: "
                    "keys sorted, no spaces, UTF-8, whole numbers without a decimal point). "
                    "Get the ", html.A("citation as JSON", href=view["json_url"],
                                        className="citation-json-link"),
                    " and run:"]),
            html.Pre(html.Code(HOW_TO_CHECK.format(json_url=view["json_url"])),
                     className="how-to-check", tabIndex="0"),
        ], className="mb-4"),
    ], className="cite-page")


def title(citation_id: str | None = None, **_query) -> str:
    return "KCStat Dash — Citation"


def register(layout) -> None:
    """Register the page; ``layout`` (callbacks/pages.py) loads its data and calls render."""
    dash.register_page(__name__, path_template="/cite/<citation_id>", name="Citation",
                       title=title, layout=layout)

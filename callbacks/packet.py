"""The testimony packet page: show the browser's (or a shared link's) citations; edit the list."""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, ctx, html, no_update

from kcstat_dash.i18n import _
from kcstat_dash.services import citations
from kcstat_dash.web.extensions import db
from kcstat_dash.web.public_url import public_base_url
from layouts.packet import packet_body


def register(app: dash.Dash) -> None:
    @app.callback(Output("packet-body", "children"), Input("packet-ids", "data"),
                  Input("packet-shared", "data"))
    def render_packet(packet, shared):
        ids = citations.known_ids(db.session, shared if shared is not None else packet)
        views = citations.packet_views(db.session, ids, public_base_url())
        return packet_body(views, shared=shared is not None, base_url=public_base_url())

    @app.callback(Output("packet-ids", "data", allow_duplicate=True),
                  Input({"type": "packet-remove", "citation": ALL}, "n_clicks"),
                  State("packet-ids", "data"), prevent_initial_call=True)
    def remove(clicks, packet):
        if not ctx.triggered_id or not any(t["value"] for t in ctx.triggered):
            return no_update
        return citations.packet_without(packet, ctx.triggered_id.get("citation"))

    @app.callback(Output("packet-ids", "data", allow_duplicate=True),
                  Input("packet-clear", "n_clicks"), prevent_initial_call=True)
    def clear(clicks):
        return [] if clicks else no_update

    @app.callback(Output("packet-ids", "data", allow_duplicate=True),
                  Output("packet-keep-shared", "children"),
                  Input("packet-keep-shared", "n_clicks"), State("packet-shared", "data"),
                  State("packet-ids", "data"), prevent_initial_call=True)
    def keep_shared(clicks, shared, packet):
        if not clicks:
            return no_update, no_update
        kept = citations.packet_with(packet, citations.known_ids(db.session, shared))
        return kept, [html.Span("✓", **{"aria-hidden": "true"}),
                      " " + _("Added: your packet has {count}", count=len(kept))]

"""Citing from the measure and citation pages: pick a period, cite it, copy it, collect it."""

from __future__ import annotations

import dash
from dash import ALL, MATCH, Input, Output, State, ctx, no_update

from callbacks.errors import DomainError, message_for
from kcstat_dash.i18n import _, ngettext
from kcstat_dash.services import citations
from kcstat_dash.services.formatting import is_period
from kcstat_dash.web import asking
from kcstat_dash.web.public_url import public_base_url
from layouts.charts import clicked_period
from layouts.citing import citation_created, cite_error, flag_citation_created
from layouts.ids import meeting as meeting_ids

COPY_JS = """
function(clicks, id) {
    if (!clicks) { return window.dash_clientside.no_update; }
    const field = document.getElementById(id.target);
    if (!field) { return ""; }
    // The words are the page's, on the field's wrapper (layouts/citing.py, copy_field).
    const words = (field.closest(".copy-field") || {}).dataset || {};
    const copied = words.copied || "Copied.";
    const selected = words.selected || "Selected: press Ctrl+C to copy.";
    const fallback = () => { field.focus(); field.select();
        return document.execCommand("copy") ? copied : selected; };
    if (navigator.clipboard && window.isSecureContext) {
        return navigator.clipboard.writeText(field.value).then(() => copied, fallback);
    }
    return fallback();
}
"""


def cite(slug, period) -> object:
    """Create the citation (one transaction) and render it, or say why not."""
    try:
        citation = asking.cite(slug, period)
    except DomainError as error:
        return cite_error(message_for(error))
    return citation_created(citations.public_view(citation, public_base_url()))


def register(app: dash.Dash) -> None:
    @app.callback(Output("cite-period", "value"),
                  Input({"type": "measure-chart", "slug": ALL}, "clickData"),
                  prevent_initial_call=True)
    def select_clicked_period(click_data):
        # Clicking any point on the trend chart picks that period to cite.
        for clicked in click_data if isinstance(click_data, list) else []:
            period = clicked_period(clicked)
            if period and is_period(period):
                return period
        return no_update

    @app.callback(Output("cite-result", "children"), Input("cite-button", "n_clicks"),
                  State("cite-measure", "data"), State("cite-period", "value"),
                  prevent_initial_call=True)
    def cite_selected(clicks, slug, period):
        return cite(slug, period) if clicks else no_update

    @app.callback(Output("packet-ids", "data", allow_duplicate=True),
                  Input({"type": "add-to-packet", "citation": ALL}, "n_clicks"),
                  State("packet-ids", "data"), prevent_initial_call=True)
    def add_to_packet(clicks, packet):
        # A button newly drawn also "triggers" with no clicks; only a real click adds.
        if not ctx.triggered_id or not any(t["value"] for t in ctx.triggered):
            return no_update
        return citations.packet_with(packet, [ctx.triggered_id.get("citation")])

    @app.callback(Output({"type": "packet-add-status", "citation": ALL}, "children"),
                  Input("packet-ids", "data"),
                  Input({"type": "add-to-packet", "citation": ALL}, "id"))
    def show_in_packet(packet, buttons):
        packet = citations.packet_ids(packet)
        return [ngettext("✓ In your packet ({count} citation).",
                         "✓ In your packet ({count} citations).", len(packet))
                if isinstance(b, dict) and b.get("citation") in packet else ""
                for b in (buttons if isinstance(buttons, list) else [])]

    @app.callback(Output("packet-count", "children"), Input("packet-ids", "data"))
    def packet_count(packet):
        packet = citations.packet_ids(packet)
        return f"({len(packet)})" if packet else ""

    @app.callback(Output(meeting_ids.CITE_FLAG_STATUS, "children"),
                  Input(meeting_ids.cite_flag(ALL, ALL, ALL), "n_clicks"),
                  prevent_initial_call=True)
    def cite_flagged(clicks):
        # The measure and period come from the button's id, so the service validates them as
        # it would any caller's. The meeting page stays: the citation is offered in a new tab.
        if not ctx.triggered_id or not any(t["value"] for t in ctx.triggered):
            return no_update
        try:
            citation = asking.cite(ctx.triggered_id.get("measure"), ctx.triggered_id.get("period"))
        except DomainError as error:
            return cite_error(message_for(error) or _("That statistic cannot be cited."))
        return flag_citation_created(citations.public_view(citation, public_base_url()))

    app.clientside_callback(COPY_JS, Output({"type": "copy-status", "target": MATCH}, "children"),
                            Input({"type": "copy-button", "target": MATCH}, "n_clicks"),
                            State({"type": "copy-button", "target": MATCH}, "id"),
                            prevent_initial_call=True)

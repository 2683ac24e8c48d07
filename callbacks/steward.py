"""The stewardship page's callbacks: each checks the caller is an analyst or admin first."""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.errors import DomainError, message_for
from kcstat_dash.services import measures, stewardship
from kcstat_dash.services.accounts import STEWARD
from kcstat_dash.web.auth import require_role
from kcstat_dash.web.extensions import db
from layouts import steward as view
from layouts.staff import message

SAVE_BUTTONS = ("stw-save-target", "stw-save-narrative", "stw-save-peer")


def save(button: str, slug: str, form: dict, user_id: int) -> str:
    """One change in one transaction with its audit entry; returns what was done, in words."""
    with db.transaction() as session:
        if button == "stw-save-target":
            stewardship.set_target(session, slug, form["target_period"], form["target_value"],
                                   user_id)
            return "Target saved; earlier periods keep the targets they had."
        if button == "stw-save-narrative":
            stewardship.write_narrative(session, slug, form["narrative_period"],
                                        form["narrative_body"], user_id)
            return "Narrative published."
        stewardship.add_peer(session, slug, form["peer_period"], form["peer_name"],
                             form["peer_value"], form["peer_url"], user_id)
        return "Peer value saved."


def register(app: dash.Dash) -> None:
    @app.callback(
        Output("stw-history", "children"), Output("stw-todo", "children"),
        Input("stw-measure", "value"), Input("stw-refresh", "data"),
    )
    def show(slug, _refresh):
        require_role(*STEWARD)
        todo = view.todo_list(stewardship.todo(db.session))
        if not slug:
            return None, todo
        try:
            measure = measures.get_measure(db.session, slug)
        except measures.UnknownMeasure:
            return None, todo
        return view.target_history(stewardship.target_history(db.session, slug),
                                   measure.unit), todo

    @app.callback(
        Output("stw-measure", "value"), Output("stw-narrative-period", "value"),
        Input({"type": "stw-todo", "slug": ALL, "period": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def pick_todo(_clicks):
        require_role(*STEWARD)
        if not ctx.triggered or not ctx.triggered[0].get("value"):
            raise PreventUpdate
        return ctx.triggered_id["slug"], ctx.triggered_id["period"]

    @app.callback(
        Output("stw-message", "children"), Output("stw-refresh", "data"),
        *[Input(button, "n_clicks") for button in SAVE_BUTTONS],
        State("stw-measure", "value"),
        State("stw-target-period", "value"), State("stw-target-value", "value"),
        State("stw-narrative-period", "value"), State("stw-narrative-body", "value"),
        State("stw-peer-period", "value"), State("stw-peer-name", "value"),
        State("stw-peer-value", "value"), State("stw-peer-url", "value"),
        State("stw-refresh", "data"),
        prevent_initial_call=True,
    )
    def act(_t, _n, _p, slug, target_period, target_value, narrative_period, narrative_body,
            peer_period, peer_name, peer_value, peer_url, refresh):
        user = require_role(*STEWARD)
        button = ctx.triggered_id
        if button not in SAVE_BUTTONS or not ctx.triggered[0].get("value"):
            raise PreventUpdate
        form = {"target_period": target_period, "target_value": target_value,
                "narrative_period": narrative_period, "narrative_body": narrative_body,
                "peer_period": peer_period, "peer_name": peer_name, "peer_value": peer_value,
                "peer_url": peer_url}
        try:
            text = save(button, slug, form, user.id)
        except DomainError as error:
            return message(message_for(error), ok=False), no_update
        return message(text), (refresh or 0) + 1

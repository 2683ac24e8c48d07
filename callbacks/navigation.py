"""The navigation bar's toggle on narrow screens."""

from __future__ import annotations

import dash
from dash import Input, Output, State


def register(app: dash.Dash) -> None:
    app.clientside_callback(
        "function(clicks, isOpen) { return clicks ? !isOpen : isOpen; }",
        Output("nav-collapse", "is_open"),
        Input("nav-toggle", "n_clicks"),
        State("nav-collapse", "is_open"),
    )

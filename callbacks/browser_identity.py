"""Gives each browser a random id in local storage (made in the browser, on its first visit)."""

from __future__ import annotations

import dash
from dash import ClientsideFunction, Input, Output, State


def register(app: dash.Dash) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="kcstat", function_name="ensureBrowserId"),
        Output("browser-id", "data"),
        Input("browser-id", "modified_timestamp"),
        State("browser-id", "data"),
    )

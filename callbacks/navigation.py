"""The navigation bar's toggle on narrow screens, and where focus goes after a page change."""

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
    # The toggler tells a screen reader whether the menu it controls is open.
    app.clientside_callback(
        "function(isOpen) { return isOpen ? 'true' : 'false'; }",
        Output("nav-toggle", "aria-expanded"),
        Input("nav-collapse", "is_open"),
    )
    # Dash changes pages without a page load, so a screen reader or keyboard user would be left
    # on a link that no longer exists: move focus to the new page's main region (as a fresh page
    # load would put them at its top), and fold the phone menu away.
    app.clientside_callback(
        """function(pathname) {
            // Dash reports the first pathname as a change too: remember it, move nothing.
            var seen = window.kcstatPathname;
            window.kcstatPathname = pathname;
            if (seen === undefined || seen === pathname) {
                return window.dash_clientside.no_update;
            }
            var main = document.getElementById("main");
            if (main) { main.focus({preventScroll: true}); window.scrollTo(0, 0); }
            return false;
        }""",
        Output("nav-collapse", "is_open", allow_duplicate=True),
        Input("_pages_location", "pathname"),
        prevent_initial_call=True,
    )

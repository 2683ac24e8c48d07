"""The frame around every page: skip link, navigation of the six areas, main, footer."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from kcstat_dash.i18n import LANGUAGE_NAMES, LANGUAGES, _, language
from kcstat_dash.services.accounts import ADMIN, MODERATE, STEWARD
from kcstat_dash.services.areas import AREAS
from kcstat_dash.web.auth import current_staff
from layouts.staff import account_links


def language_switch() -> html.Div:
    """One tap to each other language, named in that language (and marked as it, WCAG 3.1.2).
    A plain link, so the whole page is made again in the new language."""
    return html.Div([html.A(LANGUAGE_NAMES[code], href=f"/lang/{code}", lang=code,
                            hrefLang=code, className="nav-link language-switch")
                     for code in LANGUAGES if code != language()], className="navbar-nav")


def navigation() -> dbc.Navbar:
    area_links = [dbc.DropdownMenuItem(_(a.name), href=f"/areas/{a.slug}") for a in AREAS]
    return dbc.Navbar(
        dbc.Container([
            dbc.NavbarBrand([html.Span("KC", className="brand-mark", **{"aria-hidden": "true"}),
                             html.Span("KCStat", className="brand-name"),
                             html.Span(_("Kansas City performance"), className="brand-tagline")],
                            href="/", className="brand"),
            # A plain button (dbc's toggler cannot say whether the menu is open: aria-expanded).
            html.Button(html.Span(className="navbar-toggler-icon"), id="nav-toggle",
                        type="button", className="navbar-toggler", n_clicks=0,
                        **{"aria-label": _("Toggle navigation"), "aria-controls": "nav-collapse",
                           "aria-expanded": "false"}),
            dbc.Collapse(dbc.Nav([
                dbc.NavItem(dbc.NavLink(_("Overview"), href="/")),
                dbc.DropdownMenu(area_links, label=_("Goal areas"), nav=True, in_navbar=True),
                dbc.NavItem(dbc.NavLink(_("Meetings"), href="/meetings")),
                dbc.NavItem(dbc.NavLink([_("Testimony packet") + " ",
                                         html.Span(id="packet-count")], href="/packet")),
            ], navbar=True, className="ms-auto"), id="nav-collapse", navbar=True),
            language_switch(),
        ], fluid="lg"),
        color="dark", dark=True, expand="md", className="site-nav",
    )


def page_container_with_loading() -> dcc.Loading:
    """Dash Pages' container, dimmed with a spinner while a slow page is being built; only the
    page change triggers it (not a live feed's update), and only after a moment."""
    return dcc.Loading(dash.page_container, target_components={"_pages_content": "children"},
                       delay_show=400, type="circle", color="#0b5394",
                       overlay_style={"visibility": "visible", "opacity": 0.4},
                       parent_className="page-loading")


def staff_links() -> html.P:
    """The footer's way in for staff; signed-in staff get links to their pages."""
    staff = current_staff()
    if staff is None:
        return html.P(html.A(_("Staff sign-in"), href="/login"), className="small staff-links")
    pages = [("Question queue", "/moderate", MODERATE), ("Stewardship", "/steward", STEWARD),
             ("Administration", "/admin", ADMIN)]
    links = [html.A(name, href=href, className="me-3") for name, href, roles in pages
             if staff.can(roles)]
    return html.P([f"Signed in as {staff.email}: ", *links, *account_links()],
                  className="small staff-links")


def app_shell() -> html.Div:
    """Called per page load, so the layout always reflects the current data."""
    return html.Div([
        html.A(_("Skip to main content"), href="#main", className="skip-link"),
        html.Header(navigation(), role="banner"),
        html.Main(dbc.Container(page_container_with_loading(), fluid="lg"), id="main",
                  tabIndex="-1"),
        html.Footer(dbc.Container([
            html.P([_("Open data: every measure and observation as") + " ",
                    html.A("CSV", href="/exports/open-data.csv", className="open-data-csv"),
                    " " + _("or") + " ", html.A("JSON", href="/exports/open-data.json",
                                                className="open-data-json"), "."]),
            html.P([_("Data: Kansas City 311 service requests and published resident survey "
                      "figures") + " (", html.A("data.kcmo.org", href="https://data.kcmo.org"),
                    "). " + _("Times are shown in Kansas City time (America/Chicago).")]),
            staff_links(),
        ], fluid="lg"), className="site-footer", role="contentinfo"),
        # The testimony packet's citation ids: kept in this browser, no account needed.
        dcc.Store(id="packet-ids", storage_type="local"),
    ])

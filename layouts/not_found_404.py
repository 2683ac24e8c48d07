"""The page for an address the app does not know: says so, and offers the ways on."""

from __future__ import annotations

import dash
from dash import html

from kcstat_dash.i18n import _
from kcstat_dash.services.areas import AREAS


def layout(**_query) -> html.Div:
    return html.Div([
        html.P(_("Error 404"), className="eyebrow"),
        html.H1(_("We could not find that page")),
        html.P(_("The address may be mistyped, or the page may have moved. These are the ways "
                 "into the city's performance measures:"), className="lead"),
        html.Ul([
            html.Li(html.A(_("All measures, by goal area"), href="/")),
            *[html.Li(html.A(_(area.name), href=f"/areas/{area.slug}")) for area in AREAS],
            html.Li(html.A(_("KCStat meetings and their live Q&A"), href="/meetings")),
        ], className="way-on"),
    ], className="empty-state not-found")


def register() -> None:
    # Dash Pages shows the page of a module named "not_found_404" for unknown paths.
    dash.register_page(__name__, path="/404", name="Page not found", title=title, layout=layout)


def title(**_query) -> str:
    """The page's title in the request's language (Dash Pages calls it per request)."""
    return _("KCStat Dash — {page}", page=_("Page not found"))

"""An area page: one goal area's measures, with their status against target."""

from __future__ import annotations

import dash
from dash import html

from kcstat_dash.i18n import N_, _
from kcstat_dash.services.areas import AREAS
from layouts.components import empty_state, first_coverage, scope_notice
from layouts.live_banner import live_banner
from layouts.overview import summary_counts
from layouts.source_groups import group_section, grouped


def render(area: dict | None) -> html.Div:
    """The page from ``services.page_data.area_page`` (None: no such area)."""
    if area is None:
        return empty_state(_("Area not found"), _("There is no goal area at this address."),
                           html.A(_("See all six areas"), href="/"))
    sections = [html.H1(area["name"]), html.P(area["description"], className="lead"),
                scope_notice(first_coverage(area["measures"])),
                summary_counts(area["measures"]) if area["measures"] else None]
    sections.insert(1, live_banner(area.get("live_meetings")))
    if not any(m["kind"] == "311" for m in area["measures"]):
        sections.append(html.P(
            _("The 311 data has no requests that measure this area's work; the measures below "
              "come from other sources, each under a heading that names it.")
            if area["measures"] else
            _("The 311 data has no requests that measure this area's work; no other source has "
              "been loaded for it yet."),
            className="no-311-data"))
    # Grouped by source, so police counts never stand under a survey heading.
    sections += [group_section(group, members) for group, members in grouped(area["measures"])]
    return html.Div([s for s in sections if s is not None])


def title(slug: str | None = None, **_query) -> str:
    """The area's name in the request's language (Dash Pages calls this per request)."""
    name = next((a.name for a in AREAS if a.slug == slug), N_("Area"))
    return _("KCStat Dash — {page}", page=_(name))


def register(layout) -> None:
    """Register the page; ``layout`` (callbacks/pages.py) loads its data and calls render."""
    dash.register_page(__name__, path_template="/areas/<slug>", name="Area", title=title,
                       layout=layout)

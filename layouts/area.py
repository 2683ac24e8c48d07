"""An area page: one goal area's measures, with their status against target."""

from __future__ import annotations

import dash
from dash import html

from kcstat_dash.services.areas import AREAS
from layouts.components import empty_state, first_coverage, scope_notice
from layouts.live_banner import live_banner
from layouts.overview import measures_table, summary_counts


def render(area: dict | None) -> html.Div:
    """The page from ``services.page_data.area_page`` (None: no such area)."""
    if area is None:
        return empty_state("Area not found", "There is no goal area at this address.",
                           html.A("See all six areas", href="/"))
    from_311 = [m for m in area["measures"] if m["kind"] == "311"]
    other = [m for m in area["measures"] if m["kind"] != "311"]
    sections = [html.H1(area["name"]), html.P(area["description"], className="lead"),
                scope_notice(first_coverage(area["measures"])),
                summary_counts(area["measures"]) if area["measures"] else None]
    sections.insert(1, live_banner(area.get("live_meetings")))
    sections.append(html.H2("From 311 service requests", className="h4"))
    sections.append(measures_table(from_311, "Measures from 311 data") if from_311 else html.P(
        "The 311 data has no requests that measure this area's work; the measures below come "
        "from the resident survey.", className="no-311-data"))
    if other:
        sections += [html.H2("From the resident satisfaction survey", className="h4"),
                     measures_table(other, "Survey measures")]
    return html.Div([s for s in sections if s is not None])


def title(slug: str | None = None, **_query) -> str:
    name = next((a.name for a in AREAS if a.slug == slug), "Area")
    return f"KCStat Dash — {name}"


def register(layout) -> None:
    """Register the page; ``layout`` (callbacks/pages.py) loads its data and calls render."""
    dash.register_page(__name__, path_template="/areas/<slug>", name="Area", title=title,
                       layout=layout)

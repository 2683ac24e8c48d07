"""The overview page: the six goal areas with each measure's latest value and status."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from kcstat_dash.i18n import N_, _
from kcstat_dash.services import measures
from layouts.components import (
    english_mark,
    first_coverage,
    headline_facts,
    headline_value,
    judged_class,
    partial_line,
    period_text,
    scope_notice,
    status_badge,
    status_sentence,
    target_text,
    verdict_words,
)
from layouts.live_banner import live_banner


def measure_row(summary: dict) -> html.Tr:
    """One measure: its latest complete value with n and data-through, its status (and, for a
    survey value within its margin of the target, why that is no verdict), and the month in
    progress apart, unjudged."""
    words = verdict_words(summary)
    return html.Tr([
        html.Th(html.A(summary["name"], href=f"/measures/{summary['slug']}",
                       **english_mark(summary, "name")), scope="row"),
        html.Td([headline_value(summary, "headline"),
                 html.Div(headline_facts(summary), className="small headline-facts")],
                className="num"),
        html.Td([period_text(summary["latest_period"]),
                 partial_line(summary, "partial-month small text-muted mb-0")]),
        html.Td([status_badge(summary["status"]),
                 html.Div(words, className="small verdict-words") if words else None,
                 html.Div(target_text(summary["target"], summary["unit"], summary["direction"]),
                          className="small text-muted")]),
    ], className=judged_class(summary["status"]) and "row-too-few")


def measures_table(summaries: list[dict], caption: str) -> dbc.Table:
    return dbc.Table([
        html.Caption(caption, className="visually-hidden"),
        html.Thead(html.Tr([html.Th(_(heading), scope="col") for heading in (
            N_("Measure"), N_("Latest"), N_("Latest complete month"), N_("Status"))])),
        html.Tbody([measure_row(s) for s in summaries]),
    ], responsive=True, className="measures-table align-middle")


def area_card(area: dict) -> dbc.Card:
    body = (measures_table(area["measures"], _("Measures for {area}", area=area["name"]))
            if area["measures"]
            else html.P(_("No measures yet: the data loaded so far has none for this area.")))
    return dbc.Card([
        dbc.CardHeader(html.H2(html.A(area["name"], href=f"/areas/{area['slug']}"),
                               className="h4")),
        dbc.CardBody([html.P(area["description"], className="text-muted"), body]),
    ], className="area-card mb-4")


def summary_counts(summaries: list[dict]) -> html.P:
    """The count by status, by the one rule (the staff to-do page states the same)."""
    return html.P(status_sentence(measures.status_counts(summaries)),
                  className="lead status-summary")


def render(data: dict) -> html.Div:
    """The page from ``services.page_data.overview_page``."""
    areas = data["areas"]
    # Measures without a single value yet (a fresh database, whose catalog exists) are no data.
    if not any(m["latest_period"] for a in areas for m in a["measures"]):
        return html.Div([html.H1(_("KCStat performance measures")), html.P(
            _("No data is loaded yet. Run `kcstat demo` to load the Kansas City sample, or "
              "`kcstat import-311 FILE` to import a 311 export."))])
    all_measures = [m for a in areas for m in a["measures"]]
    return html.Div([
        html.H1(_("KCStat performance measures")),
        live_banner(data.get("live_meetings")),
        scope_notice(first_coverage(all_measures)),
        summary_counts(all_measures),
        *[area_card(a) for a in areas],
    ])


def register(layout) -> None:
    """Register the page; ``layout`` (callbacks/pages.py) loads its data and calls render."""
    dash.register_page(__name__, path="/", name="Overview", title=title, layout=layout)


def title(**_query) -> str:
    """The page's title in the request's language (Dash Pages calls it per request)."""
    return _("KCStat Dash — {page}", page=_("Overview"))

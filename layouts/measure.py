"""A measure page: trend with target, narrative, peers, and the neighborhood breakdown."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from kcstat_dash.services import measures
from kcstat_dash.services.formatting import format_value, period_label
from kcstat_dash.web.extensions import db
from layouts.charts import neighborhood_map, trend_figure
from layouts.citing import cite_section
from layouts.components import empty_state, period_text, status_badge, target_text


def data_table(detail: dict, recent: int = 24) -> html.Details:
    """The chart's text alternative: the values themselves, newest first."""
    points = list(reversed(detail["observations"]))[:recent]
    unit = detail["unit"]
    return html.Details([
        html.Summary(f"Data table (latest {len(points)} periods)"),
        dbc.Table([
            html.Thead(html.Tr([html.Th("Period", scope="col"), html.Th("Value", scope="col"),
                                html.Th("Target", scope="col"), html.Th("Status", scope="col"),
                                html.Th("Requests", scope="col")])),
            html.Tbody([html.Tr([
                html.Td(period_label(p["period"])), html.Td(format_value(p["value"], unit)),
                html.Td(format_value(p["target"], unit) if p["target"] is not None else "—"),
                html.Td(status_badge(p["status"])),
                html.Td(f"{p['n']:,}" if p["n"] else "—"),
            ]) for p in points]),
        ], size="sm", responsive=True),
    ], className="data-table")


def chart_summary(detail: dict) -> str:
    points = detail["observations"]
    if not points:
        return "No values yet."
    values = [p["value"] for p in points]
    unit = detail["unit"]
    met = sum(p["status"] == "met" for p in points)
    with_target = sum(p["status"] in ("met", "missed") for p in points)
    text = (f"{len(points)} periods from {period_label(points[0]['period'])} to "
            f"{period_label(points[-1]['period'])}; lowest {format_value(min(values), unit)}, "
            f"highest {format_value(max(values), unit)}, latest "
            f"{format_value(values[-1], unit)}.")
    if with_target:
        text += f" The target was met in {met} of {with_target} periods with a target."
    return text


def narrative_section(detail: dict) -> html.Section:
    children = [html.H2("What the city says", className="h4")]
    if detail["narrative"]:
        children.append(html.P(detail["narrative"], className="narrative"))
    elif detail["narrative_missing"]:
        children.append(dbc.Alert([html.Strong("Narrative missing. "),
                                   f"The target was missed in {period_text(detail['latest_period'])}"
                                   " and no explanation has been published yet."],
                                  color="warning", className="narrative-missing"))
    else:
        children.append(html.P("No narrative for the latest period."))
    return html.Section(children, className="mb-4")


def peers_section(detail: dict) -> html.Section | None:
    if not detail["peers"]:
        return None
    unit = detail["unit"]
    own = {p["period"]: p["value"] for p in detail["observations"]}
    return html.Section([
        html.H2("How Kansas City compares", className="h4"),
        dbc.Table([
            html.Thead(html.Tr([html.Th("Period", scope="col"), html.Th("Compared with", scope="col"),
                                html.Th("Their value", scope="col"),
                                html.Th("Kansas City", scope="col"), html.Th("Source", scope="col")])),
            html.Tbody([html.Tr([
                html.Td(period_label(p["period"])), html.Td(p["peer"]),
                html.Td(format_value(p["value"], unit)),
                html.Td(format_value(own.get(p["period"]), unit)),
                html.Td(html.A("source", href=p["source_url"]) if p["source_url"] else "—"),
            ]) for p in detail["peers"]]),
        ], size="sm", responsive=True),
    ], className="mb-4 peers")


def neighborhoods_section(detail: dict) -> html.Section | None:
    rows = detail["neighborhoods"]
    if not rows:
        return None
    unit = detail["unit"]
    figure = neighborhood_map(detail)
    chart = html.Figure([
        dcc.Graph(figure=figure, config={"displayModeBar": False, "responsive": True},
                  className="neighborhood-map"),
        html.Figcaption("Map of the neighborhoods with data, darker for higher values; grey "
                        "neighborhoods have none. The table below lists the same values.",
                        className="small text-muted"),
    ], className="mb-3") if figure is not None else None
    return html.Section([
        html.H2(f"By neighborhood, {rows[0]['window']}", className="h4"),
        chart,
        dbc.Table([
            html.Thead(html.Tr([html.Th("Neighborhood", scope="col"), html.Th("Value", scope="col"),
                                html.Th("Requests", scope="col")])),
            html.Tbody([html.Tr([html.Td(r["neighborhood"]), html.Td(format_value(r["value"], unit)),
                                 html.Td(f"{r['request_count']:,}")]) for r in rows]),
        ], size="sm", responsive=True),
    ], className="mb-4 neighborhoods")


def layout(slug: str | None = None, **_query) -> html.Div:
    try:
        detail = measures.measure_detail(db.session, slug or "")
    except measures.UnknownMeasure:
        return empty_state("Measure not found", f"No measure is published as “{slug}”.",
                           html.A("See all measures", href="/"))
    unit = detail["unit"]
    header = html.Div([
        html.P(html.A(detail["area"], href=f"/areas/{detail['area_slug']}"), className="eyebrow"),
        html.H1(detail["name"]),
        html.P(detail["definition"], className="definition"),
        html.Div([
            html.Span(format_value(detail["latest_value"], unit), className="big-number"),
            html.Span(f" in {period_text(detail['latest_period'])} ", className="period"),
            status_badge(detail["status"]),
            html.Div(target_text(detail["target"], unit, detail["direction"]),
                     className="text-muted"),
        ], className="headline-value"),
    ])
    chart = (html.Section([
        html.H2("Trend", className="h4"),
        html.P(chart_summary(detail), className="chart-summary", id="chart-summary"),
        dcc.Graph(id={"type": "measure-chart", "slug": detail["slug"]},
                  figure=trend_figure(detail), config={"displayModeBar": False, "responsive": True},
                  className="trend-chart"),
        data_table(detail),
    ], className="mb-4") if detail["observations"] else empty_state(
        "No values yet", "This measure has no data loaded. Import 311 data to compute it."))
    source = html.P(["Source: ", html.A(detail["source"], href=detail["source_url"])
                     if detail["source_url"] else detail["source"]], className="source")
    cite = cite_section(detail) if detail["observations"] else None
    sections = [header, chart, cite, narrative_section(detail), peers_section(detail),
                neighborhoods_section(detail), source]
    return html.Div([s for s in sections if s is not None], className="measure-page")


def title(slug: str | None = None, **_query) -> str:
    return f"KCStat Dash — {slug}"


def register() -> None:
    dash.register_page(__name__, path_template="/measures/<slug>", name="Measure", title=title,
                       layout=layout)

"""The overview page: the six goal areas with each measure's latest value and status."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from kcstat_dash.services import measures
from kcstat_dash.web.extensions import db
from layouts.components import period_text, status_badge, target_text, value_text


def measure_row(summary: dict) -> html.Tr:
    return html.Tr([
        html.Th(html.A(summary["name"], href=f"/measures/{summary['slug']}"), scope="row"),
        html.Td(value_text(summary["latest_value"], summary["unit"]), className="num"),
        html.Td(period_text(summary["latest_period"])),
        html.Td([status_badge(summary["status"]),
                 html.Div(target_text(summary["target"], summary["unit"], summary["direction"]),
                          className="small text-muted")]),
    ])


def measures_table(summaries: list[dict], caption: str) -> dbc.Table:
    return dbc.Table([
        html.Caption(caption, className="visually-hidden"),
        html.Thead(html.Tr([html.Th("Measure", scope="col"), html.Th("Latest", scope="col"),
                            html.Th("Period", scope="col"), html.Th("Status", scope="col")])),
        html.Tbody([measure_row(s) for s in summaries]),
    ], responsive=True, className="measures-table align-middle")


def area_card(area: dict) -> dbc.Card:
    body = (measures_table(area["measures"], f"Measures for {area['name']}") if area["measures"]
            else html.P("No measures yet: the data loaded so far has none for this area."))
    return dbc.Card([
        dbc.CardHeader(html.H2(html.A(area["name"], href=f"/areas/{area['slug']}"), className="h4")),
        dbc.CardBody([html.P(area["description"], className="text-muted"), body]),
    ], className="area-card mb-4")


def summary_counts(areas: list[dict]) -> html.P:
    all_measures = [m for a in areas for m in a["measures"]]
    counts = measures.status_counts(all_measures)
    met, missed = counts["met"], counts["missed"]
    return html.P(f"{len(all_measures)} measures across six goal areas: {met} meeting their "
                  f"target, {missed} missing it in their latest period.", className="lead")


def layout(**_query) -> html.Div:
    areas = measures.list_areas(db.session)
    # Measures without a single value yet (a fresh database, whose catalog exists) are no data.
    if not any(m["latest_period"] for a in areas for m in a["measures"]):
        return html.Div([html.H1("KCStat performance measures"), html.P(
            "No data is loaded yet. Run `kcstat demo` to load the Kansas City sample, or "
            "`kcstat import-311 FILE` to import a 311 export.")])
    return html.Div([
        html.H1("KCStat performance measures"),
        summary_counts(areas),
        *[area_card(a) for a in areas],
    ])


def register() -> None:
    dash.register_page(__name__, path="/", name="Overview", title="KCStat Dash — Overview",
                       layout=layout)

"""Plotly figures built from plain observation data (no database, no Dash callbacks)."""

from __future__ import annotations

import plotly.graph_objects as go

from kcstat_dash.services.formatting import format_value
from kcstat_dash.services.neighborhoods import boundaries

# Colours chosen for contrast on white (WCAG AA for the line against the background).
LINE_COLOUR = "#0b5394"
TARGET_COLOUR = "#8a4b00"


def trend_figure(detail: dict, flag_counts: dict[str, int] | None = None) -> go.Figure:
    """The measure's values over time with the target in force at each period as a step line."""
    points = detail["observations"]
    periods = [p["period"] for p in points]
    unit = detail["unit"]
    hover = [f"{p['period']}: {format_value(p['value'], unit)}" for p in points]
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=periods, y=[p["value"] for p in points], mode="lines+markers", name=detail["name"],
        line={"color": LINE_COLOUR, "width": 2}, marker={"size": 6},
        customdata=periods, hovertext=hover, hoverinfo="text"))
    if any(p["target"] is not None for p in points):
        figure.add_trace(go.Scatter(
            x=periods, y=[p["target"] for p in points], mode="lines", name="Target",
            line={"color": TARGET_COLOUR, "dash": "dash", "shape": "hv"}, hoverinfo="skip"))
    if flag_counts:
        flagged = [p for p in points if flag_counts.get(p["period"])]
        figure.add_trace(go.Scatter(
            x=[p["period"] for p in flagged], y=[p["value"] for p in flagged], mode="markers+text",
            name="Questions flagged", text=[str(flag_counts[p["period"]]) for p in flagged],
            textposition="top center", marker={"size": 14, "symbol": "circle-open",
                                               "color": "#6f1d78"},
            customdata=[p["period"] for p in flagged], hoverinfo="skip"))
    figure.update_layout(
        margin={"l": 40, "r": 10, "t": 10, "b": 40}, height=340, template="plotly_white",
        legend={"orientation": "h", "y": -0.2}, hovermode="closest",
        yaxis={"title": {"percent": "Percent", "days": "Days", "count": "Requests"}.get(unit, unit),
               "rangemode": "tozero"},
        xaxis={"type": "category" if periods and periods[0].startswith("FY") else None},
    )
    return figure


def neighborhood_map(detail: dict) -> go.Figure:
    """A choropleth of the latest twelve months by neighborhood; no basemap tiles needed."""
    rows = detail["neighborhoods"]
    figure = go.Figure(go.Choropleth(
        geojson=boundaries(), featureidkey="properties.nbhname",
        locations=[r["neighborhood"] for r in rows], z=[r["value"] for r in rows],
        colorscale="Blues", marker_line_color="#333", marker_line_width=0.5,
        colorbar={"title": {"text": detail["unit"]}},
        hovertext=[f"{r['neighborhood']}: {format_value(r['value'], detail['unit'])} "
                   f"({r['request_count']} requests)" for r in rows], hoverinfo="text"))
    figure.update_geos(fitbounds="locations", visible=False)
    figure.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=360)
    return figure

"""Plotly figures built from plain observation data (no database, no Dash callbacks)."""

from __future__ import annotations

import math
from datetime import date, timedelta

import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from kcstat_dash.i18n import N_, _
from kcstat_dash.services import verdicts
from kcstat_dash.services.formatting import (
    MONTH_PERIOD,
    N_NOUNS,
    YEAR_PERIOD,
    counted,
    format_value,
    n_text,
    noun,
    period_label,
    plotly_separators,
    short_month_label,
)
from kcstat_dash.services.neighborhoods import outlines
from layouts.components import value_with_margin

# Colours chosen for contrast on white (WCAG AA for the line against the background).
LINE_COLOUR = "#0b5394"
TARGET_COLOUR = "#8a4b00"
# A value on too few requests is drawn grey (4.7:1 on white), as its text is greyed.
TOO_FEW_COLOUR = "#6c757d"
# Light to dark blue; the lightest stays distinct from the grey of neighborhoods without data.
MAP_COLOURS = [[0.0, "#c6dbef"], [0.5, "#4292c6"], [1.0, "#08306b"]]
NO_DATA_COLOUR = "#eeeeee"
UNIT_TITLES = {"percent": N_("Percent"), "days": N_("Days"), "count": N_("Requests")}
# About this many labelled ticks on a monthly axis (Plotly's own would name months in English).
MONTH_TICKS = 8
BREAK_COLOUR = "#333333"
# Survey waves are few: each value is written beside its point with its margin.
MAX_LABELLED_POINTS = 12


def axis_title(unit: str, kind: str = "311") -> str:
    """The y axis: a count in the words of what it counts (reports, offenses, requests)."""
    if unit == "count" and kind in N_NOUNS:
        return noun(kind).capitalize()
    return _(UNIT_TITLES[unit]) if unit in UNIT_TITLES else unit


def short_period(period: str) -> str:
    """A period as a chart writes it: ``mar 2019`` / ``Mar 2019`` for a month (Babel), else as
    it is (``2019``, ``FY2012``)."""
    if MONTH_PERIOD.match(period):
        return short_month_label(int(period[:4]), int(period[5:7]))
    return period


def month_ticks(periods: list[str]) -> dict:
    """Explicit ticks for a monthly axis, labelled in the page's language: every month when
    there are few, else every January (every few years for a long series), or every few months
    when the series is shorter than three years."""
    months = [p for p in periods if MONTH_PERIOD.match(p)]
    if not months:
        return {}
    if len(months) <= MONTH_TICKS:
        chosen = months
    elif len(months) >= 36:
        januaries = [p for p in months if p.endswith("-01")]
        step = -(-len(januaries) // MONTH_TICKS)
        chosen = januaries[::step]
    else:
        step = -(-len(months) // MONTH_TICKS)
        chosen = months[::step]
    return {"tickvals": chosen, "ticktext": [short_period(p) for p in chosen]}


def segments(points: list[dict]) -> list[list[dict]]:
    """The points split where the series breaks (``segment`` changes): no line, trend or change
    is drawn or claimed from one segment to the next."""
    parts: list[list[dict]] = []
    for point in points:
        if not parts or point.get("segment", 0) != parts[-1][-1].get("segment", 0):
            parts.append([])
        parts[-1].append(point)
    return parts


def break_position(series_break: str, periods: list[str]) -> str | float | None:
    """Where the break's marker stands on the x axis: half way between the last period before
    it and the first after (a month's axis is dates, a year's is numbers)."""
    if MONTH_PERIOD.match(series_break):
        first = date(int(series_break[:4]), int(series_break[5:7]), 1)
        return (first - timedelta(days=15)).isoformat()
    if YEAR_PERIOD.match(series_break):
        return int(series_break) - 0.5
    return None


def point_hover(point: dict, unit: str, kind: str = "311") -> str:
    """A point's hover text: its period as the axis writes it, its value and n (the page's
    language: "mar 2019: 4,5 días (n = 1.234 solicitudes)"), and what it may claim."""
    value = value_with_margin(point["value"], point.get("margin_of_error"), unit)
    lines = [_("{period}: {value} ({n})", period=short_period(point["period"]), value=value,
               n=n_text(point["n"], kind))]
    if point.get("margin_of_error") is not None:
        lines.append(_("95% margin of error"))
    status = verdicts.canonical_status(point["status"])
    if status in (verdicts.PARTIAL, verdicts.TOO_FEW):
        lines.append(_("{status}, not judged", status=verdicts.status_words(status).lower()))
    elif verdicts.is_verdict(status) or status == verdicts.WITHIN_MARGIN:
        lines.append(verdicts.status_words(status).lower())
    if point.get("provisional"):
        lines.append(_("provisional"))
    return "<br>".join(lines)


def _marker(points: list[dict]) -> dict:
    """Filled blue points; grey for too few requests; hollow for a month still in progress."""
    colours = [TOO_FEW_COLOUR if p["status"] == verdicts.TOO_FEW else LINE_COLOUR for p in points]
    symbols = ["circle-open" if p["partial"] else "circle" for p in points]
    return {"size": [9 if p["partial"] else 6 for p in points], "color": colours,
            "symbol": symbols, "line": {"color": colours, "width": 2}}


def _legend_key(name: str, marker: dict) -> go.Scatter:
    """A legend entry alone (no points), saying what a marker style means."""
    return go.Scatter(x=[None], y=[None], mode="markers", name=name, marker=marker,
                      hoverinfo="skip")


def trend_figure(detail: dict, flag_counts: dict[str, int] | None = None) -> go.Figure:
    """The measure's values over time with the target in force at each period as a step line;
    partial months hollow, values on too few requests grey, n in every hover text.

    A survey's values carry their 95% margin of error as error bars and in words beside each
    point. A series with a break (KCPD's 2019 records-system change) is drawn as separate
    lines with a marked, annotated gap between them: no line crosses the break.
    """
    points = detail["observations"]
    periods = [p["period"] for p in points]
    unit = detail["unit"]
    kind = detail.get("kind", "311")
    hover = [point_hover(p, unit, kind) for p in points]
    parts = segments(points)
    margins = [p.get("margin_of_error") for p in points]
    with_margin = any(m is not None for m in margins)
    labelled = with_margin and len(points) <= MAX_LABELLED_POINTS
    mode = "lines+markers" if len(parts) <= 1 else "markers"
    figure = go.Figure()
    # The values stay the first trace: chart clicks and tests read it as data[0], one entry per
    # observation.
    figure.add_trace(go.Scatter(
        x=periods, y=[p["value"] for p in points], mode=mode, name=detail["name"],
        line={"color": LINE_COLOUR, "width": 2}, marker=_marker(points),
        # customdata is the period a click cites; the hover is the words above, nothing more.
        customdata=periods, hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        error_y={"type": "data", "array": [m or 0 for m in margins], "visible": True,
                 "color": LINE_COLOUR, "thickness": 1.5, "width": 8} if with_margin else None))
    if labelled:
        # Each wave's value and margin written above its error bar.
        for point in points:
            figure.add_annotation(
                x=point["period"], y=(point["value"] or 0) + (point.get("margin_of_error") or 0),
                yanchor="bottom", showarrow=False, name="value-with-margin",
                text=value_with_margin(point["value"], point.get("margin_of_error"), unit),
                font={"size": 12, "color": LINE_COLOUR})
    if len(parts) > 1:
        # One line per side of the break, drawn under no hover: the points above carry it.
        for part in parts:
            figure.add_trace(go.Scatter(
                x=[p["period"] for p in part], y=[p["value"] for p in part], mode="lines",
                line={"color": LINE_COLOUR, "width": 2}, hoverinfo="skip", showlegend=False,
                name=_("{measure} from {first} to {last}", measure=detail["name"],
                       first=short_period(part[0]["period"]),
                       last=short_period(part[-1]["period"]))))
    if with_margin:
        figure.add_trace(go.Scatter(
            x=[None], y=[None], mode="markers", name=_("Bars: 95% margin of error"),
            marker={"size": 6, "color": LINE_COLOUR}, hoverinfo="skip",
            error_y={"type": "constant", "value": 1, "visible": True, "color": LINE_COLOUR}))
    if any(p["status"] == verdicts.TOO_FEW for p in points):
        figure.add_trace(_legend_key(_("{status} (n under {min_n})",
                                       status=verdicts.status_words(verdicts.TOO_FEW),
                                       min_n=verdicts.min_n()),
                                     {"size": 8, "color": TOO_FEW_COLOUR}))
    if any(p["partial"] for p in points):
        figure.add_trace(_legend_key(_("{status} (not judged)",
                                       status=verdicts.status_words(verdicts.PARTIAL)),
                                     {"size": 9, "color": LINE_COLOUR, "symbol": "circle-open",
                                      "line": {"width": 2}}))
    if any(p["target"] is not None for p in points):
        figure.add_trace(go.Scatter(
            x=periods, y=[p["target"] for p in points], mode="lines", name=_("Target"),
            line={"color": TARGET_COLOUR, "dash": "dash", "shape": "hv"}, hoverinfo="skip"))
    if flag_counts:
        flagged = [p for p in points if flag_counts.get(p["period"])]
        figure.add_trace(go.Scatter(
            x=[p["period"] for p in flagged], y=[p["value"] for p in flagged], mode="markers+text",
            name=_("Questions flagged"), text=[str(flag_counts[p["period"]]) for p in flagged],
            textposition="top center", marker={"size": 14, "symbol": "circle-open",
                                               "color": "#6f1d78"},
            customdata=[p["period"] for p in flagged], hoverinfo="skip"))
    xaxis: dict = {"type": "category" if periods and periods[0].startswith("FY") else None}
    if periods and MONTH_PERIOD.match(periods[0]):
        xaxis.update(month_ticks(periods))
    if periods and YEAR_PERIOD.match(periods[0]):
        xaxis = {"type": "linear", "tickformat": "d"}
    if labelled:
        # A few survey waves: one place each, named by its label month.
        xaxis = {"type": "category", "tickvals": periods,
                 "ticktext": [period_label(p) for p in periods]}
    figure.update_layout(
        margin={"l": 40, "r": 10, "t": 30 if len(parts) > 1 or labelled else 10, "b": 40},
        height=340,
        template="plotly_white", legend={"orientation": "h", "y": -0.2}, hovermode="closest",
        yaxis={"title": axis_title(unit, kind), "rangemode": "tozero"}, xaxis=xaxis,
        separators=plotly_separators(),
    )
    if len(parts) > 1 and detail.get("series_break"):
        _mark_break(figure, detail["series_break"], periods)
    return figure


def _mark_break(figure: go.Figure, series_break: str, periods: list[str]) -> None:
    """A dotted vertical line where the series breaks, with the reason written at its top."""
    where = break_position(series_break, periods)
    if where is None:
        return
    figure.add_shape(type="line", x0=where, x1=where, yref="paper", y0=0, y1=1,
                     line={"color": BREAK_COLOUR, "width": 2, "dash": "dot"}, name="series-break")
    figure.add_annotation(
        x=where, yref="paper", y=1.0, yanchor="bottom", xanchor="left", showarrow=False,
        name="series-break", font={"size": 12, "color": BREAK_COLOUR},
        text=_("Break: records system changed in {year}; no trend across this line",
               year=series_break[:4]))


def _bounds(shapes: list[tuple[list, list]], margin: float = 0.15) -> tuple[list, list]:
    xs = [x for shape in shapes for x in shape[0] if x is not None]
    ys = [y for shape in shapes for y in shape[1] if y is not None]
    pad_x, pad_y = (max(xs) - min(xs)) * margin, (max(ys) - min(ys)) * margin
    return [min(xs) - pad_x, max(xs) + pad_x], [min(ys) - pad_y, max(ys) + pad_y]


def _overlaps(shape: tuple[list, list], x_range: list, y_range: list) -> bool:
    xs = [x for x in shape[0] if x is not None]
    ys = [y for y in shape[1] if y is not None]
    return (min(xs) < x_range[1] and max(xs) > x_range[0]
            and min(ys) < y_range[1] and max(ys) > y_range[0])


def neighborhood_map(detail: dict) -> dict | None:
    """The latest twelve months by neighborhood, drawn from the boundary file itself.

    Plotly's geo traces fetch a world map from a CDN, which a meeting venue without internet
    never gets; filled outlines on a plain x/y plot need nothing beyond the app. Returns None
    when no neighborhood with data has a known boundary (the table still shows the values).
    """
    shapes = outlines()
    rows = [r for r in detail["neighborhoods"] if r["neighborhood"] in shapes]
    if not rows:
        return None
    unit = detail["unit"]
    kind = detail.get("kind", "311")
    nothing = _("no {things}", things=noun(kind))
    values = [r["value"] for r in rows]
    low, high = min(values), max(values)
    spread = (high - low) or 1.0
    colours = sample_colorscale(MAP_COLOURS, [(v - low) / spread for v in values])
    x_range, y_range = _bounds([shapes[r["neighborhood"]] for r in rows])

    # Traces are gathered as plain dicts and the figure built once: adding ~100 traces one by
    # one re-validated and copied every coordinate list each time (hundreds of ms per render).
    traces = []
    # The neighbours without data give the shapes their place in the city; one trace each, as
    # Plotly fills the segments of one trace unreliably when many share it.
    with_data = {r["neighborhood"] for r in rows}
    for name, (xs, ys) in shapes.items():
        if name not in with_data and _overlaps((xs, ys), x_range, y_range):
            traces.append(dict(
                type="scatter", x=xs, y=ys, mode="lines", fill="toself", fillcolor=NO_DATA_COLOUR,
                line={"color": "#b0b0b0", "width": 0.5}, hoveron="fills", showlegend=False,
                name=f"{name}: {nothing}" if name else _("Outside the neighborhoods")))
    for row, colour in zip(rows, colours, strict=True):
        xs, ys = shapes[row["neighborhood"]]
        traces.append(dict(
            type="scatter", x=xs, y=ys, mode="lines", fill="toself", fillcolor=colour,
            line={"color": "#333333", "width": 1}, hoveron="fills", showlegend=False,
            # With hoveron="fills" Plotly shows the trace name, so the name carries the value.
            name=_("{neighborhood}: {value} ({n})", neighborhood=row["neighborhood"],
                   value=format_value(row["value"], unit),
                   n=counted(row["request_count"], kind))))
    # An invisible marker carries the colour bar for the fills above.
    traces.append(dict(
        type="scatter", x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
        marker={"colorscale": MAP_COLOURS, "cmin": low, "cmax": high, "color": [low],
                "showscale": True, "colorbar": {"title": {"text": axis_title(unit, kind)},
                                                "thickness": 12, "len": 0.8}}))
    middle_latitude = (y_range[0] + y_range[1]) / 2
    layout = dict(
        margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=360, showlegend=False,
        plot_bgcolor="#ffffff", paper_bgcolor="#ffffff", dragmode=False, hovermode="closest",
        separators=plotly_separators(),
        xaxis={"visible": False, "range": x_range, "fixedrange": True},
        # A degree of longitude is shorter than one of latitude by cos(latitude).
        yaxis={"visible": False, "range": y_range, "fixedrange": True, "scaleanchor": "x",
               "scaleratio": 1 / math.cos(math.radians(middle_latitude))},
    )
    # A plain figure dict, as dcc.Graph takes it: the dicts above are fixed in code and checked
    # by tests/test_charts.py against plotly's validators. A go.Figure would validate every
    # coordinate and copy them all again to serialise them (with the city's ~240
    # neighborhoods, half the measure page's time); the coordinate lists here are shared with
    # the cached outlines and only read.
    return {"data": traces, "layout": layout}


def clicked_period(click_data: object) -> str | None:
    """The period of the point a trend chart's ``clickData`` names, or None.

    The browser sends clickData, so anything may arrive: only the shape the charts above make
    (a point whose ``customdata`` or ``x`` is the period) yields a period.
    """
    points = click_data.get("points") if isinstance(click_data, dict) else None
    point = points[0] if isinstance(points, list) and points else None
    if not isinstance(point, dict):
        return None
    period = point.get("customdata") or point.get("x")
    return period if isinstance(period, str) else None

"""Small building blocks shared by pages: status badges, values, empty states."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from kcstat_dash.services import verdicts
from kcstat_dash.services.formatting import format_value, period_label

# Status is never colour alone: each badge has a symbol and words.
STATUS_STYLE = {
    verdicts.MET: ("success", "✓"),
    verdicts.MISSED: ("danger", "✗"),
    verdicts.NO_TARGET: ("secondary", "–"),
    verdicts.TOO_FEW: ("secondary", "?"),
    verdicts.PARTIAL: ("secondary", "…"),
    verdicts.WITHIN_MARGIN: ("secondary", "±"),
}


def status_badge(status: str) -> dbc.Badge:
    status = verdicts.canonical_status(status)
    colour, symbol = STATUS_STYLE[status]
    return dbc.Badge([html.Span(symbol, **{"aria-hidden": "true"}), " ",
                      verdicts.STATUS_LABELS[status]],
                     color=colour, className=f"status-badge status-{status}")


def value_text(value: float | None, unit: str) -> str:
    return format_value(value, unit)


def target_text(target: float | None, unit: str, direction: str) -> str:
    if target is None:
        return "No target set"
    comparison = "at least" if direction == "higher" else "at most"
    return f"Target: {comparison} {format_value(target, unit)}"


def empty_state(title: str, body: str, action: html.A | None = None) -> html.Div:
    children = [html.H2(title, className="h5"), html.P(body)]
    if action is not None:
        children.append(action)
    return html.Div(children, className="empty-state")


def period_text(period: str | None) -> str:
    return period_label(period) if period else "no data yet"

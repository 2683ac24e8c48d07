"""The analysts' page: targets with their history, narratives, peer values, and the to-do list."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from kcstat_dash import i18n
from kcstat_dash.services import stewardship, verdicts
from kcstat_dash.services.formatting import format_value, n_text, period_label
from kcstat_dash.timezone import format_local
from layouts.components import status_sentence
from layouts.ids import steward as ids
from layouts.staff import account_links, select, signin_required, text_input, textarea


def missed_count(counts: dict[str, int]) -> html.P:
    """How many measures miss their target in their latest complete month, counted by the
    same rule as the overview (``measures.status_counts``), so the two pages agree."""
    missed = counts[verdicts.MISSED]
    # The public pages' sentence, in English here: staff pages stay English for now.
    with i18n.using("en"):
        overview_says = status_sentence(counts)
    return html.P([html.Strong(f"{missed} measure{'' if missed == 1 else 's'} missed "
                               "their target in their latest complete month"),
                   f". The overview counts the same way: {overview_says} The list "
                   f"below shows the misses still without a narrative in each measure's "
                   f"{stewardship.TODO_RECENT_PERIODS} latest complete months; a partial month "
                   "or a value on too few requests is never on it."],
                  className="stw-missed-count")


def todo_list(items: list[dict]) -> html.Div:
    """Missed targets still waiting for a narrative, each with a button to write it."""
    if not items:
        return html.P("Nothing to do: every recent missed target has a narrative.")
    return html.Ul([html.Li([
        html.Span(f"{item['name']}, {period_label(item['period'])}"
                  f"{' (latest complete month)' if item['headline'] else ''}: "
                  f"{format_value(item['value'], item['unit'])} "
                  f"({n_text(item['n'], item['kind'])}) against "
                  f"a target of {format_value(item['target'], item['unit'])}. "),
        html.Button("Write the narrative",
                    id=ids.todo_item(item["slug"], item["period"]),
                    className="btn btn-link btn-sm p-0 align-baseline", n_clicks=0),
    ]) for item in items], className="stw-todo-list")


def target_history(rows: list[dict], unit: str) -> dbc.Table:
    return dbc.Table([
        html.Caption("Targets in force, oldest first; a month uses the latest target set "
                     "from that month or before."),
        html.Thead(html.Tr([html.Th("In force from", scope="col"), html.Th("Target", scope="col"),
                            html.Th("Set", scope="col")])),
        html.Tbody([html.Tr([
            html.Td(period_label(r["effective_from"]) if r["set_at"] else "Starting target"),
            html.Td(format_value(r["value"], unit) if r["value"] is not None else "none"),
            html.Td(format_local(r["set_at"]) if r["set_at"] else "—"),
        ]) for r in rows]),
    ], size="sm", className="stw-history-table")


def forms() -> html.Div:
    button = dict(n_clicks=0, color="primary", size="sm", className="mb-3")
    return dbc.Row([
        dbc.Col(html.Section([
            html.H2("Set a target", className="h5"),
            text_input(ids.TARGET_PERIOD, "In force from (YYYY-MM or FYyyyy)", maxLength=10),
            text_input(ids.TARGET_VALUE, "Target (empty for no target)", maxLength=20,
                       inputMode="decimal"),
            dbc.Button("Save target", id=ids.SAVE_TARGET, **button),
        ]), md=4),
        dbc.Col(html.Section([
            html.H2("Write the narrative", className="h5"),
            text_input(ids.NARRATIVE_PERIOD, "Period (YYYY-MM or FYyyyy)", maxLength=10),
            textarea(ids.NARRATIVE_BODY, "What is being done; how the city compares", rows=5,
                     maxLength=stewardship.MAX_NARRATIVE_LENGTH),
            # Spanish pages show this when given, else the English with a note saying so.
            textarea(ids.NARRATIVE_BODY_ES, "Spanish narrative (optional)", rows=5,
                     maxLength=stewardship.MAX_NARRATIVE_LENGTH, lang="es"),
            dbc.Button("Publish narrative", id=ids.SAVE_NARRATIVE, **button),
        ]), md=4),
        dbc.Col(html.Section([
            html.H2("Add a peer value", className="h5"),
            text_input(ids.PEER_PERIOD, "Period (YYYY-MM or FYyyyy)", maxLength=10),
            text_input(ids.PEER_NAME, "Peer (a city, or a peer average)", maxLength=200),
            text_input(ids.PEER_VALUE, "Their value", maxLength=20, inputMode="decimal"),
            text_input(ids.PEER_URL, "Source (https:// address)", maxLength=2000, type="url"),
            dbc.Button("Save peer value", id=ids.SAVE_PEER, **button),
        ]), md=4),
    ])


def render(data: dict | None, signed_in: bool = False) -> html.Div:
    """The page from ``services.page_data.steward_page``; None when the visitor may not
    steward measures (``signed_in``: as staff of another role)."""
    if data is None:
        return signin_required("/steward", "Measure stewardship", signed_in)
    choices = data["choices"]
    options = [{"label": c["name"], "value": c["slug"]} for c in choices]
    return html.Div([
        html.H1("Measure stewardship"),
        html.P(["Targets, narratives and peer values; every change is recorded in the audit "
                "log. ", *account_links()], className="small"),
        html.Section([html.H2("To do: missed targets without a narrative", className="h4"),
                      missed_count(data["status_counts"]),
                      html.Div(id=ids.TODO)], className="mb-4"),
        select(ids.MEASURE, "Measure", options, options[0]["value"] if options else None),
        html.Div(id=ids.MESSAGE, role="status", **{"aria-live": "polite"}),
        html.Section([html.H2("Target history", className="h5"), html.Div(id=ids.HISTORY)],
                     className="mb-3"),
        forms(),
        dcc.Store(id=ids.REFRESH, data=0),
    ], className="steward-page")


def register(layout) -> None:
    """Register the page; ``layout`` (callbacks/pages.py) loads its data and calls render."""
    dash.register_page(__name__, path="/steward", name="Stewardship",
                       title="KCStat Dash — Measure stewardship", layout=layout)

"""The admins' page: the audit log (read and export) and staff accounts."""

from __future__ import annotations

import json

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from kcstat_dash.services.accounts import ADMIN, ROLES
from kcstat_dash.timezone import format_local
from kcstat_dash.web.auth import current_staff, staff_may
from layouts.ids import admin as ids
from layouts.staff import account_links, select, signin_required, text_input

ACTION_FILTERS = [{"label": "Every action", "value": ""},
                  {"label": "Questions", "value": "question."},
                  {"label": "Meetings", "value": "meeting."},
                  {"label": "Measures", "value": "measure."},
                  {"label": "Accounts", "value": "account."}]
ROLE_OPTIONS = [{"label": r, "value": r} for r in ROLES]


def _snapshot_text(value) -> str:
    # Shown as text in a <code> element: never interpreted as markup.
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def audit_table(rows: list[dict]) -> html.Div:
    if not rows:
        return html.P("No entries.")
    return html.Div(dbc.Table([
        html.Thead(html.Tr([html.Th(h, scope="col") for h in
                            ("When (Kansas City)", "Who", "Action", "Record", "Before", "After")])),
        html.Tbody([html.Tr([
            html.Td(format_local(r["at"], "%b %-d, %Y %-I:%M:%S %p")),
            html.Td(r["user_email"] or "system"),
            html.Td(r["action"]), html.Td(f"{r['entity']} {r['entity_id']}"),
            html.Td(html.Code(_snapshot_text(r["before"]))),
            html.Td(html.Code(_snapshot_text(r["after"]))),
        ]) for r in rows]),
    ], size="sm", className="audit-table"), className="table-responsive")


def accounts_table(users: list[dict]) -> dbc.Table:
    return dbc.Table([
        html.Thead(html.Tr([html.Th(h, scope="col") for h in ("E-mail", "Role", "Active")])),
        html.Tbody([html.Tr([html.Td(u["email"]), html.Td(u["role"]),
                             html.Td("yes" if u["active"] else "no (deactivated)")])
                    for u in users]),
    ], size="sm", className="accounts-table")


def accounts_section() -> html.Section:
    button = dict(n_clicks=0, size="sm", className="me-1 mb-2")
    return html.Section([
        html.H2("Staff accounts", className="h4"),
        html.Div(id=ids.ACCOUNTS),
        dbc.Row([
            dbc.Col([
                html.H3("Create an account", className="h6"),
                text_input(ids.NEW_EMAIL, "E-mail", type="email", maxLength=254),
                select(ids.NEW_ROLE, "Role", ROLE_OPTIONS, "moderator"),
                text_input(ids.NEW_PASSWORD, "Initial password (12 characters or more)",
                           type="password", maxLength=256, autoComplete="new-password"),
                dbc.Button("Create account", id=ids.CREATE, color="primary", **button),
            ], md=6),
            dbc.Col([
                html.H3("Change an account", className="h6"),
                select(ids.ACCOUNT, "Account", []),
                select(ids.ROLE, "Role", ROLE_OPTIONS, "moderator"),
                dbc.Button("Set role", id=ids.SET_ROLE, color="secondary", **button),
                dbc.Button("Deactivate", id=ids.DEACTIVATE, color="danger", **button),
                dbc.Button("Reactivate", id=ids.REACTIVATE, color="success", **button),
                text_input(ids.RESET_PASSWORD, "New password for a reset (12 characters or "
                           "more)", type="password", maxLength=256, autoComplete="new-password"),
                dbc.Button("Reset password", id=ids.RESET, color="warning", **button),
            ], md=6),
        ]),
        html.Div(id=ids.ACCOUNT_MESSAGE, role="status", **{"aria-live": "polite"}),
    ], className="mb-4")


def layout(**_query) -> html.Div:
    if not staff_may(ADMIN):
        return signin_required("/admin", "Administration", current_staff() is not None)
    return html.Div([
        html.H1("Administration"),
        html.P(account_links(), className="small"),
        accounts_section(),
        html.Section([
            html.H2("Audit log", className="h4"),
            html.P("Every moderator, analyst and admin action: who, what, when, and the record "
                   "before and after. The newest 200 are shown; the export has them all."),
            dbc.Row([
                dbc.Col(select(ids.AUDIT_FILTER, "Show", ACTION_FILTERS, ""), md=4),
                dbc.Col(html.A("Download the log (CSV)", id=ids.EXPORT, href="/admin/audit.csv",
                               className="d-inline-block mt-4"), md=8),
            ]),
            html.Div(id=ids.AUDIT),
        ]),
        dcc.Store(id=ids.REFRESH, data=0),
    ], className="admin-page")


def register() -> None:
    dash.register_page(__name__, path="/admin", name="Administration",
                       title="KCStat Dash — Administration", layout=layout)

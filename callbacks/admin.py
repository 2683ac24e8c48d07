"""The admin page's callbacks: every one refuses anyone but an admin, on the server."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.errors import DomainError, message_for
from kcstat_dash.services import accounts, audit
from kcstat_dash.services.accounts import ADMIN
from kcstat_dash.web.auth import require_role
from kcstat_dash.web.extensions import db
from layouts import admin as view
from layouts.staff import message

ACCOUNT_BUTTONS = ("adm-create", "adm-set-role", "adm-deactivate", "adm-reactivate",
                   "adm-reset")
AUDIT_ROWS = 200


def change_account(button: str, form: dict, user_id: int) -> str:
    """One account change in one transaction with its audit entry."""
    with db.transaction() as session:
        if button == "adm-create":
            user = accounts.create_user(session, form["email"] or "", form["password"] or "",
                                        form["new_role"], by_user_id=user_id)
            return f"Created {user.role} account {user.email}."
        if not form["account"]:
            raise accounts.AccountError("Choose an account.")
        target = int(form["account"])
        if button == "adm-reset":
            user = accounts.reset_password(session, target, form["reset_password"] or "",
                                           user_id)
            return (f"{user.email} has a new password and is signed out everywhere; "
                    "tell them the password in person or by phone.")
        if button == "adm-set-role":
            user = accounts.set_role(session, target, form["role"], user_id)
            return f"{user.email} is now {user.role}."
        user = accounts.set_active(session, target, button == "adm-reactivate", user_id)
        return f"{user.email} is {'active' if user.active else 'deactivated'}."


def register(app: dash.Dash) -> None:
    @app.callback(
        Output("adm-audit", "children"), Output("adm-export", "href"),
        Input("adm-audit-filter", "value"), Input("adm-refresh", "data"),
    )
    def show_audit(action, _refresh):
        require_role(*ADMIN)
        rows = audit.entries(db.session, action=action or None, limit=AUDIT_ROWS)
        href = "/admin/audit.csv" + (f"?{urlencode({'action': action})}" if action else "")
        return view.audit_table(rows), href

    @app.callback(
        Output("adm-accounts", "children"), Output("adm-account", "options"),
        Input("adm-refresh", "data"),
    )
    def show_accounts(_refresh):
        require_role(*ADMIN)
        users = accounts.list_users(db.session)
        options = [{"label": "Choose an account", "value": ""}] + [
            {"label": f"{u['email']} ({u['role']})", "value": str(u["id"])} for u in users]
        return view.accounts_table(users), options

    @app.callback(
        Output("adm-account-message", "children"), Output("adm-refresh", "data"),
        Output("adm-new-password", "value"), Output("adm-reset-password", "value"),
        *[Input(button, "n_clicks") for button in ACCOUNT_BUTTONS],
        State("adm-new-email", "value"), State("adm-new-role", "value"),
        State("adm-new-password", "value"), State("adm-account", "value"),
        State("adm-role", "value"), State("adm-reset-password", "value"),
        State("adm-refresh", "data"),
        prevent_initial_call=True,
    )
    def act(_c, _s, _d, _r, _p, email, new_role, password, account, role, reset_password,
            refresh):
        user = require_role(*ADMIN)
        button = ctx.triggered_id
        if button not in ACCOUNT_BUTTONS or not ctx.triggered[0].get("value"):
            raise PreventUpdate
        form = {"email": email, "new_role": new_role, "password": password,
                "account": account, "role": role, "reset_password": reset_password}
        try:
            text = change_account(button, form, user.id)
        except DomainError as error:
            return message(message_for(error), ok=False), no_update, no_update, no_update
        # The password fields are emptied once used: they are not kept in the page.
        return message(text), (refresh or 0) + 1, "", ""

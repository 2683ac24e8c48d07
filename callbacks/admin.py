"""The admin page's callbacks: every one refuses anyone but an admin, on the server
(``require_role``: signed in, the role, and the page's CSRF token), then calls services, then
renders with ``layouts.admin``. What each account button does is one row of ``CHANGES``."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.errors import DomainError, message_for
from callbacks.wiring import Callbacks
from kcstat_dash.services import accounts, audit
from kcstat_dash.services.accounts import ADMIN
from kcstat_dash.web.auth import require_role
from kcstat_dash.web.extensions import db
from layouts import admin as view
from layouts.ids import admin as ids
from layouts.staff import message

callbacks = Callbacks()
register = callbacks.register
AUDIT_ROWS = 200


def _create(session, form: dict, user_id: int) -> str:
    user = accounts.create_user(session, form["email"] or "", form["password"] or "",
                                form["new_role"], by_user_id=user_id)
    return f"Created {user.role} account {user.email}."


def _reset(session, target: int, form: dict, user_id: int) -> str:
    user = accounts.reset_password(session, target, form["reset_password"] or "", user_id)
    return (f"{user.email} has a new password and is signed out everywhere; "
            "tell them the password in person or by phone.")


def _set_role(session, target: int, form: dict, user_id: int) -> str:
    user = accounts.set_role(session, target, form["role"], user_id)
    return f"{user.email} is now {user.role}."


def _set_active(active: bool) -> Callable[..., str]:
    def change(session, target: int, _form: dict, user_id: int) -> str:
        user = accounts.set_active(session, target, active, user_id)
        return f"{user.email} is {'active' if user.active else 'deactivated'}."
    return change


# Creating names a new account; every other change acts on the account chosen in the list.
CREATE = {ids.CREATE: _create}
CHANGES = {ids.SET_ROLE: _set_role, ids.DEACTIVATE: _set_active(False),
           ids.REACTIVATE: _set_active(True), ids.RESET: _reset}
BUTTONS = (*CREATE, *CHANGES)
FORM = {"email": ids.NEW_EMAIL, "new_role": ids.NEW_ROLE, "password": ids.NEW_PASSWORD,
        "account": ids.ACCOUNT, "role": ids.ROLE, "reset_password": ids.RESET_PASSWORD}


def change_account(button: str, form: dict, user_id: int) -> str:
    """One account change in one transaction with its audit entry; what was done, in words."""
    with db.transaction() as session:
        if button in CREATE:
            return CREATE[button](session, form, user_id)
        if not form["account"]:
            raise accounts.AccountError("Choose an account.")
        return CHANGES[button](session, int(form["account"]), form, user_id)


@callbacks.callback(
    output={"audit": Output(ids.AUDIT, "children"), "export": Output(ids.EXPORT, "href")},
    inputs={"action": Input(ids.AUDIT_FILTER, "value"), "refresh": Input(ids.REFRESH, "data")},
)
def show_audit(action, refresh):
    require_role(*ADMIN)
    rows = audit.entries(db.session, action=action or None, limit=AUDIT_ROWS)
    href = "/admin/audit.csv" + (f"?{urlencode({'action': action})}" if action else "")
    return {"audit": view.audit_table(rows), "export": href}


@callbacks.callback(
    output={"table": Output(ids.ACCOUNTS, "children"), "options": Output(ids.ACCOUNT, "options")},
    inputs={"refresh": Input(ids.REFRESH, "data")},
)
def show_accounts(refresh):
    require_role(*ADMIN)
    users = accounts.list_users(db.session)
    options = [{"label": "Choose an account", "value": ""}] + [
        {"label": f"{u['email']} ({u['role']})", "value": str(u["id"])} for u in users]
    return {"table": view.accounts_table(users), "options": options}


@callbacks.callback(
    output={"message": Output(ids.ACCOUNT_MESSAGE, "children"),
            "refresh": Output(ids.REFRESH, "data"),
            "new_password": Output(ids.NEW_PASSWORD, "value"),
            "reset_password": Output(ids.RESET_PASSWORD, "value")},
    inputs={"clicks": {button: Input(button, "n_clicks") for button in BUTTONS}},
    state={"form": {name: State(field, "value") for name, field in FORM.items()},
           "refresh": State(ids.REFRESH, "data")},
    prevent_initial_call=True,
)
def act(clicks, form, refresh):
    user = require_role(*ADMIN)
    button = ctx.triggered_id
    if button not in BUTTONS or not ctx.triggered[0].get("value"):
        raise PreventUpdate
    try:
        text = change_account(button, form, user.id)
    except DomainError as error:
        return {"message": message(message_for(error), ok=False), "refresh": no_update,
                "new_password": no_update, "reset_password": no_update}
    # The password fields are emptied once used: they are not kept in the page.
    return {"message": message(text), "refresh": (refresh or 0) + 1, "new_password": "",
            "reset_password": ""}

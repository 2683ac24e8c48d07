"""Pieces shared by the staff pages: the sign-in prompt, account links, labelled controls."""

from __future__ import annotations

from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import html


def signin_required(path: str, title: str, signed_in: bool) -> html.Div:
    """What a staff page shows to someone who may not use it (the server refuses them anyway)."""
    if signed_in:
        body = [html.H1(title), dbc.Alert("Your account's role does not give access to this page.",
                                          color="warning")]
    else:
        body = [html.H1(title), html.P("This page is for KCStat staff."),
                html.A("Sign in", href=f"/login?next={quote(path)}", className="btn btn-primary")]
    return html.Div(body, className="staff-signin")


def account_links() -> list:
    """Every staff page's own links: the password page and sign-out."""
    return [html.A("Change password", href="/account/password", className="me-3"),
            html.A("Sign out", href="/logout")]


def select(id_, label: str, options: list[dict], value=None, **kwargs) -> html.Div:
    """A native <select> with a visible label (accessible to keyboards and screen readers).

    dbc.Select's first option is a hidden one of value "" showing ``placeholder``: a choice of
    ours needs another value, or the select looks blank when it is chosen."""
    return html.Div([dbc.Label(label, html_for=id_),
                     dbc.Select(id=id_, options=options, value=value, **kwargs)],
                    className="mb-2")


def text_input(id_, label: str, value: str = "", **kwargs) -> html.Div:
    return html.Div([dbc.Label(label, html_for=id_), dbc.Input(id=id_, value=value, **kwargs)],
                    className="mb-2")


def textarea(id_, label: str, value: str = "", **kwargs) -> html.Div:
    return html.Div([dbc.Label(label, html_for=id_), dbc.Textarea(id=id_, value=value, **kwargs)],
                    className="mb-2")


def message(text: str | None, ok: bool = True):
    """A status line: words and a symbol, never colour alone."""
    if not text:
        return None
    symbol = "✓" if ok else "✗"
    # Not a dbc.Alert: its role="alert" would be a second live region inside the page's own.
    return html.Div([html.Span(symbol, **{"aria-hidden": "true"}), " ", text],
                    className="alert py-2 mb-2 " + ("alert-success" if ok else "alert-danger"))

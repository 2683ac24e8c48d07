"""Staff sign-in and sign-out pages (plain HTML forms with CSRF tokens) and the safe ``next``."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template_string, request
from flask import session as flask_session
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf

from kcstat_dash.services import accounts
from kcstat_dash.web.auth import current_staff, load_user
from kcstat_dash.web.csrf import DASH_CSRF_COOKIE
from kcstat_dash.web.extensions import db, limiter

blueprint = Blueprint("auth", __name__)

# Where staff land when no (safe) ``next`` was given, by role.
HOME_BY_ROLE = {"moderator": "/moderate", "analyst": "/steward", "admin": "/moderate"}

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} — KCStat Dash</title>
<link rel="stylesheet" href="/assets/01-bootstrap.min.css">
<link rel="stylesheet" href="/assets/02-kcstat.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header role="banner"><nav class="navbar navbar-dark bg-dark site-nav" aria-label="Site">
<div class="container-lg"><a class="navbar-brand brand" href="/">KCStat Dash</a></div>
</nav></header>
<main id="main" class="container-lg py-4" tabindex="-1">
<div class="row"><div class="col-md-6 col-lg-5">
<h1>{{ title }}</h1>
{% if message %}<div class="alert alert-danger" role="alert" id="auth-message">
{{ message }}</div>{% endif %}
{% if form == "login" %}
<p>For KCStat staff: moderators, analysts and admins. Residents need no account.</p>
<form method="post" novalidate
      action="/login{% if next_url %}?next={{ next_url | urlencode }}{% endif %}">
  <input type="hidden" name="csrf_token" value="{{ csrf }}">
  <div class="mb-3"><label class="form-label" for="email">E-mail</label>
    <input class="form-control" type="email" id="email" name="email" autocomplete="username"
           required maxlength="254" value="{{ email }}"></div>
  <div class="mb-3">
    <label class="form-label" for="password">Password</label>
    <input class="form-control" type="password" id="password" name="password"
           autocomplete="current-password" required maxlength="256"></div>
  <div class="form-check mb-3"><input class="form-check-input" type="checkbox" id="remember"
    name="remember" value="1"><label class="form-check-label" for="remember">Keep me signed in
    on this device</label></div>
  <button class="btn btn-primary" type="submit">Sign in</button>
</form>
{% else %}
<p>You are signed in as {{ email }}.</p>
<form method="post" action="/logout">
  <input type="hidden" name="csrf_token" value="{{ csrf }}">
  <button class="btn btn-primary" type="submit">Sign out</button>
</form>
{% endif %}
</div></div>
</main>
</body>
</html>"""


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site; None for anything that could leave it."""
    if not target or len(target) > 2000:
        return None
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _page(title: str, form: str, message: str | None = None, status: int = 200, **values):
    html = render_template_string(PAGE, title=title, form=form, message=message,
                                  csrf=generate_csrf(), **values)
    return html, status


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login():
    next_url = safe_next(request.args.get("next"))
    if request.method == "GET":
        return _page("Staff sign-in", "login", next_url=next_url, email="")
    email = request.form.get("email", "")[:254]
    try:
        user = accounts.authenticate(db.session, email, request.form.get("password", "")[:256])
    except accounts.LoginRefused as refused:
        db.session.commit()  # the failed attempt counts towards the lockout
        return _page("Staff sign-in", "login", str(refused), 401, next_url=next_url, email=email)
    db.session.commit()
    staff = load_user(str(user.id))
    # A fresh session at sign-in: nothing from before (a planted token, say) carries over.
    flask_session.clear()
    login_user(staff, remember=request.form.get("remember") == "1")
    return redirect(next_url or HOME_BY_ROLE.get(staff.role, "/"))


@blueprint.route("/logout", methods=["GET", "POST"])
def logout():
    staff = current_staff()
    if request.method == "GET":
        if staff is None:
            return redirect("/")
        return _page("Sign out", "logout", email=staff.email)
    logout_user()
    flask_session.clear()
    response = redirect("/")
    response.delete_cookie(DASH_CSRF_COOKIE)
    return response

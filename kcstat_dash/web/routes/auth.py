"""Staff sign-in, sign-out and password pages (plain HTML forms with CSRF tokens), safe ``next``."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Blueprint, current_app, redirect, render_template_string, request
from flask import session as flask_session
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf

from kcstat_dash.services import accounts
from kcstat_dash.services.areas import AREAS
from kcstat_dash.settings import PASSWORD_CHANGE_POST_LIMIT, SIGN_IN_POST_LIMIT
from kcstat_dash.web.auth import current_staff, signed_in
from kcstat_dash.web.csrf import DASH_CSRF_COOKIE
from kcstat_dash.web.extensions import db, limiter

blueprint = Blueprint("auth", __name__)

# Staff pages an anonymous visitor is sent from to sign in (and back, with ``next``).
SIGN_IN_FIRST = ("/moderate", "/steward", "/admin")

# Where staff land when no (safe) ``next`` was given, by role.
HOME_BY_ROLE = {accounts.Role.MODERATOR: "/moderate", accounts.Role.ANALYST: "/steward",
                accounts.Role.ADMIN: "/moderate"}

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
<header role="banner"><nav class="navbar navbar-dark navbar-expand site-nav" aria-label="Site">
<div class="container-lg flex-wrap">
<a class="navbar-brand brand" href="/"><span class="brand-mark" aria-hidden="true">KC</span><span
  class="brand-name">KCStat</span><span class="brand-tagline">Kansas City performance</span></a>
<ul class="navbar-nav ms-auto flex-wrap">
  <li class="nav-item"><a class="nav-link" href="/">Overview</a></li>
  {% for area in areas %}<li class="nav-item"><a class="nav-link"
    href="/areas/{{ area.slug }}">{{ area.name }}</a></li>{% endfor %}
  <li class="nav-item"><a class="nav-link" href="/meetings">Meetings</a></li>
  <li class="nav-item"><a class="nav-link" href="/packet">Testimony packet</a></li>
</ul></div>
</nav></header>
<main id="main" class="container-lg py-4" tabindex="-1">
<div class="row"><div class="col-md-6 col-lg-5">
<h1>{{ title }}</h1>
{% if message %}<div class="alert alert-danger" role="alert" id="auth-message">
{{ message }}</div>{% endif %}
{% if done %}<div class="alert alert-success" role="status" id="auth-done">
{{ done }}</div>{% endif %}
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
{% elif form == "password" %}
<p>Signed in as {{ email }}. Changing the password signs you out everywhere else.</p>
<form method="post" action="/account/password" novalidate>
  <input type="hidden" name="csrf_token" value="{{ csrf }}">
  <input type="email" name="email" autocomplete="username" value="{{ email }}" hidden readonly>
  <div class="mb-3"><label class="form-label" for="current">Current password</label>
    <input class="form-control" type="password" id="current" name="current"
           autocomplete="current-password" required maxlength="256"></div>
  <div class="mb-3"><label class="form-label" for="new">New password</label>
    <input class="form-control" type="password" id="new" name="new" aria-describedby="new-help"
           autocomplete="new-password" required minlength="{{ min_length }}" maxlength="256">
    <div class="form-text" id="new-help">{{ min_length }} characters or more; not the e-mail,
      one repeated character or a common password.</div></div>
  <div class="mb-3"><label class="form-label" for="repeat">New password again</label>
    <input class="form-control" type="password" id="repeat" name="repeat"
           autocomplete="new-password" required maxlength="256"></div>
  <button class="btn btn-primary" type="submit">Change password</button>
</form>
<p class="mt-3"><a href="{{ home }}">Back to your pages</a></p>
{% else %}
<p>You are signed in as {{ email }}. Signing out ends your sessions on every device.</p>
<form method="post" action="/logout">
  <input type="hidden" name="csrf_token" value="{{ csrf }}">
  <button class="btn btn-primary" type="submit">Sign out</button>
</form>
{% endif %}
</div></div>
</main>
<footer class="site-footer" role="contentinfo"><div class="container-lg">
<p>Open data: every measure and observation as <a href="/exports/open-data.csv">CSV</a> or
<a href="/exports/open-data.json">JSON</a>.</p>
<p>Data: Kansas City 311 service requests and published resident survey figures
(<a href="https://data.kcmo.org">data.kcmo.org</a>). Times are shown in Kansas City time
(America/Chicago).</p></div></footer>
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


def _page(title: str, form: str, message: str | None = None, status: int = 200,
          done: str | None = None, **values):
    html = render_template_string(PAGE, title=title, form=form, message=message, done=done,
                                  csrf=generate_csrf(), areas=AREAS, **values)
    return html, status


def _remember_cookie() -> str:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")


def _sign_in(user, remember: bool) -> None:
    # A fresh session at sign-in: nothing from before (a planted token, say) carries over.
    flask_session.clear()
    login_user(signed_in(user), remember=remember)


@blueprint.before_app_request
def staff_pages_sign_in_first():
    """A page load of a staff page by someone not signed in goes to the sign-in form, which
    comes back here after. (The page's layout and every callback check the role themselves.)"""
    if (request.method == "GET" and request.path in SIGN_IN_FIRST
            and current_staff() is None):
        return redirect(f"/login?next={quote(request.path)}")
    return None


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_POST_LIMIT, methods=["POST"])
def login():
    next_url = safe_next(request.args.get("next"))
    if request.method == "GET":
        return _page("Staff sign-in", "login", next_url=next_url, email="")
    email = request.form.get("email", "")[:254]
    try:
        user = accounts.authenticate(db.session, email, request.form.get("password", "")[:256],
                                     limiter.limiter, request.remote_addr or "")
    except accounts.LoginRefused as refused:
        return _page("Staff sign-in", "login", str(refused), 401, next_url=next_url, email=email)
    role = user.role
    _sign_in(user, remember=request.form.get("remember") == "1")
    db.session.rollback()  # nothing was written: the session only read the account
    return redirect(next_url or HOME_BY_ROLE.get(role, "/"))


@blueprint.route("/logout", methods=["GET", "POST"])
def logout():
    staff = current_staff()
    if request.method == "GET":
        if staff is None:
            return redirect("/")
        return _page("Sign out", "logout", email=staff.email)
    if staff is not None:
        # Every session and remember cookie of the account dies, here and wherever copied.
        with db.transaction() as session:
            accounts.sign_out(session, staff.id)
    logout_user()
    flask_session.clear()
    response = redirect("/")
    response.delete_cookie(DASH_CSRF_COOKIE)
    # logout_user asks for this through the session, which was just cleared: said outright.
    response.delete_cookie(_remember_cookie())
    return response


@blueprint.route("/account/password", methods=["GET", "POST"])
@limiter.limit(PASSWORD_CHANGE_POST_LIMIT, methods=["POST"])
def change_password():
    staff = current_staff()
    if staff is None:
        return redirect("/login?next=/account/password")
    values = {"email": staff.email, "home": HOME_BY_ROLE.get(staff.role, "/"),
              "min_length": accounts.MIN_PASSWORD_LENGTH}
    if request.method == "GET":
        return _page("Change your password", "password", **values)
    new = request.form.get("new", "")[:257]
    try:
        if new != request.form.get("repeat", "")[:257]:
            raise accounts.AccountError("The two new passwords do not match.")
        with db.transaction() as session:
            user = accounts.change_password(session, staff.id,
                                            request.form.get("current", "")[:256], new)
    except accounts.AccountError as error:
        return _page("Change your password", "password", error.message, 400, **values)
    # Every other session ended with the old version; this browser signs in again, and keeps
    # its "keep me signed in" if it had one.
    _sign_in(user, remember=_remember_cookie() in request.cookies)
    return _page("Change your password", "password",
                 done="Your password is changed; other devices are signed out.", **values)

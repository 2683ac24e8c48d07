"""Who is asking, on the web: the signed-in user (flask-login) and the one server-side check,
require_role. The roles and the permissions they hold are the domain's (services/accounts.py)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.exceptions import Forbidden, Unauthorized
from wtforms import ValidationError

from kcstat_dash.models import User
from kcstat_dash.services.accounts import ROLES
from kcstat_dash.web.extensions import db, login_manager

# Requests that change nothing need no CSRF token.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotSignedIn(Unauthorized):
    description = "Sign in as a staff member to do this."


class NotAllowed(Forbidden):
    description = "Your account may not do this."


class BadCsrfToken(Forbidden):
    description = "The form has expired or did not come from this site; reload the page."


@dataclass(frozen=True)
class StaffUser:
    """The signed-in staff member, as flask-login sees them (detached from any session)."""

    id: int
    email: str
    role: str
    # The account's session version when this sign-in began, and a random value of its own.
    session_version: int = 1
    sign_in: str = ""
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        # What flask-login keeps in the session and signs into the remember cookie. The version
        # makes every cookie die when the account's version moves on (sign-out, password,
        # deactivation); the sign-in's own value makes each remember token different.
        return f"{self.id}:{self.session_version}:{self.sign_in}"

    def can(self, roles: tuple[str, ...]) -> bool:
        return self.role in roles


def signed_in(user: User) -> StaffUser:
    """A new sign-in of ``user`` (at the sign-in form, or again after a password change)."""
    return StaffUser(id=user.id, email=user.email, role=user.role,
                     session_version=user.session_version, sign_in=secrets.token_urlsafe(16))


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    # Read on every request, so a deactivated account, a changed role or a session version
    # moved on (sign-out elsewhere, a new password) counts at once.
    try:
        account, version, sign_in = str(user_id).split(":")
        user = db.session.get(User, int(account)) if 0 < int(account) < 2**31 else None
    except (TypeError, ValueError):
        return None
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return StaffUser(id=user.id, email=user.email, role=user.role,
                     session_version=user.session_version, sign_in=sign_in)


def current_staff() -> StaffUser | None:
    """The signed-in staff member, or None for a resident (or outside a request)."""
    try:
        user = current_user._get_current_object()
    except (RuntimeError, AttributeError):
        return None
    return user if isinstance(user, StaffUser) else None


def staff_may(roles: tuple[str, ...]) -> bool:
    """Whether the signed-in user holds one of ``roles`` (for what a page shows, not writes)."""
    user = current_staff()
    return bool(user and user.can(roles))


def check_csrf() -> None:
    """Refuse a state-changing request whose CSRF token (form field or header) is not valid."""
    if request.method in SAFE_METHODS:
        return
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    token = request.form.get("csrf_token") if request.form else None
    for header in current_app.config.get("WTF_CSRF_HEADERS", ["X-CSRFToken", "X-CSRF-Token"]):
        token = token or request.headers.get(header)
    try:
        validate_csrf(token)
    except (ValidationError, CSRFError) as error:
        raise BadCsrfToken() from error


def require_role(*roles: str) -> StaffUser:
    """The check every callback and route that changes staff data makes first, on the server.

    Refuses (401) anyone not signed in, (403) a signed-in user without one of ``roles``, and
    (403) a state-changing request without a valid CSRF token. Returns the user on success.
    """
    unknown = set(roles) - set(ROLES)
    if not roles or unknown:
        raise ValueError(f"require_role needs roles from {ROLES}, got {roles}")
    user = current_staff()
    if user is None:
        raise NotSignedIn()
    if not user.can(roles):
        raise NotAllowed()
    check_csrf()
    return user

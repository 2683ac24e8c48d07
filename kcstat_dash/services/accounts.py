"""Staff accounts: creating them with a strong password hash, and signing in with a lockout."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from kcstat_dash.models import User, utcnow
from kcstat_dash.services import audit

ROLES = ("moderator", "analyst", "admin")

# The permissions the app checks, as the roles that hold them. Admins hold every permission;
# moderators triage questions and run meetings; analysts look after measures.
MODERATE = ("moderator", "admin")
STEWARD = ("analyst", "admin")
ADMIN = ("admin",)

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# After this many wrong passwords in a row the account is locked for LOCKOUT.
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
EMAIL_PATTERN = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$")
# Checked when the e-mail is unknown, so that a wrong address costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password, only for timing")


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message says why."""


class LoginRefused(Exception):
    """Signing in failed; the message is safe to show (it never says which part was wrong)."""


def hash_password(password: str) -> str:
    # scrypt: werkzeug's memory-hard default, with a random salt per hash.
    return generate_password_hash(password, method="scrypt")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at most {MAX_PASSWORD_LENGTH} characters.")


def create_user(session: Session, email: str, password: str, role: str = "moderator",
                by_user_id: int | None = None) -> User:
    """Create a staff account; refuses a bad e-mail, a weak password, an unknown role or a twin."""
    email = normalise_email(email)
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise AccountError(f"{email!r} is not an e-mail address.")
    if role not in ROLES:
        raise AccountError(f"The role must be one of {', '.join(ROLES)}.")
    check_password_rules(password)
    if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise AccountError(f"An account for {email} already exists.")
    user = User(email=email, password_hash=hash_password(password), role=role, active=True,
                failed_logins=0)
    session.add(user)
    session.flush()
    audit.record(session, by_user_id, "account.create", "user", user.id, None,
                 {"email": email, "role": role})
    return user


def set_role(session: Session, user_id: int, role: str, by_user_id: int | None) -> User:
    """Change an account's role (admins only; the caller checks)."""
    if role not in ROLES:
        raise AccountError(f"The role must be one of {', '.join(ROLES)}.")
    user = _get(session, user_id)
    before = {"role": user.role}
    user.role = role
    session.flush()
    audit.record(session, by_user_id, "account.set_role", "user", user.id, before, {"role": role})
    return user


def set_active(session: Session, user_id: int, active: bool, by_user_id: int | None) -> User:
    """Deactivate or reactivate an account; a deactivated user is signed out at once."""
    user = _get(session, user_id)
    if not active and user.id == by_user_id:
        raise AccountError("You cannot deactivate your own account.")
    before = {"active": user.active}
    user.active = active
    if active:
        user.failed_logins, user.locked_until = 0, None
    session.flush()
    audit.record(session, by_user_id, "account.set_active", "user", user.id, before,
                 {"active": active})
    return user


def list_users(session: Session) -> list[dict]:
    return [{"id": u.id, "email": u.email, "role": u.role, "active": u.active,
             "locked_until": u.locked_until}
            for u in session.scalars(select(User).order_by(User.email))]


def _get(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise AccountError(f"No account has id {user_id}.")
    return user


def authenticate(session: Session, email: str, password: str,
                 now: datetime | None = None) -> User:
    """The user whose e-mail and password these are, or ``LoginRefused``.

    Every wrong password counts; after ``MAX_FAILED_LOGINS`` in a row the account is locked for
    ``LOCKOUT``, and while it is locked even the right password is refused. The caller commits
    either way, so that failures are counted.
    """
    now = now or utcnow()
    email = normalise_email(email)
    user = session.scalar(select(User).where(func.lower(User.email) == email)) if email else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        raise LoginRefused("That e-mail and password do not match an account.")
    if user.locked_until is not None and user.locked_until > now:
        raise LoginRefused("Too many failed sign-ins: this account is locked for a few minutes. "
                           "Try again later or ask an admin.")
    if not user.active or not check_password_hash(user.password_hash, password or ""):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            audit.record(session, None, "account.locked", "user", user.id, None,
                         {"locked_until": user.locked_until.isoformat()})
        session.flush()
        raise LoginRefused("That e-mail and password do not match an account.")
    user.failed_logins, user.locked_until = 0, None
    session.flush()
    return user

"""Staff accounts: creating and changing them, the one password rule, and throttled sign-in."""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum

from limits import parse
from limits.strategies import RateLimiter
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from kcstat_dash.models import User
from kcstat_dash.services import audit
from kcstat_dash.services.errors import DomainError
from kcstat_dash.settings import SIGN_IN_FAILURE_LIMIT


class Role(StrEnum):
    """A staff account's role, as stored in ``user.role``: the one list of them."""

    MODERATOR = "moderator"
    ANALYST = "analyst"
    ADMIN = "admin"


ROLES: tuple[Role, ...] = tuple(Role)

# The permissions the app checks, as the roles that hold them. Admins hold every permission;
# moderators triage questions and run meetings; analysts look after measures.
MODERATE = (Role.MODERATOR, Role.ADMIN)
STEWARD = (Role.ANALYST, Role.ADMIN)
ADMIN = (Role.ADMIN,)

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# Wrong passwords from one address for one e-mail (known or not) within the window: then that
# address may not try that e-mail until the window has passed. Counted per account and address
# together, so a stranger hammering a moderator's account from elsewhere never locks its owner out.
SIGN_IN_FAILURES = parse(SIGN_IN_FAILURE_LIMIT)
EMAIL_PATTERN = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$")
# Checked when no real hash is, so that every refusal costs one scrypt check: an unknown
# e-mail, a locked one and a deactivated account take as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password, only for timing", method="scrypt")
# One message for every refusal: it never says whether the e-mail is an account, or whether
# the account is locked or deactivated.
LOGIN_REFUSED = ("That e-mail and password do not match an active account, or there have been "
                 "too many tries from here: wait 15 minutes, or ask an admin.")
# The most common passwords of 12 characters or more (from the public breach lists), compared
# without case, spaces or punctuation; shorter ones are refused by length already.
COMMON_PASSWORDS = frozenset({
    "123456789012", "1234567890123", "12345678901234", "123456789101112",
    "qwertyuiop123", "qwerty123456", "qwertyuiopasdfghjkl", "1q2w3e4r5t6y", "1qaz2wsx3edc",
    "1qaz2wsx3edc4rfv", "qazwsxedcrfv", "password1234", "password12345", "password123456",
    "passwordpassword", "password1password1", "iloveyou1234", "abc123456789", "abcdefghijkl",
    "abcdefghijklmnopqrstuvwxyz", "changeme1234", "welcome12345", "welcome123456", "letmein12345",
    "administrator", "administrator1", "trustno1trustno1", "football1234", "baseball1234",
    "sunshine1234", "princess1234", "monkey123456", "superman1234", "starwars1234",
    "kansascity123", "kansascity1234", "kcstat123456", "moderator123", "moderator1234",
})
# Runs along a keyboard row or the digits: "1234567890123" or "0987654321", any length.
_RUNS = ("01234567890123456789", "98765432109876543210", "qwertyuiopasdfghjklzxcvbnm",
         "abcdefghijklmnopqrstuvwxyz")


class AccountError(DomainError, ValueError):
    """An account cannot be created or changed as asked; the message says why."""

    code = "account_refused"


class LoginRefused(DomainError):
    """Signing in failed; the message is safe to show (it never says which part was wrong)."""

    status = 401
    code = "login_refused"


def hash_password(password: str) -> str:
    # scrypt: werkzeug's memory-hard default, with a random salt per hash.
    return generate_password_hash(password, method="scrypt")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _folded(text: str) -> str:
    # What a guesser tries first ignores case, spaces and punctuation.
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def check_password_rules(password: str, email: str) -> None:
    """The one password rule, for creating, changing and resetting: ``AccountError`` says why."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at most {MAX_PASSWORD_LENGTH} characters.")
    if not password.strip():
        raise AccountError("The password cannot be only spaces.")
    folded = _folded(password)
    if len(set(password)) == 1 or len(set(folded)) == 1:
        raise AccountError("The password cannot be one character repeated.")
    email = normalise_email(email)
    local = email.split("@")[0]
    if email and (folded in {_folded(email), _folded(local)} or email in password.casefold()):
        raise AccountError("The password cannot be the e-mail address.")
    if folded in COMMON_PASSWORDS or (folded and any(folded in run for run in _RUNS)):
        raise AccountError("That password is one of the most common; choose another.")


def create_user(session: Session, email: str, password: str, role: str = Role.MODERATOR,
                by_user_id: int | None = None) -> User:
    """Create a staff account; refuses a bad e-mail, a weak password, an unknown role or a twin."""
    email = normalise_email(email)
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise AccountError(f"{email!r} is not an e-mail address.")
    if role not in ROLES:
        raise AccountError(f"The role must be one of {', '.join(ROLES)}.")
    check_password_rules(password, email)
    if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise AccountError(f"An account for {email} already exists.")
    user = User(email=email, password_hash=hash_password(password), role=role, active=True,
                session_version=1)
    session.add(user)
    session.flush()
    audit.record(session, by_user_id, "account.create", "user", user.id, None,
                 {"email": email, "role": role})
    return user


def end_sessions(user: User) -> None:
    """Every session and remember cookie issued to ``user`` so far stops working."""
    user.session_version = (user.session_version or 1) + 1


def sign_out(session: Session, user_id: int) -> None:
    """Sign-out signs out: every session of the account, on every device, ends."""
    user = session.get(User, user_id)
    if user is not None:
        end_sessions(user)
        session.flush()


def _keep_an_admin(session: Session, user: User, role: str, active: bool) -> None:
    """Refuse a change that would leave no active admin (who else could manage accounts?)."""
    if user.role != Role.ADMIN or not user.active or (role == Role.ADMIN and active):
        return
    # Locked rows on PostgreSQL: two admins demoting each other at once cannot both succeed.
    admins = session.scalars(select(User.id).where(User.role == Role.ADMIN, User.active.is_(True))
                             .with_for_update()).all()
    if set(admins) <= {user.id}:
        raise AccountError(f"{user.email} is the last active admin: make another admin first.")


def set_role(session: Session, user_id: int, role: str, by_user_id: int | None) -> User:
    """Change an account's role (admins only; the caller checks)."""
    if role not in ROLES:
        raise AccountError(f"The role must be one of {', '.join(ROLES)}.")
    user = _get(session, user_id)
    _keep_an_admin(session, user, role, user.active)
    before = {"role": user.role}
    user.role = role
    session.flush()
    audit.record(session, by_user_id, "account.set_role", "user", user.id, before, {"role": role})
    return user


def set_active(session: Session, user_id: int, active: bool, by_user_id: int | None) -> User:
    """Deactivate or reactivate an account; a deactivated user is signed out everywhere."""
    user = _get(session, user_id)
    if not active and user.id == by_user_id:
        raise AccountError("You cannot deactivate your own account.")
    _keep_an_admin(session, user, user.role, active)
    before = {"active": user.active}
    user.active = active
    if not active:
        end_sessions(user)
    session.flush()
    audit.record(session, by_user_id, "account.set_active", "user", user.id, before,
                 {"active": active})
    return user


def change_password(session: Session, user_id: int, current: str, new: str) -> User:
    """A staff member's own change: the current password first; every other session ends."""
    user = _get(session, user_id)
    if not check_password_hash(user.password_hash, current or ""):
        raise AccountError("The current password is not right.")
    check_password_rules(new, user.email)
    if check_password_hash(user.password_hash, new):
        raise AccountError("The new password must differ from the current one.")
    user.password_hash = hash_password(new)
    end_sessions(user)
    session.flush()
    audit.record(session, user.id, "account.change_password", "user", user.id, None, None)
    return user


def reset_password(session: Session, account: int | str, new: str,
                   by_user_id: int | None) -> User:
    """An admin's reset of ``account`` (its id, or e-mail for ``kcstat reset-password``); every
    session of the account ends, and the admin tells its owner the new password."""
    if isinstance(account, int):
        user = _get(session, account)
    else:
        email = normalise_email(account)
        user = session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None:
            raise AccountError(f"No account has the e-mail {email!r}.")
    check_password_rules(new, user.email)
    user.password_hash = hash_password(new)
    end_sessions(user)
    session.flush()
    audit.record(session, by_user_id, "account.reset_password", "user", user.id, None, None)
    return user


def list_users(session: Session) -> list[dict]:
    return [{"id": u.id, "email": u.email, "role": u.role, "active": u.active}
            for u in session.scalars(select(User).order_by(User.email))]


def _get(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise AccountError(f"No account has id {user_id}.")
    return user


def _throttle_keys(email: str, address: str) -> tuple[str, str, str]:
    # Hashed: the limiter's storage (Redis, or a table) never holds an e-mail or an address.
    digest = hashlib.sha256(f"{email}\n{address}".encode()).hexdigest()
    return ("kcstat-sign-in", "account-address", digest)


def authenticate(session: Session, email: str, password: str, throttle: RateLimiter,
                 address: str) -> User:
    """The active user whose e-mail and password these are, or ``LoginRefused``.

    ``throttle`` is the rate limiter's strategy (its storage is shared by every worker) and
    ``address`` the client's network address. Wrong passwords are counted per e-mail and
    address together; past ``SIGN_IN_FAILURES`` that address may not try that e-mail for a
    while, even with the right password, while the owner signs in from anywhere else. Every
    refusal (unknown e-mail, wrong password, locked, deactivated) has the same message and
    costs one scrypt check, so neither the words nor the time tell whether an account exists.
    """
    email = normalise_email(email)
    keys = _throttle_keys(email, address or "")
    user = session.scalar(select(User).where(func.lower(User.email) == email)) if email else None
    locked = not throttle.test(SIGN_IN_FAILURES, *keys)
    checked_hash = user.password_hash if user is not None and not locked else _DUMMY_HASH
    right = check_password_hash(checked_hash, password or "")
    if user is None or locked or not right or not user.active:
        if not locked and not right:
            throttle.hit(SIGN_IN_FAILURES, *keys)
        raise LoginRefused(LOGIN_REFUSED)
    throttle.clear(SIGN_IN_FAILURES, *keys)
    return user

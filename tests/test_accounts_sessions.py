"""Sessions that end, passwords staff can change and admins reset, and a lockout that locks
out only the address that guessed (issue 15, points 1 to 3)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kcstat_dash.db import db
from kcstat_dash.models import AuditEntry, Question, User
from kcstat_dash.services import accounts
from kcstat_dash.web.app import create_app
from tests.conftest import make_settings
from tests.staff import (
    PASSWORD,
    approve_payload,
    callback_payload,
    csrf_cookie,
    form_token,
    login,
    logout,
    make_meeting,
    make_question,
    make_user,
    page_content,
)

DASH = "/_dash-update-component"
QUEUE = "Every channel's questions in one list"  # the queue itself, not its sign-in prompt
NEW_PASSWORD = "a different passphrase entirely"


@pytest.fixture
def staff_app(database_url):
    application = create_app(make_settings(database_url))
    session = db.new_session()
    make_user(session, "mod@example.org", "moderator")
    make_user(session, "admin@example.org", "admin")
    application.question_id = make_question(session, make_meeting(session)).id
    session.close()
    yield application
    db.engine.dispose()


def _client(app, address="203.0.113.7"):
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value
            for name in ("session", "remember_token") if client.get_cookie(name)}


def _replay(app, cookies: dict[str, str]):
    """A second browser carrying copies of ``cookies``."""
    other = _client(app)
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def _signed_in_to_queue(client) -> bool:
    return QUEUE in page_content(client, "/moderate")


def _approves(app, client) -> int:
    client.get("/moderate")
    return client.post(DASH, json=approve_payload(app.question_id),
                       headers={"X-CSRFToken": csrf_cookie(client) or ""}).status_code


def _status(question_id):
    with db.transaction() as session:
        return session.get(Question, question_id).status


# --- Point 1: sign-out signs out -----------------------------------------------------------

def test_copied_session_and_remember_cookies_die_at_sign_out(staff_app):
    client = _client(staff_app)
    assert login(client, remember=True).status_code == 302
    copied = _cookies(client)
    assert set(copied) == {"session", "remember_token"}
    # Before sign-out, either copy alone signs a second browser in: the test can tell.
    assert _signed_in_to_queue(_replay(staff_app, {"remember_token": copied["remember_token"]}))
    assert _signed_in_to_queue(_replay(staff_app, {"session": copied["session"]}))

    assert logout(client).status_code == 302
    assert not _signed_in_to_queue(client)
    for cookies in (copied, {"remember_token": copied["remember_token"]},
                    {"session": copied["session"]}):
        thief = _replay(staff_app, cookies)
        assert not _signed_in_to_queue(thief)
        assert thief.post(DASH, json=approve_payload(staff_app.question_id)).status_code == 401
    assert _status(staff_app.question_id) == "pending"


def test_sign_out_removes_the_remember_cookie(staff_app):
    client = _client(staff_app)
    login(client, remember=True)
    logout(client)
    assert client.get_cookie("remember_token") is None


def test_the_remember_token_differs_on_every_sign_in(staff_app):
    tokens = set()
    for _ in range(3):
        client = _client(staff_app)
        login(client, remember=True)
        tokens.add(client.get_cookie("remember_token").value)
    assert len(tokens) == 3


def test_deactivation_and_an_admin_reset_end_every_session(staff_app):
    client = _client(staff_app)
    login(client, remember=True)
    copied = _cookies(client)
    with db.transaction() as session:
        accounts.reset_password(session, "mod@example.org", NEW_PASSWORD, None)
    assert not _signed_in_to_queue(_replay(staff_app, copied))
    login(client, password=NEW_PASSWORD, remember=True)
    copied = _cookies(client)
    with db.transaction() as session:
        admin = session.scalar(select(User.id).where(User.email == "admin@example.org"))
        mod = session.scalar(select(User.id).where(User.email == "mod@example.org"))
        accounts.set_active(session, mod, False, admin)
    with db.transaction() as session:
        accounts.set_active(session, mod, True, admin)
    # Reactivated, but the cookies from before the deactivation stay dead.
    assert not _signed_in_to_queue(_replay(staff_app, copied))


# --- Point 2: passwords -------------------------------------------------------------------

def _change(client, current, new, repeat=None):
    return client.post("/account/password", data={
        "csrf_token": form_token(client, "/account/password"), "current": current, "new": new,
        "repeat": new if repeat is None else repeat})


def test_staff_change_their_password_and_other_devices_are_signed_out(staff_app):
    phone, laptop = _client(staff_app), _client(staff_app, "198.51.100.4")
    login(phone, remember=True)
    login(laptop, remember=True)
    # The password page is linked from every staff page.
    assert "Change password" in page_content(laptop, "/moderate")
    response = _change(laptop, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 200
    assert "Your password is changed" in response.get_data(as_text=True)
    assert _signed_in_to_queue(laptop)  # this device stays signed in
    # ... and keeps "keep me signed in", with a token of the new version.
    assert _signed_in_to_queue(_replay(staff_app, {
        "remember_token": laptop.get_cookie("remember_token").value}))
    assert not _signed_in_to_queue(phone)
    assert login(_client(staff_app), password=NEW_PASSWORD).status_code == 302
    with db.transaction() as session:
        assert session.scalar(select(AuditEntry.action).where(
            AuditEntry.action == "account.change_password")) is not None


@pytest.mark.parametrize("current, new, repeat, words", [
    ("wrong password here", NEW_PASSWORD, None, "current password is not right"),
    (PASSWORD, NEW_PASSWORD, "something else entirely", "do not match"),
    (PASSWORD, "password1234", None, "most common"),
    (PASSWORD, PASSWORD, None, "differ"),
])
def test_a_password_change_is_refused(staff_app, current, new, repeat, words):
    client = _client(staff_app)
    login(client)
    response = _change(client, current, new, repeat)
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    assert login(_client(staff_app)).status_code == 302  # the old password still works


def test_the_password_page_needs_a_signed_in_user(staff_app):
    response = _client(staff_app).get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("password, words", [
    (" " * 16, "only spaces"),
    ("a" * 16, "one character"),
    ("x-x-x-x-x-x-x-x", "one character"),
    ("mod@example.org", "e-mail"),
    ("MOD@EXAMPLE.ORG ", "e-mail"),
    ("longlocalpart", "e-mail"),
    ("Password1234", "most common"),
    ("qwerty 123456", "most common"),
    ("1234567890123456", "most common"),
    ("short", "at least"),
])
def test_weak_passwords_are_refused_everywhere(database_url, password, words):
    db.configure(database_url)
    email = "longlocalpart@example.org" if password == "longlocalpart" else "mod@example.org"
    with db.transaction() as session:
        with pytest.raises(accounts.AccountError, match=words):
            accounts.create_user(session, email, password)
        user = make_user(session, email)
        with pytest.raises(accounts.AccountError, match=words):
            accounts.reset_password(session, email, password, None)
        with pytest.raises(accounts.AccountError, match=words):
            accounts.change_password(session, user.id, PASSWORD, password)
    db.engine.dispose()


def test_the_last_active_admin_stays_an_admin(database_url):
    db.configure(database_url)
    with db.transaction() as session:
        admin = make_user(session, "admin@example.org", "admin")
        with pytest.raises(accounts.AccountError, match="last active admin"):
            accounts.set_role(session, admin.id, "moderator", admin.id)
        other = make_user(session, "other@example.org", "admin")
        with pytest.raises(accounts.AccountError, match="own account"):
            accounts.set_active(session, admin.id, False, admin.id)
        # With a second admin, one may step down; then the other is the last.
        accounts.set_role(session, admin.id, "moderator", admin.id)
        with pytest.raises(accounts.AccountError, match="last active admin"):
            accounts.set_role(session, other.id, "analyst", other.id)
        accounts.set_role(session, admin.id, "admin", other.id)
        accounts.set_active(session, other.id, False, admin.id)
        with pytest.raises(accounts.AccountError, match="last active admin"):
            accounts.set_role(session, admin.id, "analyst", admin.id)
    db.engine.dispose()


RESET = ("..adm-account-message.children...adm-refresh.data...adm-new-password.value"
         "...adm-reset-password.value..")


@pytest.mark.parametrize("email, status", [(None, 401), ("mod@example.org", 403),
                                           ("admin@example.org", 200)])
def test_only_admins_reset_a_password_on_the_admin_page(staff_app, email, status):
    client = _client(staff_app)
    if email:
        login(client, email)
        client.get("/admin")
    with db.transaction() as session:
        mod = session.scalar(select(User.id).where(User.email == "mod@example.org"))
    payload = callback_payload(staff_app, RESET, "adm-reset", {
        "adm-account": str(mod), "adm-reset-password": NEW_PASSWORD})
    response = client.post(DASH, json=payload, headers={"X-CSRFToken": csrf_cookie(client) or ""})
    assert response.status_code == status
    expected = 302 if status == 200 else 401
    assert login(_client(staff_app), password=NEW_PASSWORD).status_code == expected


def test_reset_password_command(runner, database_url):
    from kcstat_dash.cli import main

    db.configure(database_url)
    with db.transaction() as session:
        make_user(session)
    result = runner.invoke(main, ["reset-password", "MOD@example.org"],
                           input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    db.configure(database_url)
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.email == "mod@example.org"))
        assert user.session_version == 2
        assert accounts.check_password_hash(user.password_hash, NEW_PASSWORD)
    weak = runner.invoke(main, ["reset-password", "mod@example.org"],
                         input="aaaaaaaaaaaaaa\naaaaaaaaaaaaaa\n")
    assert weak.exit_code != 0 and "one character" in weak.output
    unknown = runner.invoke(main, ["reset-password", "nobody@example.org"],
                            input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert unknown.exit_code != 0 and "No account" in unknown.output
    db.engine.dispose()


# --- Point 3: a lockout that cannot be turned against a moderator ---------------------------

def test_a_strangers_guesses_do_not_lock_the_owner_out(staff_app):
    stranger, owner = _client(staff_app, "192.0.2.66"), _client(staff_app, "203.0.113.7")
    for _ in range(accounts.SIGN_IN_FAILURES.amount + 3):
        assert login(stranger, password="wrong password here").status_code == 401
    # The stranger's address is locked out of this account, even with the right password ...
    assert login(stranger).status_code == 401
    # ... and the moderator, from the venue's own address, signs in as ever.
    assert login(owner).status_code == 302
    assert _signed_in_to_queue(owner)


def test_a_good_sign_in_clears_the_count(staff_app):
    client = _client(staff_app)
    for _ in range(accounts.SIGN_IN_FAILURES.amount - 1):
        login(client, password="wrong password here")
    assert login(client).status_code == 302
    for _ in range(accounts.SIGN_IN_FAILURES.amount - 1):
        login(_client(staff_app), password="wrong password here")
    assert login(_client(staff_app)).status_code == 302


def test_unknown_locked_and_deactivated_look_the_same(staff_app, monkeypatch):
    """The same words, and the same work (one scrypt check), whatever the reason."""
    checks = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash",
                        lambda stored, given: checks.append(stored) or real(stored, given))
    with db.transaction() as session:
        make_user(session, "gone@example.org")
        gone = session.scalar(select(User.id).where(User.email == "gone@example.org"))
        admin = session.scalar(select(User.id).where(User.email == "admin@example.org"))
        accounts.set_active(session, gone, False, admin)
    locker = _client(staff_app, "192.0.2.9")
    for _ in range(accounts.SIGN_IN_FAILURES.amount):
        login(locker, password="wrong password here")
    pages = {}
    for name, client, email, password in [
        ("unknown", _client(staff_app), "nobody@example.org", PASSWORD),
        ("wrong", _client(staff_app), "mod@example.org", "wrong password here"),
        ("locked", locker, "mod@example.org", PASSWORD),
        ("deactivated", _client(staff_app), "gone@example.org", PASSWORD),
    ]:
        checks.clear()
        response = login(client, email, password)
        assert response.status_code == 401, name
        assert len(checks) == 1, name
        assert checks[0].startswith("scrypt:"), name
        # The page differs only in the e-mail typed back into the form (and the form's token).
        page = response.get_data(as_text=True).replace(email, "EMAIL")
        pages[name] = re.sub(r'name="csrf_token" value="[^"]+"', "", page)
    assert accounts.LOGIN_REFUSED in pages["unknown"]
    assert len({page for page in pages.values()}) == 1

"""Authorisation on the server: sign-in, lockout, CSRF, roles, and hand-made callback POSTs."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from kcstat_dash.db import db
from kcstat_dash.models import AuditEntry, MeasureTarget, Question, User
from kcstat_dash.services import accounts
from kcstat_dash.settings import Settings
from kcstat_dash.web.app import create_app
from tests.conftest import make_settings
from tests.staff import (
    PASSWORD,
    approve_payload,
    callback_payload,
    csrf_cookie,
    login,
    make_measure,
    make_meeting,
    make_question,
    make_user,
)

DASH = "/_dash-update-component"


@pytest.fixture
def staff_app(database_url):
    application = create_app(make_settings(database_url))
    session = db.new_session()
    make_user(session, "mod@example.org", "moderator")
    make_user(session, "analyst@example.org", "analyst")
    make_user(session, "admin@example.org", "admin")
    meeting = make_meeting(session)
    question = make_question(session, meeting)
    application.question_id = question.id
    application.meeting_id = meeting.id
    session.close()
    yield application
    db.engine.dispose()


@pytest.fixture
def staff_client(staff_app):
    return staff_app.server.test_client()


def _question(question_id):
    with db.transaction() as session:
        q = session.get(Question, question_id)
        return q.status, session.scalar(select(func.count(AuditEntry.id))
                                        .where(AuditEntry.entity == "question"))


def test_anonymous_dash_post_that_would_approve_is_refused(staff_app, staff_client):
    response = staff_client.post(DASH, json=approve_payload(staff_app.question_id))
    assert response.status_code == 401
    assert _question(staff_app.question_id) == ("pending", 0)


def test_moderator_dash_post_without_csrf_token_is_refused(staff_app, staff_client):
    assert login(staff_client).status_code == 302
    staff_client.get("/moderate")
    response = staff_client.post(DASH, json=approve_payload(staff_app.question_id))
    assert response.status_code == 403
    bad = staff_client.post(DASH, json=approve_payload(staff_app.question_id),
                            headers={"X-CSRFToken": "forged"})
    assert bad.status_code == 403
    assert _question(staff_app.question_id) == ("pending", 0)


def test_moderator_dash_post_with_the_pages_csrf_token_approves(staff_app, staff_client):
    login(staff_client)
    staff_client.get("/moderate")
    token = csrf_cookie(staff_client)
    assert token
    response = staff_client.post(DASH, json=approve_payload(staff_app.question_id),
                                 headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "approved" in response.get_data(as_text=True)
    assert _question(staff_app.question_id) == ("approved", 1)


def test_analyst_cannot_approve_questions(staff_app, staff_client):
    login(staff_client, "analyst@example.org")
    staff_client.get("/steward")
    response = staff_client.post(DASH, json=approve_payload(staff_app.question_id),
                                 headers={"X-CSRFToken": csrf_cookie(staff_client) or ""})
    assert response.status_code == 403
    assert _question(staff_app.question_id) == ("pending", 0)


def test_moderator_cannot_read_or_export_the_audit_log(staff_client):
    login(staff_client)
    assert staff_client.get("/admin/audit.csv").status_code == 403


def test_anonymous_cannot_export_the_audit_log(staff_client):
    assert staff_client.get("/admin/audit.csv").status_code == 401


def test_admin_exports_the_audit_log_as_csv(staff_app, staff_client):
    login(staff_client, "admin@example.org")
    response = staff_client.get("/admin/audit.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("id,at_utc,at_kansas_city,user_id")
    # The three accounts created by the fixture were each recorded.
    assert sum(",account.create," in line for line in lines) == 3


def test_login_post_without_csrf_token_is_refused(staff_client):
    response = staff_client.post("/login", data={"email": "mod@example.org",
                                                 "password": PASSWORD})
    assert response.status_code == 400
    # Not signed in: the queue's callbacks still refuse this browser.
    assert staff_client.post(DASH, json=approve_payload(1)).status_code == 401


def test_login_then_logout(staff_client):
    response = login(staff_client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/moderate"
    assert "Question queue" in staff_client.get("/moderate").get_data(as_text=True)
    page = staff_client.get("/logout").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert staff_client.post("/logout", data={"csrf_token": token}).status_code == 302
    response = staff_client.post(DASH, json=approve_payload(1))
    assert response.status_code == 401


@pytest.mark.parametrize("next_url, expected", [
    ("/measures/pothole-on-time-rate", "/measures/pothole-on-time-rate"),
    ("https://evil.example/", "/moderate"),
    ("//evil.example/", "/moderate"),
    ("/\\evil.example", "/moderate"),
    ("javascript:alert(1)", "/moderate"),
])
def test_next_redirect_is_kept_on_this_site(staff_client, next_url, expected):
    page = staff_client.get("/login", query_string={"next": next_url}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = staff_client.post("/login", query_string={"next": next_url},
                                 data={"email": "mod@example.org", "password": PASSWORD,
                                       "csrf_token": token})
    assert response.headers["Location"] == expected


def test_wrong_passwords_lock_the_account_from_that_address(staff_client):
    for _ in range(accounts.SIGN_IN_FAILURES.amount):
        assert login(staff_client, password="wrong password here").status_code == 401
    response = login(staff_client)  # the right password, while locked
    assert response.status_code == 401
    assert accounts.LOGIN_REFUSED in response.get_data(as_text=True)


def test_production_cookies_are_secure_httponly_samesite(database_url):
    app = create_app(Settings.from_env(database_url=database_url, secret_key="x" * 32,
                                       public_base_url="https://kcstat.example.org"))
    config = app.server.config
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["REMEMBER_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    db.engine.dispose()


@pytest.mark.parametrize("path", ["/moderate", "/steward", "/admin"])
def test_staff_pages_send_anonymous_visitors_to_sign_in_and_back(staff_client, path):
    body = staff_client.get(path)
    assert body.status_code == 302
    assert body.headers["Location"] == f"/login?next={path}"
    # The page shell is Dash's; the layout is fetched and must not list questions.
    layout = staff_client.get("/_dash-layout").get_data(as_text=True)
    assert "Why are potholes slower" not in layout


def test_create_moderator_command_stores_only_a_hash(runner, database_url):
    from kcstat_dash.cli import main

    result = runner.invoke(main, ["create-moderator", "New@Example.org", "--role", "analyst"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    db.configure(database_url)
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.email == "new@example.org"))
        assert user.role == "analyst"
        assert PASSWORD not in user.password_hash and user.password_hash.startswith("scrypt:")
    mismatch = runner.invoke(main, ["create-moderator", "b@example.org"],
                             input=f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n")
    assert "do not match" in mismatch.output or "match" in mismatch.output
    weak = runner.invoke(main, ["create-moderator", "c@example.org"], input="short\nshort\n")
    assert weak.exit_code != 0 and "at least" in weak.output
    db.engine.dispose()


CREATE_ACCOUNT = ("..adm-account-message.children...adm-refresh.data...adm-new-password.value"
                  "...adm-reset-password.value..")
SAVE_TARGET = "..stw-message.children...stw-refresh.data.."


def _create_account_payload(app):
    return callback_payload(app, CREATE_ACCOUNT, "adm-create", {
        "adm-new-email": "intruder@example.org", "adm-new-role": "admin",
        "adm-new-password": "a long enough password"})


def _accounts():
    with db.transaction() as session:
        return set(session.scalars(select(User.email)))


@pytest.mark.parametrize("email", [None, "mod@example.org", "analyst@example.org"])
def test_only_admins_create_accounts_through_the_admin_callback(staff_app, staff_client, email):
    if email:
        login(staff_client, email)
        staff_client.get("/admin")
    response = staff_client.post(DASH, json=_create_account_payload(staff_app),
                                 headers={"X-CSRFToken": csrf_cookie(staff_client) or ""})
    assert response.status_code == (403 if email else 401)
    assert "intruder@example.org" not in _accounts()


def test_admin_creates_an_account_through_the_admin_callback(staff_app, staff_client):
    login(staff_client, "admin@example.org")
    staff_client.get("/admin")
    response = staff_client.post(DASH, json=_create_account_payload(staff_app),
                                 headers={"X-CSRFToken": csrf_cookie(staff_client)})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "intruder@example.org" in _accounts()


@pytest.mark.parametrize("email, status", [(None, 401), ("mod@example.org", 403)])
def test_only_analysts_and_admins_set_targets(staff_app, staff_client, email, status):
    session = db.new_session()
    measure = make_measure(session)
    slug = measure.slug
    session.close()
    if email:
        login(staff_client, email)
        staff_client.get("/moderate")
    payload = callback_payload(staff_app, SAVE_TARGET, "stw-save-target", {
        "stw-measure": slug, "stw-target-period": "2024-01", "stw-target-value": "10"})
    response = staff_client.post(DASH, json=payload,
                                 headers={"X-CSRFToken": csrf_cookie(staff_client) or ""})
    assert response.status_code == status
    with db.transaction() as s:
        assert s.scalar(select(func.count(MeasureTarget.id))) == 0


def test_analyst_sets_a_target_through_the_callback(staff_app, staff_client):
    session = db.new_session()
    slug = make_measure(session).slug
    session.close()
    login(staff_client, "analyst@example.org")
    staff_client.get("/steward")
    payload = callback_payload(staff_app, SAVE_TARGET, "stw-save-target", {
        "stw-measure": slug, "stw-target-period": "2024-01", "stw-target-value": "10"})
    response = staff_client.post(DASH, json=payload,
                                 headers={"X-CSRFToken": csrf_cookie(staff_client)})
    assert response.status_code == 200
    with db.transaction() as s:
        assert s.scalar(select(MeasureTarget.value)) == 10.0


STAFF_PREFIXES = ("mod-", "stw-", "adm-")


def _staff_callbacks(app):
    """Every server callback whose outputs belong to a staff page."""
    for key, spec in app.callback_map.items():
        outputs = [part.split(".")[0] for part in key.strip(".").split("...")]
        if any(o.startswith(STAFF_PREFIXES) for o in outputs) and spec.get("callback"):
            yield key, spec


def _anything_payload(key, spec):
    def dep(d):
        wildcard = d["id"].startswith("{")
        if wildcard:  # a pattern-matching ALL input: a list of matches (none here)
            return []
        return {"id": d["id"], "property": d["property"], "value": 1}

    outputs = [{"id": p.split(".")[0], "property": p.split(".")[1]}
               for p in key.strip(".").split("...")]
    first = spec["inputs"][0]
    return {"output": key, "outputs": outputs, "inputs": [dep(d) for d in spec["inputs"]],
            "changedPropIds": [f"{first['id']}.{first['property']}"],
            "state": [dep(d) for d in spec["state"]]}


def test_every_staff_callback_refuses_anonymous_callers(staff_app, staff_client):
    callbacks = list(_staff_callbacks(staff_app))
    # The queue, its detail, actions, meeting control; stewardship; admin: all of them.
    assert len(callbacks) >= 10
    for key, spec in callbacks:
        response = staff_client.post(DASH, json=_anything_payload(key, spec))
        assert response.status_code == 401, key


# --- The audit log is for admins alone (page table, CSV) ---------------------------------

AUDIT_TABLE = "..adm-audit.children...adm-export.href.."
# Each fixture account's creation is in the log under its e-mail.
LOGGED_EMAIL = "analyst@example.org"


def _audit_table(app, client):
    client.get("/admin")  # the page leaves the CSRF cookie Dash's renderer sends back
    payload = callback_payload(app, AUDIT_TABLE, "adm-refresh", {"adm-audit-filter": ""})
    return client.post(DASH, json=payload, headers={"X-CSRFToken": csrf_cookie(client) or ""})


@pytest.mark.parametrize("email", ["mod@example.org", "analyst@example.org"])
def test_moderators_and_analysts_cannot_read_the_audit_log(staff_app, staff_client, email):
    login(staff_client, email)
    assert staff_client.get("/admin/audit.csv").status_code == 403
    table = _audit_table(staff_app, staff_client)
    assert table.status_code == 403
    assert "account.create" not in table.get_data(as_text=True)
    # The page itself shows no log either: Dash renders its layout in the page's callback.
    page = staff_client.post(DASH, json={
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/admin"},
                   {"id": "_pages_location", "property": "search", "value": ""}],
        "changedPropIds": ["_pages_location.pathname"], "state": []})
    assert page.status_code == 200
    assert "Audit log" not in page.get_data(as_text=True)


def test_an_admin_reads_the_audit_log(staff_app, staff_client):
    login(staff_client, "admin@example.org")
    assert LOGGED_EMAIL in staff_client.get("/admin/audit.csv").get_data(as_text=True)
    table = _audit_table(staff_app, staff_client)
    assert table.status_code == 200
    assert "account.create" in table.get_data(as_text=True)


def test_moderate_page_loads_for_a_signed_in_moderator(staff_client):
    login(staff_client)
    assert staff_client.get("/moderate").status_code == 200


def test_the_sign_in_page_has_the_sites_navigation(staff_client):
    page = staff_client.get("/login").get_data(as_text=True)
    nav = page[page.index('<nav'):page.index('</nav>')]
    assert 'aria-label="Site"' in nav
    for href in ['href="/"', 'href="/meetings"', 'href="/packet"', 'href="/areas/']:
        assert href in nav, href
    assert 'role="contentinfo"' in page

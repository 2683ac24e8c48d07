"""Staff page layouts render for the roles that may use them and show a sign-in prompt otherwise."""

from __future__ import annotations

import pytest
from flask_login import login_user

from callbacks import pages
from kcstat_dash.db import db
from kcstat_dash.web.auth import StaffUser
from layouts import admin
from tests.staff import make_meeting, make_question, make_user


def _text(component) -> str:
    """All the strings in a component tree (what a reader would see)."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None)) + " " + " ".join(
        str(getattr(component, attr, "") or "") for attr in ("label",))


@pytest.fixture
def staff_request(app):
    session = db.new_session()
    users = {role: make_user(session, f"{role}@example.org", role)
             for role in ("moderator", "analyst", "admin")}
    meeting = make_meeting(session)
    make_question(session, meeting)
    ids = {role: (u.id, u.email) for role, u in users.items()}
    session.close()

    def request_as(role):
        context = app.server.test_request_context("/")
        context.push()
        if role:
            user_id, email = ids[role]
            login_user(StaffUser(id=user_id, email=email, role=role))
        return context

    return request_as, meeting.id


@pytest.mark.parametrize("layout, allowed, heading", [
    (pages.moderate, ("moderator", "admin"), "Question queue"),
    (pages.steward, ("analyst", "admin"), "Measure stewardship"),
    (admin.layout, ("admin",), "Administration"),
])
@pytest.mark.parametrize("role", [None, "moderator", "analyst", "admin"])
def test_staff_pages_render_only_for_their_roles(staff_request, layout, allowed, heading, role):
    request_as, _ = staff_request
    context = request_as(role)
    try:
        page = _text(layout())
    finally:
        context.pop()
    assert heading in page
    if role in allowed:
        assert "Sign in" not in page and "does not give access" not in page
    elif role is None:
        assert "Sign in" in page
    else:
        assert "does not give access" in page


def test_public_moderation_summary_page_shows_counts(staff_request):
    request_as, meeting_id = staff_request
    context = request_as(None)
    try:
        page = _text(pages.moderation_summary(meeting_id=str(meeting_id)))
        missing = _text(pages.moderation_summary(meeting_id="nope"))
    finally:
        context.pop()
    assert "from every channel: 1." in page
    assert "Why are potholes slower" not in page
    assert "Meeting not found" in missing


def test_moderation_summary_route_is_not_taken_by_the_meeting_page(app):
    from dash._pages import _path_to_page

    page, variables = _path_to_page("meetings/5/moderation")
    assert page["module"] == "layouts.moderation_summary" and variables == {"meeting_id": "5"}


@pytest.mark.parametrize("role, shown, hidden", [
    (None, ["Staff sign-in"], ["Question queue", "Sign out"]),
    ("moderator", ["Question queue", "Sign out"], ["Stewardship", "Administration"]),
    ("analyst", ["Stewardship"], ["Question queue", "Administration"]),
    ("admin", ["Question queue", "Stewardship", "Administration"], ["Staff sign-in"]),
])
def test_footer_links_follow_the_role(staff_request, role, shown, hidden):
    from layouts.shell import staff_links

    request_as, _ = staff_request
    context = request_as(role)
    try:
        text = _text(staff_links())
    finally:
        context.pop()
    assert all(s in text for s in shown) and not any(h in text for h in hidden)

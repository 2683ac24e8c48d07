"""Helpers for tests of staff features: accounts, a meeting with questions, Dash callback POSTs."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from kcstat_dash.models import Area, Measure, Meeting, Question
from kcstat_dash.services import accounts

PASSWORD = "correct horse battery staple"


def make_user(session, email="mod@example.org", role="moderator"):
    user = accounts.create_user(session, email, PASSWORD, role)
    session.commit()
    return user


def make_meeting(session, title="Infrastructure KCStat", status="live", **values):
    area = session.scalar(select(Area).order_by(Area.id))
    if area is None:
        area = Area(slug="infrastructure", name="Infrastructure", position=0)
        session.add(area)
        session.flush()
    meeting = Meeting(area_id=area.id, title=title, status=status,
                      starts_at=datetime(2026, 11, 26, 18, tzinfo=UTC),
                      accepting_questions=status == "live", **values)
    session.add(meeting)
    session.commit()
    return meeting


def make_measure(session, slug="pothole-on-time-rate", name="Potholes closed on time"):
    measure = session.scalar(select(Measure).where(Measure.slug == slug))
    if measure is None:
        area = session.scalar(select(Area).order_by(Area.id))
        measure = Measure(slug=slug, name=name, area_id=area.id, unit="percent",
                          direction="higher", kind="311")
        session.add(measure)
        session.commit()
    return measure


def make_question(session, meeting, text="Why are potholes slower this year?", **values):
    question = Question(meeting_id=meeting.id, text=text, channel=values.pop("channel", "web"),
                        status=values.pop("status", "pending"), **values)
    session.add(question)
    session.commit()
    return question


def form_token(client, path: str) -> str:
    """The CSRF token in the form on ``path``."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(client, email="mod@example.org", password=PASSWORD, remember=False):
    data = {"email": email, "password": password, "csrf_token": form_token(client, "/login")}
    if remember:
        data["remember"] = "1"
    return client.post("/login", data=data)


def logout(client):
    return client.post("/logout", data={"csrf_token": form_token(client, "/logout")})


def router_call(path: str) -> dict:
    """The body of Dash Pages' own callback for ``path``, as the browser posts it."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": ""}],
        "changedPropIds": ["_pages_location.pathname"], "state": []}


def page_content(client, path: str) -> str:
    """What Dash Pages renders for ``path`` for this browser (the page's own callback)."""
    return client.post("/_dash-update-component", json=router_call(path)).get_data(as_text=True)


def csrf_cookie(client) -> str | None:
    """The token a staff page left for Dash's renderer (what the browser would send)."""
    cookie = client.get_cookie("_csrf_token")
    return cookie.value if cookie else None


def approve_payload(question_id: int) -> dict:
    """The body Dash's renderer sends when a moderator clicks Approve on a question."""
    buttons = ["mod-approve", "mod-reject", "mod-hide", "mod-answer", "mod-pin", "mod-merge",
               "mod-edit", "mod-label", "mod-unpin", "mod-bulk-approve", "mod-bulk-reject"]
    states = [("mod-current", "data", question_id), ("mod-reason", "value", "spam"),
              ("mod-answer-text", "value", ""), ("mod-merge-target", "value", ""),
              ("mod-edit-text", "value", ""), ("mod-labels", "value", ""),
              ("mod-bulk-reason", "value", "spam"), ("mod-filter-meeting", "value", "")]
    return {
        "output": "..mod-message.children...mod-refresh.data..",
        "outputs": [{"id": "mod-message", "property": "children"},
                    {"id": "mod-refresh", "property": "data"}],
        "inputs": [{"id": b, "property": "n_clicks", "value": 1 if b == "mod-approve" else 0}
                   for b in buttons],
        "changedPropIds": ["mod-approve.n_clicks"],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in states]
        + [[], [], {"id": "mod-refresh", "property": "data", "value": 0}],
    }


def callback_payload(app, output_key: str, clicked: str, values: dict) -> dict:
    """A hand-made body for the callback whose outputs are ``output_key``, as a browser would
    send it after clicking ``clicked``; ``values`` gives the other inputs' and states' values."""
    spec = app.callback_map[output_key]

    def item(dep, default=None):
        value = 1 if dep["id"] == clicked else values.get(dep["id"], default)
        return {"id": dep["id"], "property": dep["property"], "value": value}

    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1]}
               for part in output_key.strip(".").split("...")]
    return {"output": output_key, "outputs": outputs,
            "inputs": [item(d, 0) for d in spec["inputs"]],
            "changedPropIds": [f"{clicked}.n_clicks"],
            "state": [item(d) for d in spec["state"]]}

"""The meeting room in real Chromium (issue 16): getting in, asking, and the room's screen.

A resident's phone from a cold home page, the projector at 1920x1080, and what every screen
shows when a moderator pins a question, fixes its wording or closes the meeting. Moderators'
actions are made through the same services their console calls.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from kcstat_dash.db import db
from kcstat_dash.models import Meeting, Question
from kcstat_dash.services import feed_version, meeting_control, moderation
from tests.browser.conftest import PHONE, screenshot, wait_until

FULL_HD = {"viewport": {"width": 1920, "height": 1080}}


def live_meeting_id() -> int:
    session = db.new_session()
    try:
        return session.scalar(select(Meeting.id).where(Meeting.status == "live"))
    finally:
        session.close()


def in_session(action):
    """Run ``action(session)`` and commit: a moderator's step, through the services."""
    session = db.new_session()
    try:
        result = action(session)
        session.commit()
        return result
    finally:
        session.close()


def add_questions(meeting_id: int, texts: list[str], status: str = "approved",
                  flag: dict | None = None) -> list[int]:
    def add(session):
        now = datetime.now(UTC)
        made = []
        for i, text in enumerate(texts):
            question = Question(meeting_id=meeting_id, text=text, status=status,
                                upvotes=len(texts) - i, flag_snapshot=flag,
                                created_at=now - timedelta(minutes=len(texts) - i))
            session.add(question)
            session.flush()
            made.append(question.id)
        feed_version.bump(session, meeting_id)
        return made
    return in_session(add)


# --- 1: one tap from the home page to asking ------------------------------------------------


def test_the_home_and_area_pages_lead_with_the_live_meeting(live_server, new_page):
    meeting_id = live_meeting_id()
    phone = new_page(**PHONE)
    phone.goto(live_server.url + "/")
    banner = phone.locator(".live-banner")
    expect(banner).to_contain_text("KCStat: Infrastructure")
    expect(banner).to_contain_text("Live now")
    # Above the fold on a phone: the first screen shows the way in.
    box = banner.get_by_role("link", name="Ask a question").bounding_box()
    assert box["y"] + box["height"] <= PHONE["viewport"]["height"], box
    assert box["height"] >= 44
    screenshot(phone, "home-live-meeting-phone")
    banner.get_by_role("link", name="Ask a question").click()
    phone.wait_for_url(f"**/meetings/{meeting_id}/ask")
    expect(phone.get_by_label("Your question")).to_be_visible()

    # The meeting's own area leads with it too; another area's page does not.
    phone.goto(live_server.url + "/areas/infrastructure")
    expect(phone.locator(".live-banner")).to_contain_text("KCStat: Infrastructure")
    phone.goto(live_server.url + "/areas/public-safety")
    expect(phone.locator("h1")).to_be_visible()
    expect(phone.locator(".live-banner")).to_have_count(0)


def test_the_banner_goes_when_the_meeting_ends_and_announces_one_starting_soon(live_server,
                                                                               new_page):
    meeting_id = live_meeting_id()
    in_session(lambda s: meeting_control.end(s, meeting_id, None))
    page = new_page()
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_have_text("KCStat performance measures")
    expect(page.locator(".live-banner")).to_have_count(0)

    def soon(session):
        upcoming = session.scalar(select(Meeting).where(Meeting.status == "scheduled")
                                  .order_by(Meeting.starts_at).limit(1))
        upcoming.starts_at = datetime.now(UTC) + timedelta(minutes=40)
        return upcoming.title
    title = in_session(soon)
    page.goto(live_server.url + "/")
    expect(page.locator(".live-banner")).to_contain_text(f"{title} starts at")
    expect(page.locator(".live-banner")).to_contain_text("Questions open when the meeting starts")


# --- 2 and 13: the projector's join code, and every question in turn -----------------------


def test_the_projector_shows_a_join_code_and_pages_through_the_top_questions(live_server,
                                                                             new_page):
    meeting_id = live_meeting_id()
    long_text = "How many potholes were reported on Troost this spring, and why " * 12
    ids = add_questions(meeting_id, [f"Question {i}: {long_text}" for i in range(1, 9)])
    in_session(lambda s: moderation.pin(s, ids[0], None))
    projector = new_page(**FULL_HD)
    projector.goto(f"{live_server.url}/meetings/{meeting_id}/projector")

    join = projector.locator("#projector-join")
    expect(join).to_be_visible()
    expect(join.locator(".projector-join-url")).to_have_text(
        f"{live_server.url.removeprefix('http://')}/j/{meeting_id}")
    qr = join.locator("img.projector-qr")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    size = qr.bounding_box()
    assert size["width"] >= 350 and size["height"] >= 350, size
    # The short address leads to the ask page.
    response = projector.request.get(f"{live_server.url}/j/{meeting_id}", max_redirects=0)
    assert response.status == 302
    assert response.headers["location"].endswith(f"/meetings/{meeting_id}/ask")

    pinned = projector.locator(".projector-pinned")
    expect(pinned).to_contain_text("Now discussing this question")
    expect(pinned).to_contain_text("Question 1:")
    # A page of the other questions fits the screen, with the join code in view.
    shown = projector.locator(".projector-feed:visible .question-item")
    expect(shown).to_have_count(3)
    for box in [shown.nth(i).bounding_box() for i in range(3)] + [qr.bounding_box(),
                                                                  pinned.bounding_box()]:
        assert box["y"] >= 0 and box["y"] + box["height"] <= 1080, box
    first_page = shown.first.inner_text()
    screenshot(projector, "projector-join-code")
    # ... and then the next page, with the join code still there.
    wait_until(projector, "() => !document.querySelector('.projector-feed:not([hidden])')"
                          "?.innerText.includes('Question 2:')", timeout=30_000)
    expect(shown).to_have_count(3)
    assert shown.first.inner_text() != first_page
    expect(projector.locator("#projector-page-note")).to_contain_text("Page 2 of 3")
    expect(qr).to_be_in_viewport()

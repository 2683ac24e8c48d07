"""Staff pages in real Chromium: sign in, triage a question, answer it; axe-core on each page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kcstat_dash.db import db
from kcstat_dash.models import AuditEntry, Measure, Question
from tests.browser.conftest import axe_violations, describe, wait_until
from tests.staff import PASSWORD, make_meeting, make_question, make_user


@pytest.fixture
def staffed(live_server):
    """Accounts, a live meeting and two pending questions on the live server's database."""
    session = db.new_session()
    for email, role in [("mod@example.org", "moderator"), ("analyst@example.org", "analyst"),
                        ("admin@example.org", "admin")]:
        make_user(session, email, role)
    meeting = make_meeting(session, title="Infrastructure KCStat, live")
    measure = session.scalar(select(Measure).where(Measure.slug == "pothole-on-time-rate"))
    first = make_question(session, meeting, text="Why did pothole repairs slow down in March?",
                          measure_id=measure.id, period="2024-03")
    second = make_question(session, meeting, text="<b>Are sidewalks next?</b>", channel="x",
                           external_id="1", author_handle="kcresident")
    ids = {"meeting": meeting.id, "first": first.id, "second": second.id}
    session.close()
    return live_server, ids


def sign_in(page, base, email="mod@example.org", next_path=None):
    page.goto(base + "/login" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _status(question_id):
    with db.transaction() as session:
        question = session.get(Question, question_id)
        return question.status, question.answer


def open_queue(page, base, meeting_id, email="mod@example.org"):
    sign_in(page, base, email)
    page.wait_for_url("**/moderate")
    page.get_by_label("Meeting", exact=True).select_option(str(meeting_id))


def test_moderator_signs_in_approves_and_answers(staffed, page):
    server, ids = staffed
    open_queue(page, server.url, ids["meeting"])
    queue = page.locator("#mod-queue")
    queue.get_by_text("Why did pothole repairs slow down in March?").wait_for()
    # Shown as text, never as markup.
    queue.get_by_text("<b>Are sidewalks next?</b>").wait_for()
    page.get_by_role("button", name=f"Open #{ids['first']}").click()
    page.locator("#mod-detail").get_by_text("Why did pothole repairs").wait_for()
    page.get_by_role("button", name="Approve (a)").click()
    page.locator("#mod-message").get_by_text(f"Question #{ids['first']} approved.").wait_for()
    assert _status(ids["first"]) == ("approved", None)
    page.get_by_label("Written answer (optional, shown publicly)").fill(
        "Two crews were moved to snow removal; both are back.")
    page.get_by_role("button", name="Mark answered").click()
    done = f"Question #{ids['first']} marked answered."
    page.locator("#mod-message").get_by_text(done).wait_for()
    assert _status(ids["first"]) == ("answered",
                                     "Two crews were moved to snow removal; both are back.")
    with db.transaction() as session:
        actions = [e.action for e in session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "question").order_by(AuditEntry.id))]
    assert actions == ["question.approve", "question.answer"]


def test_keyboard_shortcuts_choose_and_reject(staffed, page):
    server, ids = staffed
    open_queue(page, server.url, ids["meeting"])
    page.locator("#mod-queue .queue-item").first.wait_for()
    page.locator("h1").click()  # focus outside any field
    page.keyboard.press("j")
    page.locator("#mod-detail").get_by_text("Why did pothole repairs").wait_for()
    page.keyboard.press("j")
    page.locator("#mod-detail").get_by_text("Are sidewalks next?").wait_for()
    page.get_by_label("Reason to reject").select_option("off-topic")
    page.locator("h1").click()
    page.keyboard.press("r")
    page.locator("#mod-message").get_by_text(f"Question #{ids['second']} rejected.").wait_for()
    with db.transaction() as session:
        question = session.get(Question, ids["second"])
        assert (question.status, question.reject_reason) == ("rejected", "off-topic")


def test_keyboard_shortcuts_approve_pin_hide_and_reach_the_answer(staffed, page):
    # The script finds these buttons by the ids the page hands it (data-moderation-ids).
    server, ids = staffed
    open_queue(page, server.url, ids["meeting"])
    page.locator("#mod-queue .queue-item").first.wait_for()
    message = page.locator("#mod-message")
    page.locator("h1").click()
    page.keyboard.press("j")
    page.locator("#mod-detail").get_by_text("Why did pothole repairs").wait_for()
    page.locator("h1").click()
    page.keyboard.press("a")
    message.get_by_text(f"Question #{ids['first']} approved.").wait_for()
    page.locator("h1").click()
    page.keyboard.press("p")
    message.get_by_text(f"Question #{ids['first']} pinned as now discussing.").wait_for()
    page.locator("h1").click()
    page.keyboard.press("h")
    message.get_by_text(f"Question #{ids['first']} hidden.").wait_for()
    assert _status(ids["first"]) == ("hidden", None)
    page.locator("h1").click()
    page.keyboard.press("n")
    wait_until(page, "id => document.activeElement && document.activeElement.id === id",
               "mod-answer-text")


def test_residents_page_shows_the_answer_without_reloading(staffed, browser, page):
    server, ids = staffed
    resident_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        resident = resident_context.new_page()
        resident.goto(f"{server.url}/meetings/{ids['meeting']}")
        feed = resident.locator("#feed")
        feed.wait_for(state="attached")
        resident.evaluate("window.__notReloaded = true")
        assert "Why did pothole repairs" not in feed.inner_text()

        open_queue(page, server.url, ids["meeting"])
        page.get_by_role("button", name=f"Open #{ids['first']}").click()
        page.locator("#mod-detail").get_by_text("Why did pothole repairs").wait_for()
        page.get_by_role("button", name="Approve (a)").click()
        feed.get_by_text("Why did pothole repairs slow down in March?").wait_for(timeout=20_000)

        answer = "Two crews were moved to snow removal; both are back."
        page.get_by_label("Written answer (optional, shown publicly)").fill(answer)
        page.get_by_role("button", name="Mark answered").click()
        feed.get_by_text(answer).wait_for(timeout=20_000)
        assert resident.evaluate("window.__notReloaded === true")
        # The pending question from X was never approved: residents do not see it.
        assert "sidewalks" not in feed.inner_text()
    finally:
        resident_context.close()


def test_analyst_sets_a_target_from_the_stewardship_page(staffed, page):
    server, _ = staffed
    url = server.url + "/api/measures/pothole-on-time-rate/observations"
    before = page.request.get(url).json()
    latest = before[-1]["period"]
    sign_in(page, server.url, "analyst@example.org")
    page.wait_for_url("**/steward")
    page.get_by_label("Measure", exact=True).select_option("pothole-on-time-rate")
    page.get_by_label("In force from (YYYY-MM or FYyyyy)").fill(latest)
    page.get_by_label("Target (empty for no target)").fill("85")
    page.get_by_role("button", name="Save target").click()
    page.locator("#stw-message").get_by_text("Target saved").wait_for()
    page.locator("#stw-history").get_by_text("Starting target").wait_for()
    after = page.request.get(url).json()
    assert after[-1]["target"] == 85.0
    # The month before keeps the target it had.
    assert after[-2]["target"] == before[-2]["target"] != 85.0


@pytest.mark.parametrize("email, path", [
    ("mod@example.org", "/moderate"), ("analyst@example.org", "/steward"),
    ("admin@example.org", "/admin"), (None, "/login"), (None, "/meetings/{meeting}/moderation"),
])
def test_staff_pages_have_no_serious_accessibility_violations(staffed, page, email, path):
    server, ids = staffed
    path = path.format(meeting=ids["meeting"])
    if email:
        sign_in(page, server.url, email, next_path=path)
        page.wait_for_url("**" + path)
    else:
        page.goto(server.url + path)
    page.locator("main h1").wait_for()
    if path == "/moderate":
        page.locator("#mod-queue .queue-item").first.wait_for()
    if path == "/admin":
        page.locator(".audit-table").wait_for()
    violations = axe_violations(page)
    assert not violations, describe(violations)

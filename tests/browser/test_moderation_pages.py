"""Staff pages in real Chromium: sign in, triage a question, answer it; axe-core on each page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from kcstat_dash.db import db
from kcstat_dash.models import AuditEntry, Measure, Meeting, Question
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


# --- The moderator console (issue 16, items 10-12) ------------------------------------------

def selected_text(page, selector: str) -> str:
    """What a native select shows: its selected option's words."""
    return page.eval_on_selector(selector, "el => el.selectedIndex < 0 ? '' : "
                                           "el.options[el.selectedIndex].text")


def open_question(page, question_id, words):
    page.get_by_role("button", name=f"Open #{question_id}").click()
    page.locator("#mod-detail").get_by_text(words).wait_for()


def test_the_reject_reason_and_merge_target_do_not_carry_over_to_the_next_question(staffed,
                                                                                   page):
    server, ids = staffed
    open_queue(page, server.url, ids["meeting"])
    open_question(page, ids["first"], "Why did pothole repairs")
    page.get_by_label("Reason to reject").select_option("spam")
    page.get_by_label("Merge this duplicate into").select_option(str(ids["second"]))
    open_question(page, ids["second"], "Are sidewalks next?")
    wait_until(page, "() => document.getElementById('mod-reason').value === ''")
    assert selected_text(page, "#mod-reason") == "Choose a reason"
    assert page.locator("#mod-merge-target").input_value() == ""
    # r now asks for this question's reason instead of reusing the last one.
    page.locator("h1").click()
    page.keyboard.press("r")
    page.locator("#mod-message").get_by_text("Choose a reason to reject first.").wait_for()
    assert _status(ids["second"]) == ("pending", None)


def test_switching_question_asks_before_dropping_an_unsaved_answer(staffed, page):
    server, ids = staffed
    open_queue(page, server.url, ids["meeting"])
    open_question(page, ids["first"], "Why did pothole repairs")
    answer = page.get_by_label("Written answer (optional, shown publicly)")
    answer.fill("Two crews were moved to snow removal.")
    page.get_by_role("button", name=f"Open #{ids['second']}").click()
    confirm = page.locator("#mod-draft-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text(f"Your answer to #{ids['first']} is not saved.")
    # The confirmation takes the focus; Escape keeps the draft and the question.
    wait_until(page, "() => document.activeElement && "
                     "document.activeElement.id === 'mod-keep-draft'")
    page.keyboard.press("Escape")
    expect(confirm).to_be_hidden()
    expect(answer).to_have_value("Two crews were moved to snow removal.")
    expect(page.locator("#mod-detail")).to_contain_text("Why did pothole repairs")
    # j asks too; discarding by keyboard opens the next question with an empty answer.
    page.locator("h1").click()
    page.keyboard.press("j")
    expect(confirm).to_be_visible()
    wait_until(page, "() => document.activeElement && "
                     "document.activeElement.id === 'mod-keep-draft'")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("#mod-detail").get_by_text("Are sidewalks next?").wait_for()
    expect(answer).to_have_value("")
    expect(confirm).to_be_hidden()


def test_a_saved_answer_switches_without_asking(staffed, page):
    server, ids = staffed
    open_queue(page, server.url, ids["meeting"])
    open_question(page, ids["first"], "Why did pothole repairs")
    page.get_by_role("button", name="Approve (a)").click()
    page.locator("#mod-message").get_by_text(f"Question #{ids['first']} approved.").wait_for()
    page.get_by_label("Written answer (optional, shown publicly)").fill("Crews are back.")
    page.get_by_role("button", name="Mark answered").click()
    page.locator("#mod-message").get_by_text("marked answered").wait_for()
    page.get_by_label("Status").select_option(label="Any status")
    open_question(page, ids["second"], "Are sidewalks next?")
    expect(page.locator("#mod-draft-confirm")).to_be_hidden()


def test_go_live_and_end_are_confirmed_and_only_allowed_steps_show(staffed, page):
    server, ids = staffed
    session = db.new_session()
    scheduled = make_meeting(session, title="Finance KCStat", status="scheduled").id
    session.close()
    open_queue(page, server.url, scheduled)
    panel = page.locator(".mod-meeting")
    panel.get_by_text("Status: scheduled").wait_for()
    expect(panel.get_by_role("button", name="Go live")).to_be_visible()
    expect(panel.get_by_role("button", name="Close for questions")).to_be_hidden()
    panel.get_by_role("button", name="Go live").click()
    confirm = page.locator("#mod-step-confirm")
    expect(confirm).to_contain_text("Make Finance KCStat")
    with db.transaction() as s:
        assert s.get(Meeting, scheduled).status == "scheduled"  # one click changes nothing
    confirm.get_by_role("button", name="Yes, go live").click()
    page.locator("#mod-message").get_by_text("The meeting is live.").wait_for()
    with db.transaction() as s:
        assert s.get(Meeting, scheduled).status == "live"
    expect(panel.get_by_role("button", name="Go live")).to_be_hidden()
    expect(panel.get_by_role("button", name="Close for questions")).to_be_visible()
    panel.get_by_role("button", name="End meeting").click()
    expect(confirm).to_contain_text("cannot be reopened")
    confirm.get_by_role("button", name="Cancel").click()
    page.locator("#mod-message").get_by_text("Nothing changed.").wait_for()
    with db.transaction() as s:
        assert s.get(Meeting, scheduled).status == "live"


def test_the_meeting_picker_lists_the_live_and_nearest_meetings_first(staffed, page):
    server, ids = staffed
    now = datetime.now(UTC)
    session = db.new_session()
    for title, days in [("Far future KCStat", 420), ("Next week KCStat", 6),
                        ("Long ago KCStat", -900)]:
        meeting = make_meeting(session, title=title, status="scheduled")
        meeting.starts_at = now + timedelta(days=days)
    session.commit()
    session.close()
    sign_in(page, server.url)
    page.wait_for_url("**/moderate")
    page.locator("#mod-queue .queue-item").first.wait_for()
    labels = page.eval_on_selector_all("#mod-filter-meeting option:not([hidden])",
                                       "options => options.map(o => o.text)")
    assert labels[0] == "All meetings"
    labels = labels[1:]
    live = [label for label in labels if label.endswith(", live)")]
    assert live and labels[:len(live)] == live  # the live meetings first
    position = {title: next(i for i, label in enumerate(labels) if label.startswith(title))
                for title in ["Next week KCStat", "Far future KCStat", "Long ago KCStat"]}
    assert position["Next week KCStat"] < position["Far future KCStat"]
    assert position["Far future KCStat"] < position["Long ago KCStat"]


def test_filters_show_their_any_choice_and_both_reasons_start_alike(staffed, page):
    server, _ = staffed
    sign_in(page, server.url)
    page.wait_for_url("**/moderate")
    page.locator("#mod-queue .queue-item").first.wait_for()
    page.get_by_label("Meeting", exact=True).select_option(label="All meetings")
    wait_until(page, "() => document.getElementById('mod-filter-meeting').value === 'any'")
    assert selected_text(page, "#mod-filter-meeting") == "All meetings"
    assert selected_text(page, "#mod-filter-channel") == "Every channel"
    assert selected_text(page, "#mod-filter-measure") == "Any measure"
    page.get_by_label("Status").select_option(label="Any status")
    assert selected_text(page, "#mod-filter-status") == "Any status"
    assert (page.locator("#mod-bulk-reason").input_value()
            == page.locator("#mod-reason").input_value())
    assert selected_text(page, "#mod-bulk-reason") == selected_text(page, "#mod-reason")


def test_one_status_line_shows_only_the_latest_message(staffed, page):
    server, ids = staffed
    open_queue(page, server.url, ids["meeting"])
    open_question(page, ids["first"], "Why did pothole repairs")
    page.get_by_role("button", name="Approve (a)").click()
    page.locator("#mod-message").get_by_text(f"Question #{ids['first']} approved.").wait_for()
    page.locator(".mod-meeting").get_by_role("button", name="Close for questions").click()
    page.locator("#mod-message").get_by_text("Questions are closed.").wait_for()
    regions = page.locator(".moderate-page [role=status], .moderate-page [role=alert], "
                           ".moderate-page [aria-live]")
    texts = [t.strip() for t in regions.all_inner_texts() if t.strip()]
    assert texts == ["✓ Questions are closed."]


def test_the_sign_in_page_has_the_sites_navigation(staffed, page):
    server, _ = staffed
    page.goto(server.url + "/login")
    nav = page.get_by_role("navigation", name="Site")
    nav.get_by_role("link", name="Meetings").click()
    page.wait_for_url("**/meetings")


def test_moderate_sends_an_anonymous_visitor_to_sign_in_and_back(staffed, page):
    server, _ = staffed
    page.goto(server.url + "/moderate")
    page.wait_for_url("**/login?next=/moderate")
    page.get_by_label("E-mail").fill("mod@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/moderate")
    page.locator("#mod-queue .queue-item").first.wait_for()

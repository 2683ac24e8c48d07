"""The live Q&A in real Chromium: ask about a chart point, approve it, see it appear elsewhere."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from kcstat_dash.db import db
from kcstat_dash.models import Question
from kcstat_dash.services import feed_version
from kcstat_dash.services.formatting import format_value, period_label
from tests.browser.conftest import axe_violations, describe, live_meeting_id

MEASURE = "pothole-on-time-rate"


@pytest.fixture(autouse=True)
def patient_expectations():
    """The shared CI machine can be slow: wait longer before calling a check failed."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


def approve_latest(meeting_id: int) -> Question:
    """Stands in for a moderator (the moderation screens are another feature's)."""
    session = db.new_session()
    try:
        question = session.scalar(select(Question).where(Question.meeting_id == meeting_id)
                                  .order_by(Question.id.desc()).limit(1))
        question.status = "approved"
        feed_version.bump(session, meeting_id)
        session.commit()
        return question
    finally:
        session.close()


def click_chart_point(page, slug: str, index_from_end: int) -> str:
    """Click a real point of a measure's chart with the mouse; returns the period clicked."""
    graph = page.locator(f"#measure-{slug} .js-plotly-plot")
    graph.locator(".main-svg").first.wait_for()
    graph.scroll_into_view_if_needed()  # as a person scrolls to the chart before clicking it
    target = graph.evaluate("""(gd, back) => {
        const trace = gd.data[0], i = trace.x.length - back;
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const box = gd.getBoundingClientRect();
        return {period: trace.x[i],
                x: box.left + xa._offset + xa.l2p(xa.d2l(trace.x[i])),
                y: box.top + ya._offset + ya.l2p(ya.d2l(trace.y[i]))};
    }""", index_from_end)
    page.mouse.move(target["x"], target["y"])
    page.mouse.click(target["x"], target["y"])
    return target["period"]


def test_a_question_flagged_to_a_chart_point_appears_live_in_another_browser(
        live_server, new_page):
    meeting_id = live_meeting_id()
    resident = new_page(viewport={"width": 1280, "height": 900})
    attendee = new_page(viewport={"width": 1280, "height": 900})
    observations = {o["period"]: o for o in resident.request.get(
        f"{live_server.url}/api/measures/{MEASURE}/observations").json()}

    resident.goto(live_server.url + "/meetings")
    resident.get_by_text("Follow with the charts").click()
    resident.wait_for_url(f"**/meetings/{meeting_id}")
    attendee.goto(f"{live_server.url}/meetings/{meeting_id}")
    expect(attendee.locator("#feed-summary")).to_have_text("No questions published yet.")
    attendee.evaluate("window.__sameDocument = true")

    period = click_chart_point(resident, MEASURE, 5)
    expect(resident.locator("#ask-measure")).to_have_value(MEASURE)
    expect(resident.locator("#ask-period")).to_have_value(period)
    expect(resident.locator("#flag-hint")).to_contain_text(period_label(period))
    typed = "Why did <b>this</b> month drop? <img src=x onerror=window.__xss=1>"
    resident.get_by_label("Your question").fill(typed)
    resident.get_by_label("Display name (optional)").fill("Jordan")
    resident.get_by_role("button", name="Send question").click()
    expect(resident.locator(".ask-sent")).to_contain_text("once a moderator approves it")
    expect(resident.get_by_label("Your question")).to_have_value("")

    approve_latest(meeting_id)
    item = attendee.locator(".feed .question").first
    expect(item.locator(".question-text")).to_have_text(typed)
    expect(item).to_contain_text("Jordan")
    flagged = observations[period]
    expect(item.locator(".question-flag")).to_contain_text(
        f"{period_label(period)}: {format_value(flagged['value'], 'percent')}")
    assert attendee.evaluate("window.__sameDocument") is True  # no reload happened
    assert attendee.evaluate("window.__xss") is None
    # The resident's page follows the feed too.
    expect(resident.locator(".feed .question-text").first).to_have_text(typed)


def test_me_too_counts_once_per_browser_and_every_attendee_sees_the_count(live_server,
                                                                            new_page):
    meeting_id = live_meeting_id()
    asker = new_page()
    asker.goto(f"{live_server.url}/meetings/{meeting_id}")
    asker.get_by_label("Your question").fill("Can crews fix potholes faster?")
    asker.get_by_role("button", name="Send question").click()
    expect(asker.locator(".ask-sent")).to_be_visible()
    approve_latest(meeting_id)

    voter = new_page()
    voter.goto(f"{live_server.url}/meetings/{meeting_id}")
    # The browser's id (issued by the server, signed, HttpOnly) came with the page itself, so
    # the first click always counts.
    cookies = {c["name"]: c for c in voter.context.cookies()}
    assert cookies["kcstat_browser"]["httpOnly"]
    button = voter.locator(".feed .upvote").first
    expect(button).to_have_text("Me too (0)")
    button.click()
    expect(button).to_have_text("Me too (1)")
    expect(button).to_be_disabled()
    expect(asker.locator(".feed .upvote").first).to_have_text("Me too (1)")
    # The same browser, after a reload, still cannot vote twice.
    voter.reload()
    expect(voter.locator(".feed .upvote").first).to_be_disabled()


def test_the_feed_reorders_by_votes_and_keeps_this_browsers_vote_marked(live_server,
                                                                        new_page):
    meeting_id = live_meeting_id()
    session = db.new_session()
    try:
        older = Question(meeting_id=meeting_id, text="Older question, three votes",
                         status="approved", upvotes=3)
        session.add(older)
        session.flush()
        session.add(Question(meeting_id=meeting_id, text="Newer question, no votes",
                             status="approved"))
        feed_version.bump(session, meeting_id)
        session.commit()
    finally:
        session.close()
    page = new_page()
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    texts = page.locator(".feed .question-text")
    expect(texts.first).to_have_text("Newer question, no votes")
    vote = page.locator(f"#question-{older.id} .upvote")
    vote.click()
    expect(vote).to_have_text("Me too (4)")
    expect(vote).to_be_disabled()
    page.get_by_label("Most upvoted").check()
    expect(texts.first).to_have_text("Older question, three votes")
    expect(page.locator("#feed-summary")).to_contain_text("most upvoted first")
    # The feed was redrawn from the shared copy; this browser's vote is still shown as its own.
    expect(page.locator(f"#question-{older.id} .upvote")).to_be_disabled()
    expect(page.locator(".feed .upvote").nth(1)).to_be_enabled()


def test_an_attendees_page_polls_only_with_the_version_it_shows(live_server, page):
    # Every poll sends the version the page shows: a second poller that read only the version
    # once advanced the page's version without its feed, and the new question never appeared
    # on that page. (How many polls a page makes in a given time depends on how busy the
    # machine is, so the test waits for several rather than counting them in a window.)
    polls = []
    page.on("request", lambda request: "/version" in request.url and polls.append(request.url))
    page.goto(f"{live_server.url}/meetings/{live_meeting_id()}")
    for _ in range(80):
        if len(polls) >= 4:
            break
        page.wait_for_timeout(250)
    assert len(polls) >= 4, polls
    assert all("known=" in url for url in polls), polls
    # With no votes of its own to mark, the page does not fetch again the feed it arrived with.
    assert not any("known=-1" in url for url in polls), polls


def test_bad_input_in_the_form_gets_a_clear_message(live_server, page):
    page.goto(f"{live_server.url}/meetings/{live_meeting_id()}")
    page.get_by_label("Your question").fill("    ")
    page.get_by_role("button", name="Send question").click()
    expect(page.locator(".ask-error")).to_have_text("Please write a question before sending it.")


def test_the_projector_shows_the_measure_and_questions_without_controls(live_server,
                                                                        new_page):
    meeting_id = live_meeting_id()
    projector = new_page(viewport={"width": 1600, "height": 900})
    projector.goto(f"{live_server.url}/meetings/{meeting_id}/projector")
    expect(projector.locator(".projector-measure-name")).to_have_text(
        "Pothole requests closed on time")
    expect(projector.locator(".site-nav")).to_be_hidden()
    assert projector.locator("main button, main input, main textarea, main select").count() == 0
    asker = new_page()
    asker.goto(f"{live_server.url}/meetings/{meeting_id}")
    asker.get_by_label("Your question").fill("Shown on the big screen?")
    asker.get_by_role("button", name="Send question").click()
    expect(asker.locator(".ask-sent")).to_be_visible()
    approve_latest(meeting_id)
    expect(projector.locator(".projector-feed .question-text")).to_have_text(
        ["Shown on the big screen?"])


@pytest.mark.parametrize(("width", "side_by_side"), [(1280, True), (390, False)])
def test_measures_and_the_qa_sit_side_by_side_on_wide_screens_and_stack_on_phones(
        live_server, new_page, width, side_by_side):
    page = new_page(viewport={"width": width, "height": 900})
    page.goto(f"{live_server.url}/meetings/{live_meeting_id()}")
    page.locator(".meeting-chart .main-svg").first.wait_for()
    measures_box = page.locator(".measures-column").bounding_box()
    qa_box = page.locator(".qa-column").bounding_box()
    if side_by_side:
        assert qa_box["x"] >= measures_box["x"] + measures_box["width"] - 1
        assert abs(qa_box["y"] - measures_box["y"]) < 5
    else:
        assert qa_box["y"] >= measures_box["y"] + measures_box["height"] - 1
        assert qa_box["width"] == pytest.approx(measures_box["width"], abs=2)


@pytest.mark.parametrize("path", ["/meetings", "/meetings/{id}", "/meetings/{id}/projector"])
def test_meeting_pages_have_no_serious_accessibility_violations(live_server, page, path):
    page.goto(live_server.url + path.format(id=live_meeting_id()))
    page.locator("main h1").wait_for()
    page.wait_for_load_state("networkidle")
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_a_statistic_can_be_flagged_from_the_lists_without_the_chart(live_server, page):
    meeting_id = live_meeting_id()
    observations = page.request.get(
        f"{live_server.url}/api/measures/{MEASURE}/observations").json()
    chosen = observations[-4]
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    page.get_by_label("Measure", exact=True).select_option(MEASURE)
    period_list = page.get_by_label("Period", exact=True)
    expect(period_list.locator(f"option[value='{chosen['period']}']")).to_have_count(1)
    period_list.select_option(chosen["period"])
    page.get_by_label("Your question").fill("Picked from the list")
    page.get_by_role("button", name="Send question").click()
    expect(page.locator(".ask-sent")).to_be_visible()
    session = db.new_session()
    stored = session.scalar(select(Question).where(Question.text == "Picked from the list"))
    session.close()
    assert stored.flag_snapshot["period"] == chosen["period"]
    assert stored.flag_snapshot["value"] == chosen["value"]
    assert stored.flag_snapshot["status"] == chosen["status"]

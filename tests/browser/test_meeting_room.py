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
from tests.browser.conftest import PHONE, live_meeting_id, screenshot, wait_until

FULL_HD = {"viewport": {"width": 1920, "height": 1080}}


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
    projector.locator(".projector-measure .main-svg").first.wait_for()
    screenshot(projector, "projector-join-code")
    # ... and then the next page, with the join code still there.
    wait_until(projector, "() => !document.querySelector('.projector-feed:not([hidden])')"
                          "?.innerText.includes('Question 2:')", timeout=30_000)
    expect(shown).to_have_count(3)
    assert shown.first.inner_text() != first_page
    expect(projector.locator("#projector-page-note")).to_contain_text("Page 2 of 3")
    expect(qr).to_be_in_viewport()


# --- 4 and 5: the phone journey, from a cold home page to a sent, flagged question ----------


def test_a_phone_sends_a_flagged_question_in_four_taps_and_the_flag_clears(live_server,
                                                                           new_page):
    meeting_id = live_meeting_id()
    phone = new_page(**PHONE)
    taps = 0

    def tap(locator):
        nonlocal taps
        locator.tap()
        taps += 1

    phone.goto(live_server.url + "/")  # cold: a new browser on the home page
    tap(phone.locator(".live-banner").get_by_role("link", name="Ask a question"))
    phone.wait_for_url(f"**/meetings/{meeting_id}/ask")
    tap(phone.get_by_label("Your question"))
    phone.keyboard.type("Why so few potholes closed on time?")
    picker = phone.locator("#month-picker")
    expect(picker).to_contain_text("Now discussing: Pothole requests closed on time")
    # The measure's months, newest first and grouped by year.
    years = picker.locator(".month-year").all_inner_texts()
    assert years == sorted(years, reverse=True) and len(years) >= 2, years
    chip = picker.locator(".month-chip").first
    expect(chip).to_contain_text("Aug")
    expect(chip).to_have_attribute("id", "{\"measure\":\"pothole-on-time-rate\","
                                          "\"period\":\"2020-08\",\"type\":\"flag-month\"}")
    tap(chip)
    expect(phone.locator("#flag-hint")).to_have_text(
        "Flagged: Pothole requests closed on time, August 2020.")
    expect(phone.locator("#ask-measure")).to_have_value("pothole-on-time-rate")
    tap(phone.get_by_role("button", name="Send question"))
    sent = phone.locator(".ask-sent")
    expect(sent).to_contain_text("Sent: “Why so few potholes closed on time?”, flagging "
                                 "Pothole requests closed on time, August 2020.")
    assert taps <= 5, taps
    # The next question carries no flag unawares.
    expect(phone.locator("#ask-measure")).to_have_value("none")
    expect(phone.locator("#ask-period")).to_have_value("latest")
    expect(phone.locator("#flag-hint")).to_have_text("")
    expect(phone.get_by_label("Your question")).to_have_value("")
    stored = in_session(lambda s: s.scalar(select(Question).order_by(Question.id.desc())
                                           .limit(1)).flag_snapshot)
    assert (stored["measure"], stored["period"]) == ("pothole-on-time-rate", "2020-08")


def test_the_flag_hint_follows_the_month_picked_from_the_list(live_server, new_page):
    page = new_page(**PHONE)
    page.goto(f"{live_server.url}/meetings/{live_meeting_id()}/ask")
    page.locator("#ask-measure").select_option("pothole-on-time-rate")
    expect(page.locator("#flag-hint")).to_contain_text("its latest value (August 2020)")
    page.locator("#ask-period").select_option("2019-03")
    expect(page.locator("#flag-hint")).to_have_text(
        "Flagged: Pothole requests closed on time, March 2019.")


# --- 3: the phones are told when questions close and when the meeting ends -----------------


def test_the_form_closes_on_every_phone_when_questions_close_and_the_meeting_ends(
        live_server, new_page):
    meeting_id = live_meeting_id()
    phone = new_page(**PHONE)
    phone.goto(f"{live_server.url}/meetings/{meeting_id}/ask")
    expect(phone.get_by_label("Your question")).to_be_visible()
    expect(phone.locator("#meeting-badge")).to_contain_text("Live now")
    phone.evaluate("window.__sameDocument = true")

    in_session(lambda s: meeting_control.set_accepting_questions(s, meeting_id, False, None))
    expect(phone.locator(".questions-closed")).to_have_text(
        "Questions are closed for this meeting: it takes no more questions.")
    expect(phone.get_by_label("Your question")).to_have_count(0)
    expect(phone.locator("#meeting-badge")).to_contain_text("Live now")

    in_session(lambda s: meeting_control.end(s, meeting_id, None))
    expect(phone.locator(".questions-closed")).to_contain_text("This meeting has ended")
    expect(phone.locator("#meeting-badge")).to_have_text("■ Ended")
    expect(phone.get_by_text("Live now")).to_have_count(0)
    assert phone.evaluate("window.__sameDocument") is True  # told by the poll, not a reload


def test_sending_from_a_form_left_open_says_the_meeting_ended(live_server, new_page):
    meeting_id = live_meeting_id()
    page = new_page()
    page.goto(f"{live_server.url}/meetings/{meeting_id}/ask")
    page.get_by_label("Your question").fill("Is anyone still there?")
    # The meeting ends between two polls, before this page hears of it.
    page.route("**/version?*", lambda route: route.abort())
    in_session(lambda s: meeting_control.end(s, meeting_id, None))
    page.get_by_role("button", name="Send question").click()
    expect(page.locator(".ask-error")).to_have_text(
        "This meeting has ended, so it cannot take questions.")


# --- 9 and 7: the pinned question, the measure on screen and a wording fix, everywhere -----


def test_the_pinned_question_and_a_wording_fix_show_on_the_meeting_and_ask_pages(
        live_server, new_page):
    meeting_id = live_meeting_id()
    [pinned, other] = add_questions(meeting_id, ["Will Troost be repaved?", "Potholse on Main?"])
    meeting_page = new_page()
    meeting_page.goto(f"{live_server.url}/meetings/{meeting_id}")
    ask_page = new_page(**PHONE)
    ask_page.goto(f"{live_server.url}/meetings/{meeting_id}/ask")
    expect(ask_page.locator("#room-panel")).to_contain_text(
        "Now discussing: Pothole requests closed on time")
    expect(ask_page.locator(".pinned-question")).to_have_count(0)

    in_session(lambda s: moderation.pin(s, pinned, None))
    in_session(lambda s: moderation.edit_text(s, other, "Potholes on Main?", None))
    for page in (meeting_page, ask_page):
        panel = page.locator("#room-panel .pinned-question")
        expect(panel).to_contain_text("The question being discussed now")
        expect(panel).to_contain_text("Will Troost be repaved?")
        item = page.locator(f"#question-{other}")
        expect(item.locator(".question-text")).to_have_text("Potholes on Main?")
        expect(item).to_contain_text("edited by a moderator")
    record = meeting_page.request.get(
        f"{live_server.url}/exports/meetings/{meeting_id}/questions.json").json()
    edited = {q["question_id"]: q["edited"] for q in record["questions"]}
    assert edited[other] is True and edited[pinned] is False


# --- 8: tap targets, and "Cite this" keeps the meeting ------------------------------------


def test_me_too_and_cite_this_are_big_enough_to_tap(live_server, new_page):
    meeting_id = live_meeting_id()
    flag = {"measure": "pothole-on-time-rate", "measure_name": "Pothole requests closed on "
            "time", "unit": "percent", "period": "2020-08", "value": 0.25, "target": 0.8,
            "status": "too-few"}
    [question] = add_questions(meeting_id, ["Why so slow in August?"], flag=flag)
    phone = new_page(**PHONE)
    phone.goto(f"{live_server.url}/meetings/{meeting_id}/ask")
    item = phone.locator(f"#question-{question}")
    for button in (item.locator(".upvote"), item.get_by_role("button", name="Cite this")):
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box


# --- 6: a resident's own questions ---------------------------------------------------------


def test_a_resident_follows_their_own_questions_and_withdraws_one(live_server, new_page):
    meeting_id = live_meeting_id()
    phone = new_page(**PHONE)
    phone.goto(f"{live_server.url}/meetings/{meeting_id}/ask")

    def ask(text):
        phone.get_by_label("Your question").fill(text)
        phone.get_by_role("button", name="Send question").click()
        expect(phone.locator(".ask-sent")).to_contain_text(text)
        expect(phone.get_by_label("Your question")).to_have_value("")

    ask("Second thoughts: never mind")
    ask("Will <b>Troost</b> be repaved?")
    ask("Is this on topic?")
    mine = phone.locator("#my-questions-list")
    expect(mine.locator(".own-question")).to_have_count(3)
    expect(mine.locator(".own-question").first).to_contain_text("Waiting for a moderator")

    ids = in_session(lambda s: list(s.scalars(
        select(Question.id).where(Question.meeting_id == meeting_id)
        .order_by(Question.id))))
    withdrawn, answered, rejected = ids[-3:]
    mine.locator(f"#own-question-{withdrawn}").get_by_role("button", name="Withdraw").click()
    expect(mine.locator(f"#own-question-{withdrawn}")).to_contain_text("Withdrawn by you")
    expect(mine).to_contain_text("Your question was withdrawn.")

    def moderate(session):
        moderation.approve(session, answered, None)
        moderation.answer(session, answered, "Yes, in the spring.", None)
        moderation.reject(session, rejected, "off-topic", None)
    in_session(moderate)
    # A browser with a question waiting asks again every few seconds; a reload shows it too.
    phone.reload()
    expect(mine.locator(f"#own-question-{answered}")).to_contain_text("Answered")
    expect(mine.locator(f"#own-question-{answered}")).to_contain_text("Yes, in the spring.")
    expect(mine.locator(f"#own-question-{answered} .question-text")).to_have_text(
        "Will <b>Troost</b> be repaved?")
    expect(mine.locator(f"#own-question-{rejected}")).to_contain_text("Not published")
    expect(mine.locator(f"#own-question-{rejected}")).to_contain_text("Reason given: Off-topic.")
    expect(mine.get_by_role("button", name="Withdraw")).to_have_count(0)
    mine.scroll_into_view_if_needed()
    screenshot(phone, "own-questions-phone")

    # Another browser, even given the same ids, sees none of them.
    stranger = new_page(**PHONE)
    stranger.goto(f"{live_server.url}/meetings/{meeting_id}/ask")
    stranger.evaluate("ids => localStorage.setItem('my-questions', JSON.stringify(ids))", ids)
    stranger.reload()
    expect(stranger.get_by_label("Your question")).to_be_visible()
    stranger.wait_for_timeout(1500)
    expect(stranger.locator("#my-questions-list .own-question")).to_have_count(0)

"""In a voting room a page applies the counts the poll sends, without fetching the feed again."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from kcstat_dash.db import db
from kcstat_dash.models import Question
from kcstat_dash.services import feed_version, questions
from tests.browser.conftest import wait_until
from tests.browser.test_meeting_qa import live_meeting_id


def _questions(meeting_id: int, texts: list[str]) -> list[int]:
    start = datetime(2026, 11, 1, 18, 0, tzinfo=UTC)
    with db.transaction() as session:
        added = [Question(meeting_id=meeting_id, text=text, status="approved", upvotes=0,
                          created_at=start + timedelta(minutes=n)) for n, text in enumerate(texts)]
        session.add_all(added)
        session.flush()
        feed_version.bump(session, meeting_id)
        return [q.id for q in added]


def _vote(question_id: int, voter: str) -> None:
    with db.transaction() as session:
        questions.upvote(session, question_id, voter)


def _watch_polls(page) -> list[dict]:
    """The answers to every poll the page makes, as JSON."""
    answers: list[dict] = []

    def keep(response):
        if "/version" in response.url and response.ok:
            try:
                answers.append(json.loads(response.body()))
            except Exception:  # noqa: BLE001 - the page was closing
                pass

    page.on("response", keep)
    return answers


def test_votes_elsewhere_update_the_counts_from_a_counts_only_answer(live_server, new_page):
    meeting_id = live_meeting_id()
    older, newer = _questions(meeting_id, ["Older question", "Newer question"])
    page = new_page()
    answers = _watch_polls(page)
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    older_vote = page.locator(f"#question-{older} .upvote")
    expect(older_vote).to_have_text("Me too (0)")
    for voter in ("a", "b"):
        _vote(older, voter)
    expect(older_vote).to_have_text("Me too (2)")
    expect(older_vote).to_have_attribute("aria-label", "Me too: 2 people want this answered")
    expect(page.locator(f"#question-{newer} .upvote")).to_have_text("Me too (0)")
    # The count came in an answer with counts and no feed; no feed was sent at all.
    assert any("counts" in answer for answer in answers), answers
    assert not any("feed" in answer for answer in answers), answers
    # The page now shows the version the counts brought, so the next polls bring nothing.
    version = feed_version_now(meeting_id)
    wait_until(page, "([n]) => performance.getEntriesByType('resource').some("
               "e => e.name.includes('known=' + n))", [version])


def feed_version_now(meeting_id: int) -> int:
    session = db.new_session()
    try:
        return feed_version.current(session, meeting_id)
    finally:
        session.close()


def test_a_vote_that_reorders_the_top_questions_brings_the_feed(live_server, new_page):
    meeting_id = live_meeting_id()
    older, _newer = _questions(meeting_id, ["Older question", "Newer question"])
    page = new_page()
    answers = _watch_polls(page)
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    page.get_by_label("Most upvoted").check()
    texts = page.locator(".feed .question-text")
    expect(page.locator("#feed-summary")).to_contain_text("most upvoted first")
    expect(texts.first).to_have_text("Newer question")
    _vote(older, "a")  # now first by votes: the counts' order differs from the page's
    expect(texts.first).to_have_text("Older question")
    expect(page.locator(f"#question-{older} .upvote")).to_have_text("Me too (1)")
    assert any("counts" in answer for answer in answers), answers


def test_a_change_of_order_whose_request_is_lost_is_asked_for_again(live_server, new_page):
    """The first poll for the new order never arrives (a dropped request, or a change made
    before the page's callbacks were ready): the next tick sees the order drawn is not the one
    asked for and asks for the feed, rather than only whether the version changed."""
    meeting_id = live_meeting_id()
    _questions(meeting_id, ["Older question", "Newer question"])
    page = new_page()
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    texts = page.locator(".feed .question-text")
    expect(texts.first).to_have_text("Newer question")
    dropped = []

    def drop_the_first(route):
        if not dropped:
            dropped.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/version?known=-1&order=top", drop_the_first)
    page.get_by_label("Most upvoted").check()
    expect(page.locator("#feed-summary")).to_contain_text("most upvoted first")
    assert dropped, "the first request for the new order was not made"

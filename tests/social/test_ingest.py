"""X posts into the moderation queue: pagination, meetings, flags, edits, crashes and restarts."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from kcstat_dash.db import Database
from kcstat_dash.models import AuditEntry, Measure, Observation, Question
from kcstat_dash.services.social import IngestError, Post, current_cursor, ingest
from kcstat_dash.services.social.store import QuestionWriter
from tests.honest_numbers import data_through, expected_status, month_is_partial
from tests.social.conftest import (
    ALL_FIRST_RUN,
    P1,
    P2,
    P3,
    P4,
    P5,
    P6,
    P7,
    TOKEN,
    TOKEN1,
    first_run_routes,
    stored,
    utc,
    x_source,
)
from tests.social.x_api import Reply


def test_two_pages_become_pending_questions_and_the_cursor_advances(database, meetings, fake_x):
    first_run_routes(fake_x)
    report = ingest(database, x_source())

    assert (report.pages, report.added) == (2, 5)
    # Page two was asked for with page one's next_token, and nothing else was asked.
    assert fake_x.searches() == [(None, None), (None, TOKEN1)]
    sent = fake_x.calls[0]
    assert sent["authorization"] == f"Bearer {TOKEN}"
    assert sent["params"]["query"] == "#KCStat -is:retweet"
    assert sent["params"]["max_results"] == "100"
    assert {"created_at", "author_id", "edit_history_tweet_ids"} <= set(
        sent["params"]["tweet.fields"].split(","))
    assert sent["params"]["expansions"] == "author_id"
    assert sent["params"]["user.fields"] == "username"

    questions = stored(database)
    assert set(questions) == ALL_FIRST_RUN
    assert {q.status for q in questions.values()} == {"pending"}
    bike = questions[P5]
    assert bike.author_handle == "kcbikeclub"
    assert bike.external_url == f"https://x.com/kcbikeclub/status/{P5}"
    assert bike.posted_at == utc(2026, 11, 19, 0, 40, 12)
    # X escapes "&" as "&amp;"; the question keeps the resident's own characters.
    assert "& who checks the work?" in bike.text and "&amp;" not in bike.text
    assert questions[P3].text.endswith("<3")
    # An author X could not return (suspended, deleted) still gives a working link.
    assert questions[P2].author_handle is None
    assert questions[P2].external_url == f"https://x.com/i/web/status/{P2}"
    assert any("Could not find user" in w for w in report.warnings)

    cursor = current_cursor(database, "x")
    assert (cursor.since_id, cursor.page_token, cursor.run_newest_id) == (P5, None, None)

    # The next run asks only for posts newer than the newest stored one, and adds nothing.
    again = ingest(database, x_source())
    assert fake_x.searches()[-1] == (P5, None)
    assert again.added == 0
    assert set(stored(database)) == ALL_FIRST_RUN


def test_each_post_goes_to_the_meeting_live_then_or_the_next_one(database, meetings, fake_x):
    first_run_routes(fake_x)
    ingest(database, x_source())
    by_meeting = {q.external_id: q.meeting_id for q in stored(database).values()}
    assert by_meeting == {
        P5: meetings["nov18"], P4: meetings["nov18"],  # posted during the meeting
        P3: meetings["nov18"], P2: meetings["nov18"],  # posted between meetings: the next one
        P1: meetings["nov14"],                         # posted the day before Nov 14's meeting
    }


def _latest_observation(database, slug: str) -> tuple[Measure, Observation, bool]:
    """The measure, its latest complete month's observation, and whether it is partial."""
    with database.transaction() as session:
        measure = session.scalar(select(Measure).where(Measure.slug == slug))
        through = data_through(session)
        complete = [o for o in session.scalars(
            select(Observation).where(Observation.measure_id == measure.id)
            .order_by(Observation.period)) if not month_is_partial(o.period, through)]
        return measure, complete[-1], False


def test_a_post_naming_a_measure_is_flagged_to_it_with_a_snapshot(database, meetings, fake_x):
    first_run_routes(fake_x)
    ingest(database, x_source())
    questions = stored(database)
    expected = {
        P5: "pothole-on-time-rate",            # its hashtag, #potholes
        P4: "311-on-time-rate",                # its slug in the text
        P1: "code-enforcement-on-time-rate",   # its hashtag in another case, #CodeEnforcement
    }
    for post_id, slug in expected.items():
        measure, latest, partial = _latest_observation(database, slug)
        question = questions[post_id]
        assert question.measure_id == measure.id
        assert question.period == latest.period
        snapshot = question.flag_snapshot
        assert (snapshot["measure"], snapshot["period"]) == (slug, latest.period)
        assert snapshot["measure_name"] == measure.name  # the same snapshot the web form takes
        assert snapshot["value"] == pytest.approx(latest.value)
        assert snapshot["target"] == measure.target
        assert snapshot["status"] == expected_status(  # all three are rates
            latest.value, latest.request_count, measure.target, measure.direction,
            partial=partial, rate_or_median=True)
    for post_id in (P3, P2):
        assert questions[post_id].measure_id is None
        assert questions[post_id].flag_snapshot is None


class Crash(Exception):
    """Stands for the process dying (power cut, OOM kill) part-way through a page."""


def test_a_crash_in_the_middle_of_a_page_loses_nothing_and_the_restart_duplicates_nothing(
        database, meetings, fake_x, monkeypatch):
    first_run_routes(fake_x)
    real_store = QuestionWriter.store
    seen: list[str] = []

    def store_then_crash(writer, post):
        seen.append(post.id)
        if post.id == P1:  # the second post of page two: P2 is already written in this page
            raise Crash("killed")
        return real_store(writer, post)

    monkeypatch.setattr(QuestionWriter, "store", store_then_crash)
    with pytest.raises(IngestError) as crashed:
        ingest(database, x_source())
    assert crashed.value.report.added == 3
    assert P2 in seen
    # Page one is kept, page two is not there at all, and the cursor points at page two.
    assert set(stored(database)) == {P5, P4, P3}
    cursor = current_cursor(database, "x")
    assert (cursor.since_id, cursor.page_token, cursor.run_newest_id) == (None, TOKEN1, P5)

    monkeypatch.setattr(QuestionWriter, "store", real_store)
    restart = ingest(database, x_source())
    # The restart goes straight on with page two (same token), then the run is complete.
    assert fake_x.searches()[2:] == [(None, TOKEN1)]
    assert restart.added == 2
    assert set(stored(database)) == ALL_FIRST_RUN
    assert current_cursor(database, "x").since_id == P5


def test_a_crash_on_the_first_page_leaves_everything_as_it_was(database, meetings, fake_x,
                                                              monkeypatch):
    first_run_routes(fake_x)
    real_store = QuestionWriter.store
    calls = {"n": 0}

    def crash_on_third(writer, post):
        calls["n"] += 1
        if calls["n"] == 3:
            raise Crash("killed")
        return real_store(writer, post)

    monkeypatch.setattr(QuestionWriter, "store", crash_on_third)
    with pytest.raises(IngestError):
        ingest(database, x_source())
    assert stored(database) == {}
    assert current_cursor(database, "x").since_id is None
    monkeypatch.setattr(QuestionWriter, "store", real_store)
    ingest(database, x_source())
    assert set(stored(database)) == ALL_FIRST_RUN


def test_an_edited_post_updates_its_question_and_sends_it_back_to_moderation(
        database, meetings, fake_x):
    first_run_routes(fake_x)
    ingest(database, x_source())
    original = stored(database)[P4]
    with database.transaction() as session:
        session.get(Question, original.id).status = "approved"

    fake_x.route(P5, None, "search_later.json")
    fake_x.route(P7, None, "search_empty.json")
    report = ingest(database, x_source())
    assert (report.added, report.edited) == (1, 1)

    questions = stored(database)
    assert set(questions) == ALL_FIRST_RUN | {P7}  # the edit (P6) is not a new question
    edited = questions[P4]
    assert edited.id == original.id
    assert "Asking for wheelchair users." in edited.text
    assert edited.external_version_id == P6
    assert edited.external_url == f"https://x.com/walkkc/status/{P6}"
    assert (edited.status, edited.held_reason) == ("pending", "edited")
    with database.transaction() as session:
        audit = session.scalar(select(AuditEntry).where(AuditEntry.entity_id == str(original.id)))
        assert audit.before["text"] == original.text and audit.after["version"] == P6


def test_a_rejected_since_id_starts_over_without_duplicates_or_undoing_edits(
        database, meetings, fake_x):
    first_run_routes(fake_x)
    ingest(database, x_source())
    fake_x.route(P5, None, "search_later.json")
    fake_x.route(P7, None, Reply.of("invalid_since_id.json", 400))
    ingest(database, x_source())
    # The stored cursor is now too old for X (the worker was down a week): X refuses it; the
    # ingester starts again from the newest posts, which are all stored already.
    fake_x.route(None, None, "search_page1.json")
    report = ingest(database, x_source())
    assert fake_x.searches()[-3:] == [(P7, None), (None, None), (None, TOKEN1)]
    assert report.added == 0 and any("since_id" in w for w in report.warnings)
    questions = stored(database)
    assert set(questions) == ALL_FIRST_RUN | {P7}
    # The older version of the edited post came round again; the newer text stays.
    assert questions[P4].external_version_id == P6
    assert current_cursor(database, "x").since_id == P5


def test_two_ingesters_at_once_store_each_post_once(database, meetings, fake_x):
    first_run_routes(fake_x)
    # Both ingesters fetch page one before either stores it, so they really race for it.
    barrier = threading.Barrier(2, timeout=20)
    first_calls = {"n": 0}

    def hold_first_two(params):
        with fake_x.lock:
            first_calls["n"] += 1
            mine = first_calls["n"]
        if mine <= 2:
            barrier.wait()

    fake_x.before_reply = hold_first_two
    reports, errors = [], []

    def run():
        other = Database()
        other.configure(database.engine.url.render_as_string(hide_password=False))
        try:
            reports.append(ingest(other, x_source()))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            other.engine.dispose()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len(reports) == 2
    assert set(stored(database)) == ALL_FIRST_RUN
    assert sum(r.added for r in reports) == 5
    assert sum(r.lost_races for r in reports) >= 1  # one of them lost page one and moved on
    assert current_cursor(database, "x").since_id == P5


def test_profanity_in_a_post_is_held_for_a_moderator_like_the_form_does(database, meetings):
    post = Post(id="2123300000000000001", root_id="2123300000000000001",
                text="This pothole on Prospect is bullshit #KCStat",
                posted_at=utc(2026, 11, 19, 0, 30), author_handle="angrycommuter",
                url="https://x.com/angrycommuter/status/2123300000000000001")
    with database.transaction() as session:
        QuestionWriter(session, "x").store(post)
    question = stored(database)[post.id]
    assert (question.status, question.held_reason) == ("pending", "profanity")
    assert question.text_hash

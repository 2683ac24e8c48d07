"""The questions service: asking with a flagged statistic, every bad input, the feed, votes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from kcstat_dash.db import db
from kcstat_dash.models import Measure, Meeting, Observation, Question
from kcstat_dash.services import feed_version, questions
from kcstat_dash.services.errors import DomainError
from kcstat_dash.services.questions import QuestionRejected, submit_question
from tests.honest_numbers import data_through, expected_status, month_is_partial

FLAG_SLUG = "pothole-on-time-rate"


def live_meeting(session) -> Meeting:
    return session.scalar(select(Meeting).where(Meeting.status == "live"))


def question_count(session) -> int:
    session.rollback()
    return session.scalar(select(func.count(Question.id)))


def some_observation(session, slug=FLAG_SLUG) -> Observation:
    measure = session.scalar(select(Measure).where(Measure.slug == slug))
    return session.scalars(select(Observation).where(Observation.measure_id == measure.id)
                           .order_by(Observation.period)).all()[-3]


def test_a_question_is_stored_exactly_as_typed_and_waits_for_moderation(sample_session):
    meeting = live_meeting(sample_session)
    typed = "  <script>alert('x')</script> Why <b>so</b> slow?\n[link](javascript:alert(1))  "
    question = submit_question(sample_session, meeting_id=meeting.id, text=typed,
                               display_name="  Pat  ", client_key="c1")
    sample_session.commit()
    stored = sample_session.get(Question, question.id)
    assert stored.text == typed
    assert stored.display_name == "Pat"
    assert stored.status == "pending"
    assert stored.held_reason is None
    assert questions.public_feed(sample_session, meeting.id)["questions"] == []


def test_the_flag_keeps_what_the_resident_saw_when_the_data_changes_later(sample_session):
    meeting = live_meeting(sample_session)
    observation = some_observation(sample_session)
    measure = sample_session.get(Measure, observation.measure_id)
    seen_value = observation.value
    question = submit_question(sample_session, meeting_id=meeting.id, text="Why this month?",
                               measure=FLAG_SLUG, period=observation.period, client_key="c1")
    sample_session.commit()
    observation.value = seen_value + 10
    sample_session.commit()
    snapshot = sample_session.get(Question, question.id).flag_snapshot
    assert snapshot["measure"] == FLAG_SLUG
    assert snapshot["period"] == observation.period
    assert snapshot["value"] == seen_value
    assert snapshot["target"] == measure.target
    assert snapshot["n"] == observation.request_count
    assert snapshot["status"] == expected_status(
        seen_value, observation.request_count, measure.target, measure.direction,
        partial=month_is_partial(observation.period, data_through(sample_session)),
        rate_or_median=True)
    assert question.measure_id == measure.id and question.period == observation.period


@pytest.mark.parametrize("slug", [FLAG_SLUG, "311-requests"])
def test_flagging_a_measure_without_a_period_means_its_latest_complete_month(sample_session,
                                                                           slug):
    meeting = live_meeting(sample_session)
    measure = sample_session.scalar(select(Measure).where(Measure.slug == slug))
    through = data_through(sample_session)
    periods = sample_session.scalars(select(Observation.period)
                                     .where(Observation.measure_id == measure.id))
    latest = max(p for p in periods if not month_is_partial(p, through))
    question = submit_question(sample_session, meeting_id=meeting.id, text="Latest?",
                               measure=slug, client_key="c1")
    assert question.period == latest


def test_a_meeting_that_publishes_directly_puts_the_question_on_the_feed(sample_session):
    meeting = live_meeting(sample_session)
    meeting.auto_publish = True
    sample_session.commit()
    before = feed_version.current(sample_session, meeting.id)
    question = submit_question(sample_session, meeting_id=meeting.id, text="Published?",
                               client_key="c1")
    sample_session.commit()
    assert question.status == "approved"
    assert feed_version.current(sample_session, meeting.id) == before + 1
    feed = questions.public_feed(sample_session, meeting.id)
    assert [q["text"] for q in feed["questions"]] == ["Published?"]


@pytest.mark.parametrize("text", ["Why is this so shitty?", "What the F*CK happened in May?",
                                  "who is the a55hole in charge"])
def test_profanity_holds_a_question_for_a_moderator_instead_of_dropping_it(sample_session, text):
    meeting = live_meeting(sample_session)
    meeting.auto_publish = True  # even a meeting that publishes directly holds it
    sample_session.commit()
    question = submit_question(sample_session, meeting_id=meeting.id, text=text, client_key="c")
    sample_session.commit()
    stored = sample_session.get(Question, question.id)
    assert (stored.status, stored.held_reason, stored.text) == ("pending", "profanity", text)


def _closed(session, meeting):
    meeting.accepting_questions = False


def _ended(session, meeting):
    meeting.status = "ended"


BAD_INPUTS = [
    ("empty", {"text": ""}, None),
    ("empty", {"text": "   \n\t  "}, None),
    ("empty", {"text": None}, None),
    ("too_long", {"text": "x" * 1001}, None),
    ("meeting_closed", {}, _closed),
    ("meeting_closed", {}, _ended),
    ("meeting_not_found", {"meeting_id": 999_999}, None),
    ("meeting_not_found", {"meeting_id": "abc"}, None),
    ("unknown_measure", {"measure": "no-such-measure"}, None),
    ("unknown_measure", {"period": "2019-03"}, None),
    ("unknown_period", {"measure": FLAG_SLUG, "period": "1990-01"}, None),
    ("unknown_period", {"measure": FLAG_SLUG, "period": "March 2019"}, None),
    ("name_too_long", {"display_name": "n" * 81}, None),
]


@pytest.mark.parametrize(("code", "fields", "prepare"), BAD_INPUTS,
                         ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(BAD_INPUTS)])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_stored(
        sample_session, code, fields, prepare):
    meeting = live_meeting(sample_session)
    if prepare:
        prepare(sample_session, meeting)
        sample_session.commit()
    before = question_count(sample_session)
    arguments = {"meeting_id": meeting.id, "text": "A fair question", "client_key": "c1",
                 **fields}
    # One family of refusals: a QuestionRejected, or the one MeetingNotFound.
    with pytest.raises(DomainError) as caught:
        submit_question(sample_session, **arguments)
    sample_session.rollback()
    assert caught.value.code == code
    assert len(caught.value.message) > 20
    assert question_count(sample_session) == before


def test_a_question_of_exactly_one_thousand_characters_is_accepted(sample_session):
    meeting = live_meeting(sample_session)
    question = submit_question(sample_session, meeting_id=meeting.id, text="y" * 1000,
                               client_key="c1")
    assert len(question.text) == 1000


def test_the_same_text_from_the_same_client_within_a_minute_is_refused(sample_session):
    meeting = live_meeting(sample_session)
    start = datetime.now(UTC)
    submit_question(sample_session, meeting_id=meeting.id, text="Why are lights out?",
                    client_key="me", now=start)
    sample_session.commit()
    with pytest.raises(QuestionRejected) as caught:
        submit_question(sample_session, meeting_id=meeting.id, text="why are  LIGHTS out? ",
                        client_key="me", now=start + timedelta(seconds=30))
    assert caught.value.code == "duplicate"
    sample_session.rollback()
    # Someone else may ask the same; and the same person may ask again a minute later.
    submit_question(sample_session, meeting_id=meeting.id, text="Why are lights out?",
                    client_key="you", now=start + timedelta(seconds=30))
    submit_question(sample_session, meeting_id=meeting.id, text="Why are lights out?",
                    client_key="me", now=start + timedelta(seconds=61))
    sample_session.commit()
    assert question_count(sample_session) == 3


def _approve(session, question_ids, status="approved"):
    for question_id in question_ids:
        session.get(Question, question_id).status = status
    session.commit()


def test_the_feed_shows_only_public_questions_newest_or_most_upvoted_first(sample_session):
    meeting = live_meeting(sample_session)
    start = datetime.now(UTC) - timedelta(minutes=10)
    made = [submit_question(sample_session, meeting_id=meeting.id, text=f"Question {i}",
                            client_key=f"c{i}", now=start + timedelta(minutes=i))
            for i in range(5)]
    sample_session.commit()
    _approve(sample_session, [made[0].id, made[1].id])
    _approve(sample_session, [made[2].id], "answered")
    _approve(sample_session, [made[3].id], "hidden")  # made[4] stays pending
    for voter in ("v1", "v2"):
        questions.upvote(sample_session, made[0].id, voter)
    questions.upvote(sample_session, made[1].id, "v1")
    sample_session.commit()

    newest = questions.public_feed(sample_session, meeting.id, order="newest")
    assert [q["text"] for q in newest["questions"]] == ["Question 2", "Question 1", "Question 0"]
    assert newest["total"] == 3
    top = questions.public_feed(sample_session, meeting.id, order="top")
    assert [q["text"] for q in top["questions"]] == ["Question 0", "Question 1", "Question 2"]
    assert [q["upvotes"] for q in top["questions"]] == [2, 1, 0]
    capped = questions.public_feed(sample_session, meeting.id, limit=2)
    assert len(capped["questions"]) == 2 and capped["total"] == 3
    assert "client_key" not in newest["questions"][0]


def test_a_browser_upvotes_a_question_once_and_each_vote_bumps_the_feed(sample_session):
    meeting = live_meeting(sample_session)
    question = submit_question(sample_session, meeting_id=meeting.id, text="Me too?",
                               client_key="c")
    sample_session.commit()
    with pytest.raises(QuestionRejected):
        questions.upvote(sample_session, question.id, "v1")  # still pending: not public
    sample_session.rollback()
    _approve(sample_session, [question.id])
    before = feed_version.current(sample_session, meeting.id)
    assert questions.upvote(sample_session, question.id, "v1") == (1, True)
    sample_session.commit()
    assert questions.upvote(sample_session, question.id, "v1") == (1, False)
    sample_session.commit()
    assert questions.upvote(sample_session, question.id, "v2") == (2, True)
    sample_session.commit()
    assert feed_version.current(sample_session, meeting.id) == before + 2


def test_flag_counts_count_public_questions_per_period(sample_session):
    meeting = live_meeting(sample_session)
    observation = some_observation(sample_session)
    made = [submit_question(sample_session, meeting_id=meeting.id, text=f"Flag {i}",
                            measure=FLAG_SLUG, period=observation.period, client_key=f"c{i}")
            for i in range(3)]
    sample_session.commit()
    _approve(sample_session, [made[0].id, made[1].id])
    counts = questions.flag_counts(sample_session, [observation.measure_id])
    assert counts == {observation.measure_id: {observation.period: 2}}


def _submit_in_threads(url, jobs, threads=8):
    """Run ``jobs`` (kwargs for submit_question) from several threads, each with its own session."""
    db.configure(url)
    results, errors = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def worker(share):
        barrier.wait()
        for job in share:
            session = db.new_session()
            try:
                question = submit_question(session, **job)
                session.commit()
                with lock:
                    results.append(question.id)
            except QuestionRejected as error:
                session.rollback()
                with lock:
                    errors.append(error.code)
            finally:
                session.close()

    pool = [threading.Thread(target=worker, args=(jobs[i::threads],)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results, errors


def test_two_hundred_questions_at_once_are_all_stored_none_twice(sample_session,
                                                                  sample_database_url):
    meeting_id = live_meeting(sample_session).id
    sample_session.close()
    jobs = [{"meeting_id": meeting_id, "text": f"Concurrent question {i}",
             "client_key": f"client-{i % 40}"} for i in range(200)]
    ids, errors = _submit_in_threads(sample_database_url, jobs)
    assert errors == []
    session = db.new_session()
    texts = session.scalars(select(Question.text).where(Question.meeting_id == meeting_id)).all()
    session.close()
    assert sorted(texts) == sorted(job["text"] for job in jobs)
    assert len(set(ids)) == 200


def test_the_same_question_sent_from_one_client_many_times_at_once_is_stored_once(
        sample_session, sample_database_url):
    meeting_id = live_meeting(sample_session).id
    sample_session.close()
    jobs = [{"meeting_id": meeting_id, "text": "Double click!", "client_key": "same"}] * 16
    ids, errors = _submit_in_threads(sample_database_url, jobs)
    assert len(ids) == 1
    assert errors == ["duplicate"] * 15

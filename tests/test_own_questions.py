"""A resident's own questions: read and withdrawn only by the client that asked them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kcstat_dash.models import AuditEntry, Meeting, Question
from kcstat_dash.services import moderation, own_questions
from kcstat_dash.services.questions import QuestionRejected, question_summary, submit_question


def _live(session) -> Meeting:
    return session.scalar(select(Meeting).where(Meeting.status == "live"))


def test_a_browser_reads_only_its_own_questions_with_their_outcome(sample_session):
    meeting = _live(sample_session)
    mine = submit_question(sample_session, meeting_id=meeting.id, text="Mine, pending",
                           client_key="me")
    rejected = submit_question(sample_session, meeting_id=meeting.id, text="Mine, off topic",
                               client_key="me")
    answered = submit_question(sample_session, meeting_id=meeting.id, text="Mine, answered",
                               client_key="me")
    theirs = submit_question(sample_session, meeting_id=meeting.id, text="Someone else's",
                             client_key="them")
    moderation.reject(sample_session, rejected.id, "off-topic", None)
    moderation.approve(sample_session, answered.id, None)
    moderation.answer(sample_session, answered.id, "Crews fill them within a week.", None)
    ids = [mine.id, rejected.id, answered.id, theirs.id, "junk", -1, 10**30]
    own = {q["id"]: q for q in own_questions.own_questions(sample_session, ids, "me",
                                                           meeting.id)}
    assert set(own) == {mine.id, rejected.id, answered.id}  # never another client's
    assert (own[mine.id]["status_words"], own[mine.id]["can_withdraw"]) == (
        "Waiting for a moderator", True)
    assert (own[rejected.id]["status_words"], own[rejected.id]["reason"]) == (
        "Not published", "Off-topic")
    assert own[answered.id]["answer"] == "Crews fill them within a week."
    # Awaiting: a moderator's decision (pending) or an answer (published): not once settled.
    assert [own[q.id]["awaiting"] for q in (mine, rejected, answered)] == [True, False, False]
    published = submit_question(sample_session, meeting_id=meeting.id, text="Mine, published",
                                client_key="me")
    moderation.approve(sample_session, published.id, None)
    assert own_questions.own_questions(sample_session, [published.id], "me")[0]["awaiting"]
    assert own_questions.own_questions(sample_session, ids, None) == []
    assert own_questions.own_questions(sample_session, "not a list", "me") == []


def test_only_the_asker_withdraws_and_only_while_pending(sample_session):
    meeting = _live(sample_session)
    question = submit_question(sample_session, meeting_id=meeting.id, text="Take it back",
                               client_key="me")
    with pytest.raises(QuestionRejected) as refused:
        own_questions.withdraw(sample_session, question.id, "them")
    assert refused.value.code == "not_yours"
    with pytest.raises(QuestionRejected):
        own_questions.withdraw(sample_session, question.id, None)
    own_questions.withdraw(sample_session, question.id, "me")
    assert sample_session.get(Question, question.id).status == "withdrawn"
    assert sample_session.scalar(select(AuditEntry.action).where(
        AuditEntry.entity_id == str(question.id))) == "question.withdraw"
    with pytest.raises(QuestionRejected) as again:
        own_questions.withdraw(sample_session, question.id, "me")
    assert again.value.code == "not_pending"
    published = submit_question(sample_session, meeting_id=meeting.id, text="Already out",
                                client_key="me")
    moderation.approve(sample_session, published.id, None)
    with pytest.raises(QuestionRejected):
        own_questions.withdraw(sample_session, published.id, "me")


def test_a_moderators_wording_fix_is_marked_edited(sample_session):
    meeting = _live(sample_session)
    question = submit_question(sample_session, meeting_id=meeting.id, text="Potholse?",
                               client_key="me")
    assert question_summary(question)["edited"] is False
    moderation.edit_text(sample_session, question.id, "Potholes?", None)
    assert question_summary(question)["edited"] is True


def _follow(client, question_ids: list[int], meeting_id: int, status: str) -> bool:
    """The page's own-questions callback, as Dash posts it when the list of ids changes:
    whether it keeps asking again (its interval left enabled)."""
    from layouts.ids import meeting as ids

    response = client.post("/_dash-update-component", json={
        "output": f"..{ids.MY_QUESTIONS_LIST}.children...{ids.MY_QUESTIONS_POLL}.disabled..",
        "outputs": [{"id": ids.MY_QUESTIONS_LIST, "property": "children"},
                    {"id": ids.MY_QUESTIONS_POLL, "property": "disabled"}],
        "inputs": [{"id": ids.MY_QUESTIONS, "property": "data", "value": question_ids},
                   {"id": ids.MY_QUESTIONS_POLL, "property": "n_intervals", "value": None},
                   []],
        "changedPropIds": [f"{ids.MY_QUESTIONS}.data"],
        "state": [{"id": ids.MEETING_ID, "property": "data", "value": meeting_id},
                  {"id": ids.MEETING_STATE, "property": "data",
                   "value": {"status": status, "open": status == "live"}}]})
    assert response.status_code == 200
    return not response.get_json()["response"][ids.MY_QUESTIONS_POLL]["disabled"]


def test_a_page_follows_its_questions_until_each_is_settled_or_the_meeting_ends(client):
    from kcstat_dash.db import db
    from tests.test_questions_api import live_meeting

    meeting_id = live_meeting(client)["id"]
    asked = client.post("/api/questions", json={"meeting_id": meeting_id, "text": "When?"})
    question_id = asked.get_json()["id"]
    assert _follow(client, [question_id], meeting_id, "live")  # waiting for a moderator
    with db.transaction() as session:
        moderation.approve(session, question_id, None)
    assert _follow(client, [question_id], meeting_id, "live")  # published: an answer may come
    assert not _follow(client, [question_id], meeting_id, "ended")
    with db.transaction() as session:
        moderation.answer(session, question_id, "In the spring.", None)
    assert not _follow(client, [question_id], meeting_id, "live")  # settled
    assert not _follow(client, [], meeting_id, "live")  # a browser that asked nothing

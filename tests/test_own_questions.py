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

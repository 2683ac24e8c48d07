"""A resident's own questions: what became of each, and withdrawing one still waiting.

The browser keeps the ids of the questions it sent (in its local storage); the ids alone prove
nothing, so every read and the withdrawal check that the question was asked by the same client
(``Question.client_key``, the hashed, server-signed browser id, ``web/asking.py``). A question
asked by someone else reads as unknown, never as another resident's pending text.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcstat_dash.i18n import N_
from kcstat_dash.models import Question, utcnow
from kcstat_dash.services import audit
from kcstat_dash.services.moderation import REJECT_REASONS
from kcstat_dash.services.public_input import record_id
from kcstat_dash.services.question_status import QuestionStatus, can_move
from kcstat_dash.services.questions import QuestionRejected

# How many of its latest questions a browser is told about (the list it keeps is bounded too).
MAX_OWN = 50
# In English, marked: the page says them in its language (layouts/meeting.py).
STATUS_WORDS = {
    QuestionStatus.PENDING: N_("Waiting for a moderator"),
    QuestionStatus.APPROVED: N_("Published"),
    QuestionStatus.ANSWERED: N_("Answered"),
    QuestionStatus.HIDDEN: N_("Taken off the feed by a moderator"),
    QuestionStatus.REJECTED: N_("Not published"),
    QuestionStatus.MERGED: N_("Merged into a similar question"),
    QuestionStatus.WITHDRAWN: N_("Withdrawn by you"),
}
NOT_YOURS = N_("That question was not asked from this browser.")
# What its asker is still waiting for: a moderator's decision, or the meeting's answer to a
# published question. While one of a browser's questions is awaiting, its page asks again.
AWAITING = (QuestionStatus.PENDING, QuestionStatus.APPROVED)


def _ids(question_ids: object) -> list[int]:
    if not isinstance(question_ids, list):
        return []
    found: list[int] = []
    for raw in question_ids[-MAX_OWN:]:
        number = record_id(raw)
        if number is not None and number not in found:
            found.append(number)
    return found


def own_question(question: Question) -> dict:
    """One question as its asker sees it: the words, the status and what it means."""
    reason = None
    if question.status == QuestionStatus.REJECTED:
        reason = REJECT_REASONS.get(question.reject_reason or "", "Other")
    return {
        "id": question.id, "meeting_id": question.meeting_id, "text": question.text,
        "status": question.status, "status_words": STATUS_WORDS.get(question.status,
                                                                     question.status),
        "answer": question.answer if question.status == QuestionStatus.ANSWERED else None,
        "reason": reason, "merged_into": question.merged_into_id,
        "edited": question.original_text is not None,
        "flag": question.flag_snapshot, "created_at": question.created_at.isoformat(),
        "can_withdraw": can_move(question.status, QuestionStatus.WITHDRAWN),
        "awaiting": question.status in AWAITING,
    }


def own_questions(session: Session, question_ids: object, client_key: str | None,
                  meeting_id: object = None) -> list[dict]:
    """The questions among ``question_ids`` that ``client_key`` asked (at ``meeting_id`` when
    given), newest first."""
    ids = _ids(question_ids)
    if not ids or not client_key:
        return []
    query = select(Question).where(Question.id.in_(ids), Question.client_key == client_key)
    meeting = record_id(meeting_id)
    if meeting is not None:
        query = query.where(Question.meeting_id == meeting)
    rows = session.scalars(query.order_by(Question.created_at.desc(), Question.id.desc()))
    return [own_question(q) for q in rows]


def withdraw(session: Session, question_id: object, client_key: str | None) -> Question:
    """Withdraw a pending question asked by ``client_key``; ``QuestionRejected`` otherwise.

    In the caller's transaction, with an audit entry (no staff user: the asker did it). A
    pending question is not on the public feed, so the feed's version does not move.
    """
    number = record_id(question_id)
    question = (session.get(Question, number, with_for_update=True)
                if number is not None else None)
    if question is None or not client_key or question.client_key != client_key:
        raise QuestionRejected("not_yours", NOT_YOURS, status=404)
    if not can_move(question.status, QuestionStatus.WITHDRAWN):
        raise QuestionRejected("not_pending", N_("A moderator has already read this question, "
                                                 "so it can no longer be withdrawn."),
                               status=409)
    before = {"status": question.status}
    question.status = QuestionStatus.WITHDRAWN
    question.updated_at = utcnow()
    session.flush()
    audit.record(session, None, "question.withdraw", "question", question.id, before,
                 {"status": QuestionStatus.WITHDRAWN})
    return question

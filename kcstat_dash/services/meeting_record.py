"""A meeting's Q&A as a public record: questions, flagged statistics, answers, outcomes.

Only questions that moderators made public (approved or answered) keep their text, name and
answer; every other question appears with its outcome alone, so hidden and rejected text never
leaves the database.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kcstat_dash import i18n
from kcstat_dash.models import Meeting, Question
from kcstat_dash.services.errors import MeetingNotFound
from kcstat_dash.services.formatting import format_value
from kcstat_dash.services.meetings import safe_url
from kcstat_dash.services.public_input import record_id
from kcstat_dash.services.question_status import PUBLIC, QuestionStatus
from kcstat_dash.services.tabular import csv_text

OUTCOMES = {QuestionStatus.APPROVED: "published", QuestionStatus.ANSWERED: "answered",
            QuestionStatus.HIDDEN: "hidden by moderators",
            QuestionStatus.REJECTED: "rejected by moderators",
            QuestionStatus.MERGED: "merged into another question",
            QuestionStatus.PENDING: "not moderated",
            QuestionStatus.WITHDRAWN: "withdrawn by the asker"}
COLUMNS = ["question_id", "asked_at", "channel", "language", "display_name", "author_handle",
           "external_url", "text", "edited", "upvotes", "outcome", "outcome_reason",
           "merged_into", "measure_slug", "measure", "period", "flagged_value",
           "flagged_target", "flagged_status", "answer", "answered_at"]


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _question_row(question: Question) -> dict:
    public = question.status in PUBLIC
    flag = question.flag_snapshot or {}
    unit = flag.get("unit") or (question.measure.unit if question.measure else "")
    row = {
        "question_id": question.id, "asked_at": _iso(question.posted_at or question.created_at),
        "channel": question.channel, "upvotes": question.upvotes,
        # The code it was asked in ("es"), or None when not known: a machine field.
        "language": question.language,
        # A moderator fixed the wording of the text shown (the asker's own is not published).
        "edited": question.original_text is not None,
        "outcome": OUTCOMES.get(question.status, question.status),
        # The reason code (e.g. "spam") is the outcome's; the text it was given for is not kept.
        "outcome_reason": (question.reject_reason or question.held_reason or "")
        if not public else "",
        "merged_into": question.merged_into_id,
        "measure_slug": flag.get("measure") or (question.measure.slug if question.measure
                                                else None),
        "measure": flag.get("measure_name") or (question.measure.name if question.measure
                                                else None),
        "period": flag.get("period") or question.period,
        "flagged_value": format_value(flag["value"], unit) if flag.get("value") is not None
        else None,
        "flagged_target": format_value(flag["target"], unit) if flag.get("target") is not None
        else None,
        "flagged_status": flag.get("status"),
        "display_name": None, "author_handle": None, "external_url": None, "text": None,
        "answer": None, "answered_at": None,
    }
    if public:
        row.update(display_name=question.display_name, author_handle=question.author_handle,
                   external_url=safe_url(question.external_url),
                   text=question.text, answer=question.answer,
                   answered_at=_iso(question.answered_at))
    return row


def meeting_record(session: Session, meeting_id: int) -> dict:
    """The meeting and every question asked at it, in the order asked."""
    meeting = session.get(Meeting, meeting_id) if record_id(meeting_id) is not None else None
    if meeting is None:
        raise MeetingNotFound(meeting_id)
    questions = session.scalars(
        select(Question).options(selectinload(Question.measure))
        .where(Question.meeting_id == meeting_id).order_by(Question.created_at, Question.id))
    # A record is the same file whoever downloads it: values written the English way.
    with i18n.using("en"):
        rows = [_question_row(q) for q in questions]
    return {
        "meeting": {"id": meeting.id, "title": meeting.title, "area": meeting.area.name,
                    "starts_at": _iso(meeting.starts_at), "ends_at": _iso(meeting.ends_at),
                    "status": meeting.status, "recording_url": safe_url(meeting.recording_url)},
        "generated_at": _iso(datetime.now(UTC)),
        "questions": rows,
    }


def meeting_record_json(session: Session, meeting_id: int) -> str:
    return json.dumps(meeting_record(session, meeting_id), ensure_ascii=False, indent=1)


def meeting_record_csv(session: Session, meeting_id: int) -> str:
    return csv_text(COLUMNS, meeting_record(session, meeting_id)["questions"])

"""Moderators' actions on questions: each one change, its audit entry and its feed bump, together.

Every function works in the caller's session and flushes; the caller commits once (a callback
uses ``db.transaction()``), so an action and its audit entry are stored together or not at all.
A change residents can see also bumps the meeting's feed version in the same transaction.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from kcstat_dash.i18n import LANGUAGES, N_
from kcstat_dash.models import Measure, Meeting, Question, QuestionVote, utcnow
from kcstat_dash.services import audit, feed_version
from kcstat_dash.services.errors import MeetingNotFound, ModerationError
from kcstat_dash.services.public_input import record_id
from kcstat_dash.services.question_language import UNKNOWN
from kcstat_dash.services.question_status import (
    KEPT,
    NOT_KEPT,
    PUBLIC,
    QuestionStatus,
    check_transition,
)

# Marked for the catalog: residents read them (their own question's reason, the public
# moderation summary) in their language; the moderators' page shows them as they are.
REJECT_REASONS = {
    "off-topic": N_("Off-topic"),
    "duplicate": N_("Duplicate"),
    "abusive": N_("Abusive"),
    "spam": N_("Spam"),
    "other": N_("Other"),
}
MAX_ANSWER_LENGTH = 4000
MAX_QUESTION_LENGTH = 1000
MAX_LABELS = 8
MAX_LABEL_LENGTH = 30
MAX_BULK = 200
LABEL_PATTERN = re.compile(r"^[a-z0-9][a-z0-9 _-]*$")
# Markup is refused rather than stored: text is always shown as text, and markup in an answer
# would read as garbage (or, somewhere that forgot to escape it, as a script).
MARKUP_PATTERN = re.compile(r"<\s*/?\s*[a-zA-Z!]|javascript\s*:", re.IGNORECASE)


def snapshot(question: Question) -> dict:
    """The fields an audit entry keeps of a question, before and after a change."""
    return {"status": question.status, "text": question.text,
            "original_text": question.original_text, "reject_reason": question.reject_reason,
            "answer": question.answer, "labels": list(question.labels or []),
            "upvotes": question.upvotes, "merged_into_id": question.merged_into_id,
            "measure_id": question.measure_id, "period": question.period}


def clean_text(text: str | None, what: str, max_length: int, required: bool = True) -> str:
    """Trimmed text, or a clear error for empty, oversized or markup-bearing input."""
    text = (text or "").strip()
    if not text:
        if required:
            raise ModerationError(f"The {what} is empty.")
        return ""
    if len(text) > max_length:
        raise ModerationError(f"The {what} is {len(text)} characters; the limit is {max_length}.")
    if MARKUP_PATTERN.search(text):
        raise ModerationError(f"The {what} contains HTML or a script link; write plain text.")
    return text


def get_question(session: Session, question_id) -> Question:
    try:
        question = session.get(Question, int(question_id), with_for_update=True)
    except (TypeError, ValueError):
        question = None
    if question is None:
        raise ModerationError(f"There is no question #{question_id}.")
    return question


def _expect(question: Question, allowed: tuple[str, ...], action: str) -> None:
    """For actions that keep the status (pin, edit): refuse a question in another status."""
    if question.status not in allowed:
        raise ModerationError(f"Question #{question.id} is {question.status}; only "
                              f"{' or '.join(allowed)} questions can be {action}.")


def _move(question: Question, target: QuestionStatus) -> None:
    check_transition(question.id, question.status, target)
    question.status = target


def _done(session: Session, question: Question, user_id: int | None, action: str,
          before: dict, public: bool) -> Question:
    question.updated_at = utcnow()
    session.flush()
    audit.record(session, user_id, f"question.{action}", "question", question.id, before,
                 snapshot(question))
    if public:
        feed_version.bump(session, question.meeting_id)
    return question


def approve(session: Session, question_id, user_id: int | None) -> Question:
    """Publish a pending question (or put a hidden or rejected one back) in the feed."""
    question = get_question(session, question_id)
    before = snapshot(question)
    _move(question, QuestionStatus.APPROVED)
    question.reject_reason = None
    return _done(session, question, user_id, "approve", before, public=True)


def reject(session: Session, question_id, reason: str, user_id: int | None) -> Question:
    """Turn down a pending question with a reason code; it never reaches the feed."""
    if reason not in REJECT_REASONS:
        raise ModerationError(f"Choose a reason: {', '.join(REJECT_REASONS)}.")
    question = get_question(session, question_id)
    before = snapshot(question)
    _move(question, QuestionStatus.REJECTED)
    question.reject_reason = reason
    return _done(session, question, user_id, "reject", before, public=False)


def hide(session: Session, question_id, user_id: int | None) -> Question:
    """Take a published question out of the feed (its text stays for the audit, never public)."""
    question = get_question(session, question_id)
    before = snapshot(question)
    _move(question, QuestionStatus.HIDDEN)
    _unpin_if_pinned(session, question)
    return _done(session, question, user_id, "hide", before, public=True)


def answer(session: Session, question_id, answer_text: str | None,
           user_id: int | None) -> Question:
    """Mark a question answered, with an optional written answer shown publicly."""
    text = clean_text(answer_text, "answer", MAX_ANSWER_LENGTH, required=False)
    question = get_question(session, question_id)
    before = snapshot(question)
    _move(question, QuestionStatus.ANSWERED)
    question.answer = text or None
    question.answered_at = utcnow()
    return _done(session, question, user_id, "answer", before, public=True)


def _unpin_if_pinned(session: Session, question: Question) -> None:
    session.execute(update(Meeting).where(Meeting.id == question.meeting_id,
                                          Meeting.pinned_question_id == question.id)
                    .values(pinned_question_id=None))


def pin(session: Session, question_id, user_id: int | None) -> Question:
    """Pin a published question as "now discussing" at its meeting (one pinned at a time)."""
    question = get_question(session, question_id)
    _expect(question, PUBLIC, "pinned")
    meeting = session.get(Meeting, question.meeting_id)
    before = {"pinned_question_id": meeting.pinned_question_id}
    meeting.pinned_question_id = question.id
    session.flush()
    audit.record(session, user_id, "meeting.pin", "meeting", meeting.id, before,
                 {"pinned_question_id": question.id})
    feed_version.bump(session, meeting.id)
    return question


def unpin(session: Session, meeting_id, user_id: int | None) -> None:
    number = record_id(meeting_id)
    meeting = session.get(Meeting, number) if number is not None else None
    if meeting is None:
        raise MeetingNotFound(meeting_id)
    if meeting.pinned_question_id is None:
        raise ModerationError("No question is pinned.")
    before = {"pinned_question_id": meeting.pinned_question_id}
    meeting.pinned_question_id = None
    session.flush()
    audit.record(session, user_id, "meeting.unpin", "meeting", meeting.id, before,
                 {"pinned_question_id": None})
    feed_version.bump(session, meeting.id)


def merge(session: Session, duplicate_id, keep_id, user_id: int | None) -> Question:
    """Fold a duplicate into the question kept: votes and flagged statistics move across.

    Voters who voted for both count once. If the kept question flagged no statistic it takes the
    duplicate's; if it flagged another, the duplicate's is added to its ``also_flagged`` list.
    The duplicate becomes ``merged`` and points to the one kept.
    """
    if str(duplicate_id) == str(keep_id):
        raise ModerationError("A question cannot be merged into itself.")
    duplicate = get_question(session, duplicate_id)
    kept = get_question(session, keep_id)
    if duplicate.meeting_id != kept.meeting_id:
        raise ModerationError("Only questions of the same meeting can be merged.")
    check_transition(duplicate.id, duplicate.status, QuestionStatus.MERGED)
    if kept.status in NOT_KEPT:
        raise ModerationError(f"Question #{kept.id} is {kept.status}; merge into a question "
                              "that is kept.")
    before_dup, before_kept = snapshot(duplicate), snapshot(kept)
    was_public = duplicate.status in PUBLIC or kept.status in PUBLIC

    kept_voters = set(session.scalars(select(QuestionVote.voter_key)
                                      .where(QuestionVote.question_id == kept.id)))
    duplicate_votes = list(session.scalars(select(QuestionVote)
                                           .where(QuestionVote.question_id == duplicate.id)))
    moved = 0
    for vote in duplicate_votes:
        if vote.voter_key in kept_voters:
            session.delete(vote)  # this browser already counts for the question kept
        else:
            vote.question_id = kept.id
            moved += 1
    # Social channels count votes without a vote row; those come across as they are.
    without_rows = max((duplicate.upvotes or 0) - len(duplicate_votes), 0)
    kept.upvotes = (kept.upvotes or 0) + moved + without_rows
    duplicate.upvotes = 0

    if duplicate.measure_id is not None:
        if kept.measure_id is None:
            kept.measure_id, kept.period = duplicate.measure_id, duplicate.period
            kept.flag_snapshot = duplicate.flag_snapshot
        elif (kept.measure_id, kept.period) != (duplicate.measure_id, duplicate.period):
            flags = dict(kept.flag_snapshot or {})
            also = list(flags.get("also_flagged", []))
            also.append(duplicate.flag_snapshot or {"measure_id": duplicate.measure_id,
                                                     "period": duplicate.period})
            flags["also_flagged"] = also
            kept.flag_snapshot = flags
    meeting = session.get(Meeting, duplicate.meeting_id)
    if meeting.pinned_question_id == duplicate.id:
        meeting.pinned_question_id = kept.id if kept.status in PUBLIC else None
    _move(duplicate, QuestionStatus.MERGED)
    duplicate.merged_into_id = kept.id
    kept.updated_at = utcnow()
    _done(session, duplicate, user_id, "merge", before_dup, public=was_public)
    audit.record(session, user_id, "question.merge_into", "question", kept.id, before_kept,
                 snapshot(kept))
    return kept


def edit_text(session: Session, question_id, new_text: str, user_id: int | None) -> Question:
    """Fix a typo; the resident's original wording is kept in ``original_text``."""
    text = clean_text(new_text, "question", MAX_QUESTION_LENGTH)
    question = get_question(session, question_id)
    _expect(question, KEPT, "edited")
    if text == question.text:
        raise ModerationError("The text is unchanged.")
    before = snapshot(question)
    if question.original_text is None:
        question.original_text = question.text
    question.text = text
    return _done(session, question, user_id, "edit", before,
                 public=question.status in PUBLIC)


def parse_labels(raw: str | list[str] | None) -> list[str]:
    """Labels from a comma-separated string: lower-cased, deduplicated, checked."""
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])
    labels: list[str] = []
    for item in items:
        label = " ".join(str(item).strip().lower().split())
        if not label or label in labels:
            continue
        if len(label) > MAX_LABEL_LENGTH or not LABEL_PATTERN.match(label):
            raise ModerationError(f"Label {label[:40]!r}: use letters, digits, spaces, - or _, "
                                  f"at most {MAX_LABEL_LENGTH} characters.")
        labels.append(label)
    if len(labels) > MAX_LABELS:
        raise ModerationError(f"At most {MAX_LABELS} labels per question.")
    return labels


def set_labels(session: Session, question_id, raw, user_id: int | None) -> Question:
    """Replace a question's labels (for moderators' own sorting; not shown publicly)."""
    labels = parse_labels(raw)
    question = get_question(session, question_id)
    before = snapshot(question)
    question.labels = labels
    return _done(session, question, user_id, "label", before, public=False)


def _bulk_ids(question_ids) -> list[int]:
    try:
        ids = sorted({int(i) for i in question_ids or []})
    except (TypeError, ValueError) as error:
        raise ModerationError("The selection holds something that is not a question.") from error
    if not ids:
        raise ModerationError("Select at least one question.")
    if len(ids) > MAX_BULK:
        raise ModerationError(f"At most {MAX_BULK} questions at once.")
    return ids


def bulk_approve(session: Session, question_ids, user_id: int | None) -> tuple[int, int]:
    """Approve every selected question still pending; returns (approved, skipped)."""
    return _bulk(session, question_ids, lambda q: approve(session, q.id, user_id))


def bulk_reject(session: Session, question_ids, reason: str,
                user_id: int | None) -> tuple[int, int]:
    """Reject every selected question still pending; returns (rejected, skipped)."""
    if reason not in REJECT_REASONS:
        raise ModerationError(f"Choose a reason: {', '.join(REJECT_REASONS)}.")
    return _bulk(session, question_ids, lambda q: reject(session, q.id, reason, user_id))


def _bulk(session: Session, question_ids, action) -> tuple[int, int]:
    ids = _bulk_ids(question_ids)
    questions = list(session.scalars(select(Question).where(Question.id.in_(ids))))
    if len(questions) != len(ids):
        missing = sorted(set(ids) - {q.id for q in questions})
        raise ModerationError(f"No question #{missing[0]}; nothing was changed.")
    done = 0
    # Another moderator may have handled some already: those are skipped, not an error.
    for question in questions:
        if question.status == QuestionStatus.PENDING:
            action(question)
            done += 1
    return done, len(ids) - done


# --- Reading the queue ---------------------------------------------------------------------


def queue(session: Session, meeting_id=None, status: str | None = QuestionStatus.PENDING,
          channel: str | None = None, measure_id=None, language: str | None = None,
          limit: int = 200) -> list[dict]:
    """Questions for the moderators' queue, oldest first, as plain data."""
    query = (select(Question).options(selectinload(Question.measure),
                                      selectinload(Question.meeting))
             .order_by(Question.created_at, Question.id).limit(limit))
    query = _filtered(query, meeting_id, status, channel, measure_id, language)
    pinned = dict(session.execute(select(Meeting.id, Meeting.pinned_question_id)).all())
    return [question_row(q, pinned.get(q.meeting_id) == q.id) for q in session.scalars(query)]


def _filtered(query, meeting_id, status, channel, measure_id, language=None):
    if meeting_id:
        query = query.where(Question.meeting_id == int(meeting_id))
    if status:
        query = query.where(Question.status == status)
    if channel:
        query = query.where(Question.channel == channel)
    if measure_id:
        query = query.where(Question.measure_id == int(measure_id))
    if language == UNKNOWN:
        query = query.where(Question.language.is_(None))
    elif language:
        query = query.where(Question.language == language)
    return query


def queue_signature(session: Session, meeting_id=None,
                    status: str | None = QuestionStatus.PENDING,
                    channel: str | None = None, measure_id=None,
                    language: str | None = None) -> str:
    """Changes whenever the filtered queue does: lets a poll skip re-rendering an unchanged list."""
    query = _filtered(select(func.count(Question.id), func.max(Question.updated_at),
                             func.max(Question.id)), meeting_id, status, channel, measure_id,
                      language)
    count, latest, newest = session.execute(query).one()
    pins = session.execute(select(func.count(Meeting.pinned_question_id))).scalar()
    return f"{count}:{latest.isoformat() if latest else ''}:{newest}:{pins}"


def question_row(question: Question, pinned: bool = False) -> dict:
    return {
        "id": question.id, "meeting_id": question.meeting_id,
        "meeting": question.meeting.title if question.meeting else "",
        "text": question.text, "original_text": question.original_text,
        "display_name": question.display_name, "channel": question.channel,
        "language": question.language,
        "author_handle": question.author_handle, "external_url": question.external_url,
        "status": question.status, "reject_reason": question.reject_reason,
        "held_reason": question.held_reason, "answer": question.answer,
        "measure": question.measure.name if question.measure else None,
        "measure_id": question.measure_id, "period": question.period,
        "upvotes": question.upvotes or 0, "labels": list(question.labels or []),
        "merged_into_id": question.merged_into_id, "pinned": pinned,
        "created_at": question.created_at,
    }


def chosen_question(session: Session, question_id) -> dict | None:
    """The question a moderator chose, as a queue row; None when there is no such question."""
    number = record_id(question_id)
    question = session.get(Question, number) if number is not None else None
    return question_row(question) if question is not None else None


def merge_candidates(session: Session, question: dict) -> list[dict]:
    """The questions ``question`` (a queue row) may be merged into: its meeting's others that
    are still kept (neither merged nor rejected), as queue rows."""
    return [row for row in queue(session, meeting_id=question["meeting_id"], status=None)
            if row["id"] != question["id"] and row["status"] in KEPT]


def by_nearness(meetings: list[dict], now: datetime) -> list[dict]:
    """Meetings (dicts with ``status`` and ``starts_at``) in the order a moderator wants them:
    the live ones first, then by how near their start is to ``now``, before or after (the
    furthest meeting is never the first choice: a mis-click once made a 2027 meeting live)."""
    return sorted(meetings, key=lambda m: (m["status"] != "live",
                                           abs((m["starts_at"] - now).total_seconds()),
                                           m["id"]))


def filter_options(session: Session, now: datetime | None = None) -> dict:
    """The choices the queue's filters offer: meetings (nearest to ``now`` first), channels in
    use, flagged measures."""
    meetings = by_nearness(
        [{"id": m.id, "title": m.title, "starts_at": m.starts_at, "status": m.status}
         for m in session.scalars(select(Meeting))], now or utcnow())
    channels = sorted(c for c in session.scalars(select(Question.channel).distinct()) if c)
    languages = sorted(c for c in session.scalars(select(Question.language).distinct()) if c)
    measures = [{"id": i, "name": n} for i, n in session.execute(
        select(Measure.id, Measure.name).where(
            Measure.id.in_(select(Question.measure_id).where(Question.measure_id.is_not(None))))
        .order_by(Measure.name))]
    return {"meetings": meetings, "channels": channels or ["web"], "measures": measures,
            # The public pages' languages always, and any other a question came in.
            "languages": sorted(set(languages) | set(LANGUAGES))}


def moderation_summary(session: Session, meeting_id) -> dict:
    """The public record of a meeting's moderation: counts by outcome and by reason, no text."""
    number = record_id(meeting_id)
    meeting = session.get(Meeting, number) if number is not None else None
    if meeting is None:
        raise MeetingNotFound(meeting_id)
    rows = session.execute(select(Question.status, Question.reject_reason)
                           .where(Question.meeting_id == meeting.id)).all()
    outcomes = Counter(status for status, _ in rows)
    reasons = Counter(reason for status, reason in rows
                      if status == QuestionStatus.REJECTED and reason)
    return {
        "meeting_id": meeting.id, "title": meeting.title, "total": len(rows),
        "outcomes": {status.value: outcomes.get(status, 0) for status in QuestionStatus},
        "reject_reasons": {code: reasons.get(code, 0) for code in REJECT_REASONS},
    }

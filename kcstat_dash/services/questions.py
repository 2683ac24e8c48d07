"""Residents' questions: asking (with a flagged statistic), the public feed, and "me too" votes.

The web form, the JSON API and tests all ask through ``submit_question``; moderation (another
module) moves questions between the statuses of ``question_status`` and bumps the feed version
when it does.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kcstat_dash import i18n
from kcstat_dash.i18n import N_
from kcstat_dash.models import Measure, Meeting, Question, QuestionVote
from kcstat_dash.services import feed_version
from kcstat_dash.services.errors import Count, DomainError, Later, MeetingNotFound
from kcstat_dash.services.formatting import is_period
from kcstat_dash.services.measures import (
    UnknownMeasure,
    get_measure,
    headline_observation,
    point_status,
    target_for,
)
from kcstat_dash.services.meetings import MeetingStatus, get_meeting, is_open
from kcstat_dash.services.profanity import contains_profanity
from kcstat_dash.services.public_input import record_id, text_problem
from kcstat_dash.services.question_language import recorded
from kcstat_dash.services.question_status import PUBLIC, QuestionStatus

MAX_LENGTH = 1000
MAX_DISPLAY_NAME = 80
DUPLICATE_WINDOW = timedelta(minutes=1)
FEED_ORDERS = ("newest", "top")
FEED_LIMIT = 50
NOT_PUBLIC_MESSAGE = N_("That question is not on the public feed.")


class QuestionRejected(DomainError, ValueError):
    """A question (or vote) that cannot be accepted; ``message`` says why in plain words.

    ``code`` names the rule broken and ``status`` is the HTTP status the API answers with;
    ``values`` fill the message's fields (DomainError).
    """

    def __init__(self, code: str, message: str, status: int = 400, field: str | None = None,
                 **values):
        super().__init__(message, code=code, status=status, field=field, **values)


def normalise_for_duplicates(text_: str) -> str:
    """Case and spacing do not make a question different from one sent a moment ago."""
    return re.sub(r"\s+", " ", text_).strip().casefold()


def text_hash(text_: str) -> str:
    return hashlib.sha256(normalise_for_duplicates(text_).encode()).hexdigest()


# Whole sentences per field (Spanish agrees "vuelva a escribirla" with "la pregunta").
RETYPE = {"text": N_("The question {problem}; please retype it."),
          "display_name": N_("The display name {problem}; please retype it.")}


def _refuse_unstorable(value: str, field: str) -> None:
    problem = text_problem(value)
    if problem:
        raise QuestionRejected("bad_text", RETYPE[field], field=field, problem=Later(problem))


def _validate_text(text_: object) -> str:
    if not isinstance(text_, str) or not text_.strip():
        raise QuestionRejected("empty", N_("Please write a question before sending it."),
                               field="text")
    _refuse_unstorable(text_, "text")
    if len(text_) > MAX_LENGTH:
        raise QuestionRejected(
            "too_long", N_("Questions can be at most {most} characters; this one has {length}. "
                           "Please shorten it."),
            field="text", most=Count(MAX_LENGTH), length=Count(len(text_)))
    return text_


def _validate_display_name(name: object) -> str | None:
    if name is None:
        return None
    if not isinstance(name, str):
        raise QuestionRejected("bad_name", N_("The display name must be text."),
                               field="display_name")
    _refuse_unstorable(name, "display_name")
    name = name.strip()
    if len(name) > MAX_DISPLAY_NAME:
        raise QuestionRejected("name_too_long",
                               N_("Display names can be at most {most} characters."),
                               field="display_name", most=Count(MAX_DISPLAY_NAME))
    return name or None


def flag_snapshot(measure: Measure, period: str) -> dict:
    """What the resident saw when flagging: the value, the target and the status at that moment."""
    observation = next((o for o in measure.observations if o.period == period), None)
    if observation is None:
        raise QuestionRejected("unknown_period", N_("{measure} has no value for the period "
                                                    "“{period}”; pick one of the periods on its "
                                                    "chart."),
                               field="period", measure=measure.name, period=period)
    target = target_for(measure, period)
    return {"measure": measure.slug, "measure_name": measure.name, "unit": measure.unit,
            "direction": measure.direction, "period": period, "value": observation.value,
            "n": observation.request_count, "partial": bool(observation.partial),
            "target": target, "status": point_status(measure, observation, target)}


def _validate_flag(measure_slug: object, period: object) -> tuple[str | None, str | None]:
    """The flagged measure's slug and period as given (None when absent), if well formed."""
    measure_slug = measure_slug or None
    period = period or None
    if measure_slug is None:
        if period is not None:
            raise QuestionRejected("unknown_measure", N_("Pick the measure that the period "
                                                         "belongs to."), field="measure")
        return None, None
    if not isinstance(measure_slug, str) or text_problem(measure_slug):
        raise QuestionRejected("unknown_measure", N_("The measure must be given by its slug."),
                               field="measure")
    if period is not None and (not isinstance(period, str) or not is_period(period)):
        raise QuestionRejected("unknown_period", N_("The period must look like 2024-03 (or "
                                                    "FY2012 for survey measures)."),
                               field="period")
    return measure_slug, period


def _validate_meeting_id(meeting_id: object) -> int:
    number = record_id(meeting_id)
    if number is None:
        raise QuestionRejected("meeting_not_found", N_("Say which meeting the question is for, "
                                                       "by its number."),
                               status=404, field="meeting_id")
    return number


def check_submission(*, meeting_id: object, text: object, display_name: object = None,
                     measure: object = None, period: object = None) -> None:
    """Refuse (``QuestionRejected``) a question whose fields are malformed, without a database.

    Callers run it before counting the question against a rate limit, so input that could never
    be stored costs the client no slot; ``submit_question`` runs it again for every caller.
    """
    _validate_text(text)
    _validate_display_name(display_name)
    _validate_meeting_id(meeting_id)
    _validate_flag(measure, period)


def _resolve_flag(session: Session, measure_slug: object, period: object
                  ) -> tuple[Measure | None, str | None, dict | None]:
    measure_slug, period = _validate_flag(measure_slug, period)
    if measure_slug is None:
        return None, None, None
    try:
        measure = get_measure(session, measure_slug)
    except UnknownMeasure:
        raise QuestionRejected("unknown_measure", N_("There is no measure called “{slug}”."),
                               field="measure", slug=measure_slug) from None
    if period is None:
        # Flagging a measure without a period means its headline value, the one on screen.
        headline = headline_observation(measure)
        if headline is None:
            raise QuestionRejected("unknown_period", N_("{measure} has no values to flag yet."),
                                   field="period", measure=measure.name)
        period = headline.period
    return measure, period, flag_snapshot(measure, period)


def closed_message(status: str) -> str:
    """Why a meeting takes no question now, in the words every surface uses (English, marked:
    the refusal says it in the asker's language)."""
    if status == MeetingStatus.ENDED:
        return N_("This meeting has ended, so it cannot take questions.")
    if status == MeetingStatus.LIVE:
        return N_("Questions are closed for this meeting; it no longer takes questions.")
    return N_("This meeting is not taking questions yet; questions open when it starts.")


def _serialise_client(session: Session, meeting_id: int, client_key: str | None) -> None:
    """Make "same text from the same client within a minute" hold under concurrent requests.

    PostgreSQL takes a transaction-scoped advisory lock on the client, so two identical requests
    in flight cannot both pass the duplicate check while other clients go on in parallel.
    SQLite allows one writer at a time anyway; a no-op write takes the write lock *before* the
    checks read, so a concurrent writer waits instead of failing on a stale snapshot.
    """
    if session.get_bind().dialect.name == "postgresql":
        if client_key:
            session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                            {"key": f"question:{client_key}"})
    else:
        session.execute(update(Meeting).where(Meeting.id == meeting_id)
                        .values(feed_version=Meeting.feed_version))


def submit_question(session: Session, *, meeting_id: object, text: object,
                    display_name: object = None, measure: object = None, period: object = None,
                    client_key: str | None = None, now: datetime | None = None,
                    language: str | None = None) -> Question:
    """Store a resident's question, or raise ``QuestionRejected`` having stored nothing.

    Runs in the caller's transaction (the caller commits). The question is pending until a
    moderator approves it, unless the meeting publishes directly; profanity always holds it.
    It keeps ``language``, by default the language of the page it was asked on (the request's).
    """
    now = now or datetime.now(UTC)
    text_ = _validate_text(text)
    name = _validate_display_name(display_name)
    meeting_id = _validate_meeting_id(meeting_id)
    _serialise_client(session, meeting_id, client_key)
    try:
        meeting = get_meeting(session, meeting_id)
    except MeetingNotFound:
        raise MeetingNotFound(meeting_id, field="meeting_id") from None
    if not is_open(meeting):
        raise QuestionRejected("meeting_closed", closed_message(meeting.status),
                               status=409, field="meeting_id")
    flagged_measure, flagged_period, snapshot = _resolve_flag(session, measure, period)
    digest = text_hash(text_)
    if client_key and session.scalar(
            select(Question.id).where(Question.client_key == client_key,
                                      Question.text_hash == digest,
                                      Question.created_at >= now - DUPLICATE_WINDOW).limit(1)):
        raise QuestionRejected("duplicate", N_("You sent this question a moment ago; it is "
                                               "already with the moderators."),
                               status=409, field="text")
    held = contains_profanity(text_) or (name is not None and contains_profanity(name))
    publish = meeting.auto_publish and not held
    question = Question(
        meeting_id=meeting.id, text=text_, display_name=name, channel="web",
        language=recorded(language or i18n.language()),
        status=QuestionStatus.APPROVED if publish else QuestionStatus.PENDING,
        held_reason="profanity" if held else None,
        measure_id=flagged_measure.id if flagged_measure else None, period=flagged_period,
        flag_snapshot=snapshot, client_key=client_key, text_hash=digest, created_at=now,
        updated_at=now)
    session.add(question)
    session.flush()
    if publish:
        feed_version.bump(session, meeting.id)
    return question


# --- Reading --------------------------------------------------------------------------------


def question_summary(question: Question) -> dict:
    """A question as the public sees it (no client key, no moderation notes)."""
    return {
        "id": question.id, "meeting_id": question.meeting_id, "text": question.text,
        "display_name": question.display_name, "status": question.status,
        "channel": question.channel, "author_handle": question.author_handle,
        "language": question.language,
        "created_at": question.created_at.isoformat(), "upvotes": question.upvotes,
        "flag": question.flag_snapshot, "answer": question.answer,
        # A moderator fixed its wording (the resident's own is kept, not shown).
        "edited": question.original_text is not None,
        "answered_at": question.answered_at.isoformat() if question.answered_at else None,
    }


def submitted_summary(question: Question) -> dict:
    """What the asker gets back: the public fields plus why it waits, if it does."""
    return {**question_summary(question), "held_reason": question.held_reason}


def public_feed(session: Session, meeting_id: int, order: str = "newest",
                limit: int = FEED_LIMIT) -> dict:
    """The approved and answered questions, newest or most upvoted first, at most ``limit``.

    Returns ``{"version", "total", "questions"}``; ``total`` counts every public question, so a
    page that shows only the first ``limit`` can say how many there are.
    """
    if order not in FEED_ORDERS:
        order = "newest"
    public = (Question.meeting_id == meeting_id, Question.status.in_(PUBLIC))
    ordering = _ordering(order)
    version = feed_version.current(session, meeting_id)
    if version is None:
        raise MeetingNotFound(meeting_id)
    total = session.scalar(select(func.count(Question.id)).where(*public)) or 0
    rows = session.scalars(select(Question).where(*public).order_by(*ordering).limit(limit))
    return {"version": version, "total": total, "questions": [question_summary(q) for q in rows]}


def public_counts(session: Session, meeting_id: int, order: str = "newest",
                  limit: int = FEED_LIMIT) -> list[tuple[int, int]]:
    """``(question id, "me too" count)`` of the feed's questions, in the feed's order: what a
    page holding the feed's content needs when only votes changed (one narrow query)."""
    ordering = _ordering(order)
    return [tuple(row) for row in session.execute(
        select(Question.id, Question.upvotes)
        .where(Question.meeting_id == meeting_id, Question.status.in_(PUBLIC))
        .order_by(*ordering).limit(limit))]


def _ordering(order: str) -> tuple:
    """The feed's order, the one rule both the feed and its counts follow."""
    if order == "top":
        return (Question.upvotes.desc(), Question.created_at.desc(), Question.id.desc())
    return (Question.created_at.desc(), Question.id.desc())


def flag_counts(session: Session, measure_ids: list[int]) -> dict[int, dict[str, int]]:
    """How many public questions flagged each measure's periods: ``{measure_id: {period: n}}``."""
    counts: dict[int, dict[str, int]] = {}
    if not measure_ids:
        return counts
    rows = session.execute(
        select(Question.measure_id, Question.period, func.count(Question.id))
        .where(Question.measure_id.in_(measure_ids), Question.status.in_(PUBLIC))
        .group_by(Question.measure_id, Question.period))
    for measure_id, period, count in rows:
        counts.setdefault(measure_id, {})[period] = count
    return counts


# --- "Me too" -------------------------------------------------------------------------------


def votable(session: Session, question_id: object) -> Question:
    """The question a "me too" is for; ``QuestionRejected`` (404) unless it is public."""
    question_id = record_id(question_id)
    question = session.get(Question, question_id) if question_id is not None else None
    if question is None or question.status not in PUBLIC:
        raise QuestionRejected("not_public", NOT_PUBLIC_MESSAGE, status=404)
    return question


def upvote(session: Session, question_id: object, voter_key: str) -> tuple[int, bool]:
    """Count one "me too" per voter; returns the new count and whether this vote was new."""
    if not voter_key:
        raise QuestionRejected("no_voter", N_("Your browser could not be recognised; reload "
                                              "the page and try again."))
    question = votable(session, question_id)
    question_id = question.id
    try:
        with session.begin_nested():
            session.add(QuestionVote(question_id=question_id, voter_key=voter_key))
    except IntegrityError:
        return question.upvotes, False
    # In SQL, so that simultaneous votes are all counted.
    session.execute(update(Question).where(Question.id == question_id)
                    .values(upvotes=Question.upvotes + 1))
    # Only a count changed: open pages are sent the counts, not the feed.
    feed_version.bump_counts(session, question.meeting_id)
    session.refresh(question)
    return question.upvotes, True



"""Posts into the moderation queue: meeting, measure flag, insert-or-ignore, edits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kcstat_dash.models import AuditEntry, Measure, Meeting, Question, utcnow
from kcstat_dash.services import feed_version
from kcstat_dash.services.errors import Conflict
from kcstat_dash.services.measures import headline_observation
from kcstat_dash.services.meetings import meeting_end
from kcstat_dash.services.profanity import contains_profanity
from kcstat_dash.services.question_language import recorded
from kcstat_dash.services.question_status import PUBLIC, QuestionStatus, check_transition
from kcstat_dash.services.questions import MAX_LENGTH, flag_snapshot, text_hash
from kcstat_dash.services.social.source import Post, newer_id


class NoMeeting(Conflict, LookupError):
    """No meeting exists to hold the questions; the page is not stored, so nothing is lost.

    Not ``MeetingNotFound``: no id was asked for, there is no meeting at all yet.
    """

    code = "no_meeting"


@dataclass
class StoreCounts:
    added: int = 0
    edited: int = 0
    already_stored: int = 0


def normalise_text(text: str) -> str:
    """A post's text as a question: trimmed, and cut to the web form's length limit.

    The form refuses a question that is too long; a post cannot be sent back, so it is cut
    (X allows long posts) and the link to it keeps the whole text one click away.
    """
    text = text.strip()
    if len(text) > MAX_LENGTH:
        text = text[: MAX_LENGTH - 1].rstrip() + "…"
    return text


def meeting_for(meetings: list[Meeting], moment: datetime) -> Meeting | None:
    """The meeting live at ``moment``, else the next one scheduled, else the latest before it."""
    live = [m for m in meetings if m.starts_at <= moment and _before_end(m, moment)]
    if live:
        return max(live, key=lambda m: m.starts_at)
    # "Next" as of the posting time: a post from before a meeting belongs to it even if the
    # meeting has ended by the time the post is read.
    upcoming = [m for m in meetings if m.starts_at > moment]
    if upcoming:
        return min(upcoming, key=lambda m: m.starts_at)
    # A post after the last meeting with none scheduled yet still reaches a moderator.
    past = [m for m in meetings if m.starts_at <= moment]
    return max(past, key=lambda m: m.starts_at) if past else None


def _before_end(meeting: Meeting, moment: datetime) -> bool:
    end = meeting_end(meeting.starts_at, meeting.ends_at, meeting.status)
    return end is None or moment < end


def _measure_patterns(measures: list[Measure]) -> list[tuple[re.Pattern, Measure]]:
    patterns = []
    for measure in measures:
        names = [re.escape(measure.slug)]
        if measure.hashtag:
            names.append("#" + re.escape(measure.hashtag.lstrip("#")))
        # Whole words only: "#potholes" names the measure, "#potholesKC" does not.
        patterns.append((re.compile(r"(?<![\w-])(?:" + "|".join(names) + r")(?![\w-])",
                                    re.IGNORECASE), measure))
    return patterns


def measure_named(patterns, text: str) -> Measure | None:
    """The measure a post names first (by slug or configured hashtag), if any."""
    found = [(m.start(), measure) for pattern, measure in patterns
             if (m := pattern.search(text))]
    return min(found, key=lambda hit: hit[0])[1] if found else None


def latest_flag(measure: Measure) -> tuple[str | None, dict | None]:
    """A post names a measure, not a period: flag its headline value, the one on screen."""
    headline = headline_observation(measure)
    if headline is None:
        return None, None
    period = headline.period
    return period, flag_snapshot(measure, period)


class QuestionWriter:
    """Stores one page's posts in the caller's transaction; reference data is read once."""

    def __init__(self, session: Session, channel: str):
        self.session = session
        self.channel = channel
        self.meetings = list(session.scalars(select(Meeting)))
        self.patterns = _measure_patterns(list(session.scalars(select(Measure))))
        self.counts = StoreCounts()

    def store(self, post: Post) -> None:
        meeting = meeting_for(self.meetings, post.posted_at)
        if meeting is None:
            raise NoMeeting("No meeting exists to receive social questions: schedule a KCStat "
                            "meeting, then run ingestion again (nothing was lost).")
        text = normalise_text(post.text)
        measure = measure_named(self.patterns, text)
        period, snapshot = latest_flag(measure) if measure else (None, None)
        now = utcnow()
        # Social questions always wait for a moderator (auto-publish is for the web form, whose
        # askers chose this meeting); profanity is marked the same way the form marks it.
        values = dict(
            meeting_id=meeting.id, text=text, channel=self.channel, status=QuestionStatus.PENDING,
            language=recorded(post.language),
            held_reason="profanity" if contains_profanity(text) else None,
            text_hash=text_hash(text),
            display_name=f"@{post.author_handle}" if post.author_handle else None,
            external_id=post.root_id, external_version_id=post.id,
            author_handle=post.author_handle, external_url=post.url, posted_at=post.posted_at,
            measure_id=measure.id if measure else None, period=period, created_at=now,
            updated_at=now)
        if snapshot is not None:
            values["flag_snapshot"] = snapshot
        dialect = postgresql if self.session.bind.dialect.name == "postgresql" else sqlite
        # Insert-or-ignore on (channel, external_id): a post seen twice is stored once, even
        # when two ingesters race to it.
        # RETURNING, not rowcount: through the ORM, PostgreSQL's rowcount does not tell an
        # ignored row from an inserted one.
        statement = (dialect.insert(Question).values(**values)
                     .on_conflict_do_nothing(index_elements=["channel", "external_id"])
                     .returning(Question.id))
        if self.session.execute(statement).scalar() is not None:
            self.counts.added += 1
        elif not self._apply_edit(post, text, measure, period, snapshot):
            self.counts.already_stored += 1

    def _apply_edit(self, post: Post, text: str, measure, period, snapshot) -> bool:
        """A newer version of a stored post replaces its text; True if it did."""
        question = self.session.scalar(select(Question).where(
            Question.channel == self.channel, Question.external_id == post.root_id))
        stored = question.external_version_id or question.external_id
        if post.id == stored or newer_id(post.id, stored) != post.id:
            return False
        before = {"text": question.text, "status": question.status,
                  "version": question.external_version_id}
        changes = dict(text=text, text_hash=text_hash(text), external_version_id=post.id,
                       external_url=post.url, updated_at=utcnow())
        if question.measure_id is None and measure is not None:
            changes.update(measure_id=measure.id, period=period, flag_snapshot=snapshot)
        if question.status != QuestionStatus.PENDING:
            # Moderation judged the old words; the new ones go back to the queue.
            check_transition(question.id, question.status, QuestionStatus.PENDING)
            changes.update(status=QuestionStatus.PENDING, held_reason="edited")
        elif contains_profanity(text):
            changes.update(held_reason="profanity")
        self.session.execute(update(Question).where(Question.id == question.id).values(**changes))
        if question.status in PUBLIC:
            feed_version.bump(self.session, question.meeting_id)
        self.session.add(AuditEntry(action="question.edited_at_source", entity="question",
                                    entity_id=str(question.id), before=before,
                                    after={"text": text, "status": changes.get(
                                        "status", question.status), "version": post.id}))
        self.counts.edited += 1
        return True

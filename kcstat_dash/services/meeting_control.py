"""Running a meeting: open or close it for questions, go live, end, set the measure on screen.

Each change is one step in the caller's transaction, with its audit entry and a bump of the
meeting's feed version (attendees' pages show the meeting's state).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kcstat_dash.models import Measure, Meeting, utcnow
from kcstat_dash.services import audit, feed_version
from kcstat_dash.services.errors import MeetingNotFound, ModerationError
from kcstat_dash.services.meetings import MeetingStatus
from kcstat_dash.services.public_input import record_id


def meeting_state(meeting: Meeting) -> dict:
    return {"status": meeting.status, "accepting_questions": meeting.accepting_questions,
            "now_discussing_measure_id": meeting.now_discussing_measure_id,
            "ends_at": meeting.ends_at}


# The steps a moderator may take on a meeting, by name (the meeting panel's buttons).
GO_LIVE, OPEN, CLOSE, END, NOW_DISCUSSING = "go_live", "open", "close", "end", "now_discussing"


def allowed_steps(status: str, accepting_questions: bool) -> set[str]:
    """The steps a meeting in this state allows: the same rules its functions below enforce
    (a scheduled meeting goes live; an ended one neither reopens nor ends again)."""
    steps = {NOW_DISCUSSING}
    if status == MeetingStatus.SCHEDULED:
        steps.add(GO_LIVE)
    if status != MeetingStatus.ENDED:
        steps.add(END)
        steps.add(CLOSE if accepting_questions else OPEN)
    return steps


def summary(session: Session, meeting_id) -> dict | None:
    """What the moderators' meeting panel shows, read afresh (a change may have been committed
    in another session during this request); None when there is no such meeting."""
    number = record_id(meeting_id)
    if number is None:
        return None
    session.expire_all()
    meeting = session.get(Meeting, number)
    if meeting is None:
        return None
    return {"id": meeting.id, "title": meeting.title, "status": meeting.status,
            "accepting_questions": meeting.accepting_questions,
            "starts_at": meeting.starts_at,
            "now_discussing": meeting.now_discussing.name if meeting.now_discussing else None,
            "allowed": allowed_steps(meeting.status, meeting.accepting_questions)}


def get_meeting(session: Session, meeting_id) -> Meeting:
    number = record_id(meeting_id)
    meeting = (session.get(Meeting, number, with_for_update=True) if number is not None
               else None)
    if meeting is None:
        raise MeetingNotFound(meeting_id)
    return meeting


def _changed(session: Session, meeting: Meeting, user_id: int | None, action: str,
             before: dict) -> Meeting:
    session.flush()
    audit.record(session, user_id, f"meeting.{action}", "meeting", meeting.id, before,
                 meeting_state(meeting))
    feed_version.bump(session, meeting.id)
    return meeting


def set_accepting_questions(session: Session, meeting_id, accepting: bool,
                            user_id: int | None) -> Meeting:
    """Open (or close) the meeting's question form; an ended meeting cannot be reopened."""
    meeting = get_meeting(session, meeting_id)
    if accepting and meeting.status == MeetingStatus.ENDED:
        raise ModerationError("This meeting has ended; it cannot take questions again.")
    if meeting.accepting_questions == accepting:
        raise ModerationError("Questions are already " + ("open." if accepting else "closed."))
    before = meeting_state(meeting)
    meeting.accepting_questions = accepting
    return _changed(session, meeting, user_id, "open" if accepting else "close", before)


def go_live(session: Session, meeting_id, user_id: int | None) -> Meeting:
    """Start the meeting: it is live and takes questions."""
    meeting = get_meeting(session, meeting_id)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ModerationError("Only a scheduled meeting can go live; "
                              f"this one is {meeting.status}.")
    before = meeting_state(meeting)
    meeting.status, meeting.accepting_questions = MeetingStatus.LIVE, True
    return _changed(session, meeting, user_id, "go_live", before)


def end(session: Session, meeting_id, user_id: int | None) -> Meeting:
    """End the meeting: questions close and its Q&A stays as the public archive."""
    meeting = get_meeting(session, meeting_id)
    if meeting.status == MeetingStatus.ENDED:
        raise ModerationError("This meeting has already ended.")
    before = meeting_state(meeting)
    meeting.status, meeting.accepting_questions = MeetingStatus.ENDED, False
    meeting.ends_at = meeting.ends_at or utcnow()
    return _changed(session, meeting, user_id, "end", before)


def set_now_discussing(session: Session, meeting_id, measure_id, user_id: int | None) -> Meeting:
    """Show a measure as "now discussing" on the meeting's page and projector (None clears it)."""
    meeting = get_meeting(session, meeting_id)
    if measure_id in (None, ""):
        measure_id = None
    else:
        measure = session.get(Measure, int(measure_id))
        if measure is None:
            raise ModerationError(f"There is no measure #{measure_id}.")
        measure_id = measure.id
    if meeting.now_discussing_measure_id == measure_id:
        raise ModerationError("That measure is already on screen.")
    before = meeting_state(meeting)
    meeting.now_discussing_measure_id = measure_id
    return _changed(session, meeting, user_id, "now_discussing", before)

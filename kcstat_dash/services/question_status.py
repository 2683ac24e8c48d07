"""A question's lifecycle: its statuses and the moves between them, spelled once.

The values are the strings stored in ``question.status`` (a ``StrEnum`` compares equal to them,
so stored rows, JSON and audit entries read as before). Every change of status goes through
``check_transition``; a move the table does not allow raises ``IllegalTransition``.

    pending   waiting for a moderator (or, edited at its source, waiting again)
    approved  published in the meeting's feed
    answered  published, with the meeting's answer
    hidden    taken off the feed after being published (its text stays for the audit)
    rejected  never published
    merged    folded into another question (``merged_into_id``)
    withdrawn taken back by the resident who asked it, while still pending (final)
"""

from __future__ import annotations

from enum import StrEnum

from kcstat_dash.services.errors import Conflict, ModerationError


class QuestionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    ANSWERED = "answered"
    HIDDEN = "hidden"
    REJECTED = "rejected"
    MERGED = "merged"
    WITHDRAWN = "withdrawn"


_S = QuestionStatus
# from -> the statuses a question may move to. "approve" puts a hidden or rejected question
# back; "answer" may answer again (a corrected answer). Any question edited at its social source
# goes back to pending, whatever moderation had decided, because the words it judged changed.
TRANSITIONS: dict[QuestionStatus, frozenset[QuestionStatus]] = {
    _S.PENDING: frozenset({_S.APPROVED, _S.ANSWERED, _S.REJECTED, _S.MERGED, _S.WITHDRAWN}),
    _S.APPROVED: frozenset({_S.ANSWERED, _S.HIDDEN, _S.MERGED, _S.PENDING}),
    _S.ANSWERED: frozenset({_S.ANSWERED, _S.HIDDEN, _S.MERGED, _S.PENDING}),
    _S.HIDDEN: frozenset({_S.APPROVED, _S.MERGED, _S.PENDING}),
    _S.REJECTED: frozenset({_S.APPROVED, _S.PENDING}),
    _S.MERGED: frozenset({_S.PENDING}),
    _S.WITHDRAWN: frozenset(),  # the asker's decision: no moderator undoes it
}
# Residents see these in the meeting's feed, the charts' flag counts and the public record.
PUBLIC: tuple[QuestionStatus, ...] = (_S.APPROVED, _S.ANSWERED)
# A question merged, rejected or withdrawn is not kept: nothing is merged into it, its text is
# not edited.
NOT_KEPT: tuple[QuestionStatus, ...] = (_S.REJECTED, _S.MERGED, _S.WITHDRAWN)
KEPT: tuple[QuestionStatus, ...] = tuple(s for s in QuestionStatus if s not in NOT_KEPT)


class IllegalTransition(Conflict, ModerationError):
    """The question's status does not allow the move asked for."""

    code = "illegal_transition"


def sources(target: QuestionStatus) -> tuple[QuestionStatus, ...]:
    """The statuses a question may move to ``target`` from, in the lifecycle's order."""
    return tuple(s for s in QuestionStatus if target in TRANSITIONS[s])


def can_move(current: str, target: QuestionStatus) -> bool:
    return target in TRANSITIONS[QuestionStatus(current)]


def check_transition(question_id: int, current: str, target: QuestionStatus) -> None:
    """Refuse (``IllegalTransition``) a move the table does not allow, in a moderator's words."""
    if not can_move(current, target):
        allowed = " or ".join(sources(target))
        raise IllegalTransition(f"Question #{question_id} is {current}; only {allowed} "
                                f"questions can be {target}.")


def is_public(status: str) -> bool:
    return status in PUBLIC

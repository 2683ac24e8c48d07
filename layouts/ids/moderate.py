"""Every id on the moderators' page (/moderate), spelled once.

Used by ``layouts/moderate.py`` (the components), ``callbacks/moderate.py`` (what the callbacks
read and write) and ``assets/moderation.js`` (the keyboard shortcuts), which receives
``FOR_SCRIPT`` through the page's ``data-moderation-ids`` attribute.
"""

from __future__ import annotations

# The queue: its filters, the list, and the stores that carry state between callbacks.
FILTER_MEETING = "mod-filter-meeting"
FILTER_STATUS = "mod-filter-status"
FILTER_CHANNEL = "mod-filter-channel"
FILTER_MEASURE = "mod-filter-measure"
FILTER_LANGUAGE = "mod-filter-language"
QUEUE = "mod-queue"
POLL = "mod-poll"
SIGNATURE = "mod-signature"  # what the queue showed last, so an unchanged poll draws nothing
CURRENT = "mod-current"  # the chosen question's id
REFRESH = "mod-refresh"  # bumped by every action that succeeded
MESSAGE = "mod-message"  # the page's one status line: the latest thing done (or refused)

# One of each per question in the queue: pattern-matching ids {"type": ..., "qid": ...}.
SELECT = "mod-select"
OPEN = "mod-open"

# The chosen question and the actions on it.
ACTIONS_TITLE = "mod-actions-title"
DETAIL = "mod-detail"
APPROVE = "mod-approve"
HIDE = "mod-hide"
PIN = "mod-pin"
UNPIN = "mod-unpin"
REASON = "mod-reason"
REJECT = "mod-reject"
ANSWER_TEXT = "mod-answer-text"
ANSWER = "mod-answer"
MERGE_TARGET = "mod-merge-target"
MERGE = "mod-merge"
EDIT_TEXT = "mod-edit-text"
EDIT = "mod-edit"
LABELS = "mod-labels"
LABEL = "mod-label"
SAVED_ANSWER = "mod-saved-answer"  # the chosen question's stored answer (is the box a draft?)
# Asked before switching question drops an unsaved answer: the question waiting to open.
DRAFT_CONFIRM = "mod-draft-confirm"
DRAFT_TEXT = "mod-draft-text"
DISCARD_DRAFT = "mod-discard-draft"
KEEP_DRAFT = "mod-keep-draft"
WAITING = "mod-waiting"

# Actions on the questions ticked in the queue.
BULK_APPROVE = "mod-bulk-approve"
BULK_REASON = "mod-bulk-reason"
BULK_REJECT = "mod-bulk-reject"

# Meeting control.
MEETING_STATE = "mod-meeting-state"
MEETING_VERSION = "mod-meeting-version"  # bumped by every meeting step that succeeded
GO_LIVE = "mod-go-live"
OPEN_QUESTIONS = "mod-open-questions"
CLOSE_QUESTIONS = "mod-close-questions"
END = "mod-end"
NOW_MEASURE = "mod-now-measure"
SET_NOW = "mod-set-now"
# Asked before a step that cannot be undone (go live, end): which step, on which meeting.
STEP_CONFIRM = "mod-step-confirm"
STEP_TEXT = "mod-step-text"
CONFIRM_STEP = "mod-confirm-step"
CANCEL_STEP = "mod-cancel-step"
PENDING_STEP = "mod-pending-step"

# What assets/moderation.js finds by id, under the names it uses.
FOR_SCRIPT = {"approve": APPROVE, "reject": REJECT, "hide": HIDE, "pin": PIN,
              "answerText": ANSWER_TEXT, "discardDraft": DISCARD_DRAFT,
              "keepDraft": KEEP_DRAFT, "draftConfirm": DRAFT_CONFIRM,
              "stepConfirm": STEP_CONFIRM, "cancelStep": CANCEL_STEP}


def select_box(qid) -> dict:
    """A queued question's tick box (``qid``: its id, or dash.ALL in a callback)."""
    return {"type": SELECT, "qid": qid}


def open_button(qid) -> dict:
    """A queued question's Open button (``qid``: its id, or dash.ALL in a callback)."""
    return {"type": OPEN, "qid": qid}

"""Every id on a meeting's page (/meetings/<id>) and its page for asking from a phone
(/meetings/<id>/ask), spelled once.

One module for both pages: the ask page is the meeting page's form and feed without the
measures (``layouts/ask.py`` draws them with ``layouts/meeting.py``'s ``ask_form`` and
``feed_section``), so the two share every id but the measures column's.

Used by ``layouts/meeting.py``, ``layouts/ask.py`` and ``layouts/qa_feed.py`` (the
components), ``callbacks/meeting.py`` (what the callbacks read and write), the "Cite this"
button on a flagged question (``layouts/citing.py``, ``callbacks/citing.py``) and
``assets/meeting_live.js`` (the live poll), which receives ``FOR_SCRIPT`` through the page's
``data-meeting-ids`` attribute.
"""

from __future__ import annotations

# The header: the meeting's status and whether it takes questions, redrawn by the poll.
MEETING_BADGE = "meeting-badge"
QUESTIONS_STATE = "questions-state"

# The measures column (the meeting page only).
MEASURES_HEADING = "measures-heading"
MEETING_CHART = "meeting-chart"  # one per measure: {"type": ..., "slug": ...}

# The form for asking, in a region redrawn when the meeting's state changes.
ASK_REGION = "ask-region"
ASK = "ask"  # the form's section, the "Skip to the questions" link's target
ASK_HEADING = "ask-heading"
ASK_TEXT = "ask-text"
ASK_NAME = "ask-name"
MONTH_PICKER = "month-picker"
FLAG_MONTH = "flag-month"  # one per month: {"type": ..., "measure": ..., "period": ...}
ASK_MEASURE = "ask-measure"
ASK_PERIOD = "ask-period"
FLAG_HINT = "flag-hint"
FLAG_FOCUS = "flag-focus"
ASK_SUBMIT = "ask-submit"
ASK_STATUS = "ask-status"

# The resident's own questions.
MY_QUESTIONS_LIST = "my-questions-list"
MY_QUESTIONS_HEADING = "my-questions-heading"
WITHDRAW = "withdraw"  # one per question still waiting: {"type": ..., "id": ...}
MY_QUESTIONS = "my-questions"  # the ids of the questions this browser sent (local storage)
MY_QUESTIONS_POLL = "my-questions-poll"

# The feed, what the room is on, and the stores the live poll reads and writes.
ROOM_PANEL = "room-panel"
FEED_HEADING = "feed-heading"
FEED_ORDER = "feed-order"
FEED_SUMMARY = "feed-summary"
VOTE_STATUS = "vote-status"
CITE_FLAG_STATUS = "cite-flag-status"
FEED = "feed"
UPVOTE = "upvote"  # one per question: {"type": ..., "id": ...}
UPVOTE_COUNT = "upvote-count"  # the count shown in each "Me too": {"type": ..., "id": ...}
CITE_FLAG = "cite-flag"  # one per flagged question: {"type", "question", "measure", "period"}
MEETING_ID = "meeting-id"
MEETING_STATE = "meeting-state"
FEED_VERSION = "feed-version"
MY_VOTES = "my-votes"  # the questions this browser said "me too" to (local storage)
FEED_POLL = "feed-poll"

# What assets/meeting_live.js finds by id, under the names it uses.
FOR_SCRIPT = {"feed": FEED, "feedSummary": FEED_SUMMARY, "roomPanel": ROOM_PANEL,
              "meetingState": MEETING_STATE, "feedVersion": FEED_VERSION,
              "feedPoll": FEED_POLL, "myVotes": MY_VOTES, "upvote": UPVOTE, "askText": ASK_TEXT,
              "upvoteCount": UPVOTE_COUNT}


def meeting_chart(slug) -> dict:
    """A measure's chart (``slug``: the measure's, or dash.ALL in a callback)."""
    return {"type": MEETING_CHART, "slug": slug}


def flag_month(measure, period) -> dict:
    """The button flagging one month of the measure "now discussing" (or dash.ALL, twice)."""
    return {"type": FLAG_MONTH, "measure": measure, "period": period}


def withdraw_button(question_id) -> dict:
    """An own question's "Withdraw" (``question_id``: its id, or dash.ALL in a callback)."""
    return {"type": WITHDRAW, "id": question_id}


def upvote_button(question_id) -> dict:
    """A question's "Me too" (``question_id``: its id, or dash.ALL in a callback)."""
    return {"type": UPVOTE, "id": question_id}


def upvote_count(question_id) -> dict:
    """The count in a question's "Me too", which a poll's counts-only answer rewrites."""
    return {"type": UPVOTE_COUNT, "id": question_id}


def cite_flag(question_id, measure, period) -> dict:
    """A flagged question's "Cite this" (or dash.ALL for each part, in a callback)."""
    return {"type": CITE_FLAG, "question": question_id, "measure": measure, "period": period}


# Anchors made from a record's id or slug: no callback or script uses them.
def measure_card(slug: str) -> str:
    return f"measure-{slug}"


def own_question(question_id: int) -> str:
    return f"own-question-{question_id}"


def question(question_id: int, prefix: str = "") -> str:
    """A question on the feed; ``prefix`` "pinned-" for the copy in the room panel."""
    return f"{prefix}question-{question_id}"


ANCHORS = (measure_card, own_question, question)

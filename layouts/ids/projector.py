"""Every id on the projector view (/meetings/<id>/projector), spelled once.

Used by ``layouts/projector.py`` (the components) and ``callbacks/projector.py`` (the poll, the
rotation and the redraw); ``assets/meeting_live.js`` finds what it needs by class, not by id.
"""

from __future__ import annotations

BODY = "projector-body"  # both panels, redrawn when the feed's version changes
JOIN = "projector-join"  # how to join: the QR code and the short address
PAGE = "projector-page"  # one per page of questions: pattern-matching ids {"type", "index"}
PAGE_NOTE = "projector-page-note"  # "Page 2 of 3 of the top 24"
ROTATE = "projector-rotate"  # the interval that shows the next page
MEETING_ID = "projector-meeting-id"
VERSION = "projector-version"  # the feed version drawn
POLL = "projector-poll"  # the interval that asks for the feed's version


def page(index: int) -> dict:
    return {"type": PAGE, "index": index}

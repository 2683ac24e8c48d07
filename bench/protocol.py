"""How the bench talks to the app's meeting features, in one place: the paths, the poll, asking.

The scenarios follow the app's real protocol, so when the app changes how a page polls or
where a question is posted, this module is the one to update.
"""

from __future__ import annotations

from dataclasses import dataclass

ASK_FORM_SELECTOR = "textarea"


@dataclass
class FeedCheck:
    """The request every attendee's page sends on each tick of its poll timer."""

    method: str
    path: str
    body: bytes | None
    description: str = ""


def ask_page_path(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}"


def poll_interval_ms() -> int:
    return 1000


def feed_check(base_url: str, meeting_id: int) -> FeedCheck | None:
    """The live-feed check, or None where this commit of the app has none."""
    return None

"""Every id on the analysts' stewardship page (/steward), spelled once.

Used by ``layouts/steward.py`` (the components) and ``callbacks/steward.py`` (what the
callbacks read and write); the page has no script of its own.
"""

from __future__ import annotations

MEASURE = "stw-measure"
TODO = "stw-todo"  # the list of missed targets with no narrative
TODO_ITEM = "stw-todo-item"  # one per item: pattern-matching ids {"type", "slug", "period"}
HISTORY = "stw-history"
MESSAGE = "stw-message"
REFRESH = "stw-refresh"  # bumped by every save that succeeded

TARGET_PERIOD = "stw-target-period"
TARGET_VALUE = "stw-target-value"
SAVE_TARGET = "stw-save-target"
NARRATIVE_PERIOD = "stw-narrative-period"
NARRATIVE_BODY = "stw-narrative-body"
NARRATIVE_BODY_ES = "stw-narrative-body-es"
SAVE_NARRATIVE = "stw-save-narrative"
PEER_PERIOD = "stw-peer-period"
PEER_NAME = "stw-peer-name"
PEER_VALUE = "stw-peer-value"
PEER_URL = "stw-peer-url"
SAVE_PEER = "stw-save-peer"


def todo_item(slug: object, period: object) -> dict:
    return {"type": TODO_ITEM, "slug": slug, "period": period}

"""The per-address ceiling: one machine cannot ask without end by posing as many browsers."""

from __future__ import annotations

import pytest

from kcstat_dash.db import db
from kcstat_dash.services import questions
from kcstat_dash.web import asking, browser_ids
from tests.test_questions_api import live_meeting, stored_count

# A venue shares one address, so the ceiling is high: 120 questions a minute from one address.
CEILING = 120


def _ask(app, meeting_id: int, browser: int, address: str):
    with app.server.test_request_context("/", environ_base={"REMOTE_ADDR": address}):
        try:
            # Each browser holds an id the server issued (issuance allows a venue's worth).
            return asking.ask(browser_id=browser_ids.issue(),
                              meeting_id=meeting_id, text=f"Question {browser}")
        finally:
            db.remove()


def test_one_address_is_stopped_at_the_ceiling_however_many_browsers_it_claims(app, client):
    meeting_id = live_meeting(client)["id"]
    for browser in range(CEILING):  # each browser asks once: no browser is over its own limit
        _ask(app, meeting_id, browser, "203.0.113.7")
    with pytest.raises(questions.QuestionRejected) as refused:
        _ask(app, meeting_id, CEILING, "203.0.113.7")
    assert refused.value.status == 429
    assert stored_count() == CEILING
    # Another address is not held back by the first one's flood.
    _ask(app, meeting_id, CEILING + 1, "198.51.100.9")
    assert stored_count() == CEILING + 1

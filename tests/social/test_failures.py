"""X failures: each gives a clear message, and every page stored before it stays stored."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import delete

from kcstat_dash.models import Meeting
from kcstat_dash.services.social import (
    IngestError,
    SourceFatal,
    SourceMalformed,
    SourceUnavailable,
    current_cursor,
    ingest,
)
from tests.social.conftest import ALL_FIRST_RUN, P3, P4, P5, TOKEN1, stored, x_source
from tests.social.x_api import Reply

NOW = 1_795_050_000.0  # the injected clock's "now", in epoch seconds


def _page_two_fails(fake_x, *replies) -> None:
    fake_x.route(None, None, "search_page1.json")
    fake_x.route(None, TOKEN1, *replies, "search_page2.json")


def _fails_after_page_one(database, fake_x, reply) -> IngestError:
    """Page one is stored, page two fails: the error, with page one kept and the cursor on two."""
    _page_two_fails(fake_x, reply)
    with pytest.raises(IngestError) as failed:
        ingest(database, x_source())
    assert failed.value.report.added == 3
    assert set(stored(database)) == {P5, P4, P3}  # page one's three, and only those
    assert current_cursor(database, "x").page_token == TOKEN1
    return failed.value


def _recovers(database, fake_x) -> None:
    """The next run carries on from page two and the first run ends complete, each post once."""
    ingest(database, x_source())
    assert set(stored(database)) == ALL_FIRST_RUN
    assert current_cursor(database, "x").since_id == P5


def test_bad_token_says_so_and_keeps_what_was_stored(database, meetings, fake_x):
    error = _fails_after_page_one(database, fake_x, Reply.of("unauthorized.json", 401))
    assert isinstance(error.__cause__, SourceFatal) and not error.retryable
    assert "401 Unauthorized" in str(error) and "X_BEARER_TOKEN" in str(error)
    _recovers(database, fake_x)


def test_client_not_enrolled_names_the_problem_and_the_fix(database, meetings, fake_x):
    error = _fails_after_page_one(database, fake_x, Reply.of("client_not_enrolled.json", 403))
    assert isinstance(error.__cause__, SourceFatal) and not error.retryable
    message = str(error)
    assert "403 client-not-enrolled" in message
    assert "Project" in message
    assert "https://developer.twitter.com/en/docs/projects/overview" in message


def test_plain_forbidden_is_a_clear_403(database, meetings, fake_x):
    error = _fails_after_page_one(database, fake_x, Reply.of("forbidden.json", 403))
    assert not error.retryable
    assert "403 Forbidden" in str(error) and "Forbidden" in str(error)


def test_rate_limit_waits_until_the_reset_then_resumes(database, meetings, fake_x):
    reset = int(NOW) + 120
    _page_two_fails(fake_x, Reply.of("too_many_requests.json", 429,
                                     **{"x-rate-limit-limit": "450",
                                        "x-rate-limit-remaining": "0",
                                        "x-rate-limit-reset": str(reset)}))
    slept: list[float] = []
    report = ingest(database, x_source(), sleep=slept.append, clock=lambda: NOW)
    # Waited once, until just after the reset X named, then asked for page two again.
    assert slept == [reset - NOW + 1]
    assert report.rate_limit_waits == 1
    assert fake_x.searches() == [(None, None), (None, TOKEN1), (None, TOKEN1)]
    assert set(stored(database)) == ALL_FIRST_RUN


def test_rate_limit_without_a_reset_header_waits_a_minute(database, meetings, fake_x):
    _page_two_fails(fake_x, Reply.of("too_many_requests.json", 429))
    slept: list[float] = []
    ingest(database, x_source(), sleep=slept.append, clock=lambda: NOW)
    assert slept == [60.0]
    assert set(stored(database)) == ALL_FIRST_RUN


def test_a_stop_during_a_rate_limit_wait_keeps_what_was_stored(database, meetings, fake_x):
    _page_two_fails(fake_x, Reply.of("too_many_requests.json", 429,
                                     **{"x-rate-limit-reset": str(int(NOW) + 900)}))
    stop = {"now": False}
    report = ingest(database, x_source(), sleep=lambda s: stop.update(now=True),
                    clock=lambda: NOW, should_stop=lambda: stop["now"])
    assert report.added == 3
    assert current_cursor(database, "x").page_token == TOKEN1
    _recovers(database, fake_x)


def test_network_error_is_retryable_and_loses_nothing(database, meetings, fake_x):
    error = _fails_after_page_one(
        database, fake_x, Reply(requests.ConnectionError("Connection refused")))
    assert isinstance(error.__cause__, SourceUnavailable) and error.retryable
    assert "Could not reach X" in str(error) and "Connection refused" in str(error)
    _recovers(database, fake_x)


def test_a_timeout_is_a_network_error(database, meetings, fake_x):
    error = _fails_after_page_one(database, fake_x, Reply(requests.ReadTimeout("read timed out")))
    assert error.retryable and "ReadTimeout" in str(error)
    _recovers(database, fake_x)


def test_server_error_is_retryable(database, meetings, fake_x):
    error = _fails_after_page_one(database, fake_x, Reply.of("service_unavailable.json", 503))
    assert error.retryable and "503" in str(error)
    _recovers(database, fake_x)


@pytest.mark.parametrize("reply, words", [
    (Reply("<html><body>502 Bad Gateway</body></html>", 200, content_type="text/html"),
     "not JSON"),
    (Reply.of("malformed_no_meta.json"), "no meta object"),
    (Reply.of("malformed_post.json"), "malformed post"),
])
def test_a_malformed_page_is_refused_whole(database, meetings, fake_x, reply, words):
    error = _fails_after_page_one(database, fake_x, reply)
    assert isinstance(error.__cause__, SourceMalformed) and error.retryable
    assert "malformed" in str(error) and words in str(error)
    _recovers(database, fake_x)


def test_a_bad_query_is_fatal_and_names_the_setting(database, meetings, fake_x):
    fake_x.route(None, None, Reply.of("invalid_query.json", 400))
    with pytest.raises(IngestError) as failed:
        ingest(database, x_source())
    assert not failed.value.retryable
    assert "KCSTAT_SOCIAL_QUERY" in str(failed.value) and "parenthesis" in str(failed.value)
    assert stored(database) == {}


def test_no_meeting_keeps_the_page_for_later(database, fake_x):
    with database.transaction() as session:
        session.execute(delete(Meeting))
    fake_x.route(None, None, "search_page1.json")
    with pytest.raises(IngestError) as failed:
        ingest(database, x_source())
    assert failed.value.retryable and "schedule" in str(failed.value)
    assert stored(database) == {}
    assert current_cursor(database, "x").since_id is None

"""The questions API: ask with a flagged statistic, every bad input as a 4xx JSON error, limits."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from kcstat_dash.db import db
from kcstat_dash.models import Question
from kcstat_dash.web.app import create_app
from tests.conftest import make_settings

REDIS_URL = os.environ.get("KCSTAT_TEST_REDIS_URL")


def live_meeting(client) -> dict:
    return next(m for m in client.get("/api/meetings").get_json() if m["status"] == "live")


def stored_count() -> int:
    session = db.new_session()
    try:
        return session.scalar(select(func.count(Question.id)))
    finally:
        session.close()


def test_posting_a_question_returns_201_and_the_stored_question(client):
    meeting = live_meeting(client)
    observations = client.get("/api/measures/pothole-on-time-rate/observations").get_json()
    flagged = observations[-2]
    response = client.post("/api/questions", json={
        "meeting_id": meeting["id"], "text": "<img src=x onerror=alert(1)> why?",
        "display_name": "Sam", "measure": "pothole-on-time-rate", "period": flagged["period"]})
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] > 0 and body["status"] == "pending"
    assert body["text"] == "<img src=x onerror=alert(1)> why?"
    assert body["flag"]["period"] == flagged["period"]
    assert body["flag"]["value"] == flagged["value"]
    assert body["flag"]["status"] == flagged["status"]
    assert stored_count() == 1
    # Pending questions are not public.
    assert client.get(f"/api/questions?meeting={meeting['id']}").get_json()["questions"] == []


def test_the_public_feed_lists_approved_and_answered_questions(client):
    meeting = live_meeting(client)
    ids = [client.post("/api/questions", json={"meeting_id": meeting["id"],
                                               "text": f"Q{i}"}).get_json()["id"]
           for i in range(3)]
    session = db.new_session()
    session.get(Question, ids[0]).status = "approved"
    answered = session.get(Question, ids[1])
    answered.status, answered.answer = "answered", "Crews are on it."
    session.commit()
    session.close()
    feed = client.get(f"/api/questions?meeting={meeting['id']}").get_json()
    assert {q["id"]: q["answer"] for q in feed["questions"]} == {ids[0]: None,
                                                                  ids[1]: "Crews are on it."}
    assert feed["total"] == 2


def _closed(client, meeting):
    session = db.new_session()
    from kcstat_dash.models import Meeting

    session.get(Meeting, meeting["id"]).accepting_questions = False
    session.commit()
    session.close()


BAD = [
    (400, "empty", {"text": ""}, None),
    (400, "empty", {"text": " \n "}, None),
    (400, "too_long", {"text": "z" * 1001}, None),
    (409, "meeting_closed", {}, _closed),
    (404, "meeting_not_found", {"meeting_id": 424242}, None),
    (400, "unknown_measure", {"measure": "nope"}, None),
    (400, "unknown_period", {"measure": "pothole-on-time-rate", "period": "1999-12"}, None),
    (400, "malformed", {"surprise": 1}, None),
]


@pytest.mark.parametrize(("status", "code", "fields", "prepare"), BAD,
                         ids=[f"{c}-{i}" for i, (_, c, _, _) in enumerate(BAD)])
def test_bad_input_gets_a_clear_json_error_and_stores_nothing(client, status, code, fields,
                                                               prepare):
    meeting = live_meeting(client)
    if prepare:
        prepare(client, meeting)
    response = client.post("/api/questions", json={"meeting_id": meeting["id"],
                                                   "text": "Fine question", **fields})
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["status"] == status and error["code"] == code
    assert len(error["message"]) > 15
    assert stored_count() == 0


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'"text"'])
def test_a_body_that_is_not_a_json_object_is_refused(client, body):
    response = client.post("/api/questions", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed"
    assert stored_count() == 0


def test_the_same_text_again_within_a_minute_is_refused(client):
    meeting = live_meeting(client)
    first = client.post("/api/questions", json={"meeting_id": meeting["id"], "text": "Again?"})
    again = client.post("/api/questions", json={"meeting_id": meeting["id"], "text": "again? "})
    assert first.status_code == 201
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "duplicate"
    assert stored_count() == 1


@pytest.mark.parametrize("query", ["", "?meeting=abc", "?meeting=1&order=random"])
def test_the_feed_needs_a_meeting_and_a_known_order(client, query):
    assert client.get(f"/api/questions{query}").status_code == 400


def test_the_feed_of_an_unknown_meeting_is_404(client):
    assert client.get("/api/questions?meeting=98765").status_code == 404


def test_anonymous_questions_are_rate_limited_per_client(client):
    meeting = live_meeting(client)
    statuses = [client.post("/api/questions", json={"meeting_id": meeting["id"],
                                                    "text": f"Question number {i}"}).status_code
                for i in range(6)]
    assert statuses == [201] * 5 + [429]
    assert stored_count() == 5


def _ask_via(app, meeting_id, text):
    return app.server.test_client().post("/api/questions",
                                         json={"meeting_id": meeting_id, "text": text})


@pytest.mark.skipif(not REDIS_URL, reason="KCSTAT_TEST_REDIS_URL is not set (CI sets it)")
def test_the_rate_limit_holds_across_workers_sharing_redis(sample_database_url):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    settings = make_settings(sample_database_url, redis_url=REDIS_URL, secret_key="shared-key")
    first_worker = create_app(settings)
    meeting_id = live_meeting(first_worker.server.test_client())["id"]
    assert [_ask_via(first_worker, meeting_id, f"First {i}").status_code
            for i in range(3)] == [201] * 3
    # A second worker starts with its own limiter; the count lives in Redis, so it carries on.
    second_worker = create_app(settings)
    assert [_ask_via(second_worker, meeting_id, f"Second {i}").status_code
            for i in range(3)] == [201, 201, 429]
    assert stored_count() == 5
    db.engine.dispose()
    redis.Redis.from_url(REDIS_URL).flushdb()


def test_without_redis_the_database_carries_the_count_across_workers(sample_database_url):
    """Without Redis the counters live in the database (rate_limit_storage), never in one
    process's memory, so a second worker carries on the first one's count."""
    settings = make_settings(sample_database_url, secret_key="shared-key")
    first_worker = create_app(settings)
    meeting_id = live_meeting(first_worker.server.test_client())["id"]
    assert [_ask_via(first_worker, meeting_id, f"First {i}").status_code
            for i in range(3)] == [201] * 3
    second_worker = create_app(settings)
    assert [_ask_via(second_worker, meeting_id, f"Second {i}").status_code
            for i in range(3)] == [201, 201, 429]
    assert stored_count() == 5
    db.engine.dispose()


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(sample_database_url):
    app = create_app(make_settings(sample_database_url, trusted_proxies=1))
    client = app.server.test_client()
    meeting_id = live_meeting(client)["id"]

    def ask(address, text):
        return client.post("/api/questions", json={"meeting_id": meeting_id, "text": text},
                           headers={"X-Forwarded-For": address}).status_code

    assert [ask("203.0.113.5", f"From five {i}") for i in range(6)] == [201] * 5 + [429]
    assert ask("203.0.113.6", "From six") == 201
    db.engine.dispose()

"""Votes ("me too") and browser ids: signed ids only, rate limits on every path, a full room.

A stuffing client inventing ids gets one vote per address; 200 residents behind one venue
address, each with the id the server issued, are all counted.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from kcstat_dash.db import db
from kcstat_dash.models import Question, QuestionVote
from kcstat_dash.settings import RateLimit
from kcstat_dash.web import browser_ids
from kcstat_dash.web.app import create_app
from tests.conftest import make_settings
from tests.test_questions_api import live_meeting

VENUE = "198.51.100.20"


def _public_question(meeting_id: int, text: str = "Why are potholes slower?") -> int:
    with db.transaction() as session:
        question = Question(meeting_id=meeting_id, text=text, status="approved", upvotes=0)
        session.add(question)
        session.flush()
        return question.id


def _upvotes(question_id: int) -> int:
    with db.transaction() as session:
        return session.scalar(select(Question.upvotes).where(Question.id == question_id))


def _vote(client, question_id, body=None, address=VENUE):
    return client.post(f"/api/questions/{question_id}/votes", json={} if body is None else body,
                       environ_base={"REMOTE_ADDR": address})


def _issue(client, address=VENUE):
    return client.post("/api/browser-ids", json={}, environ_base={"REMOTE_ADDR": address})


def test_a_vote_through_the_api_is_201_then_200_with_the_count(app, client):
    question_id = _public_question(live_meeting(client)["id"])
    token = _issue(client).get_json()["browser_id"]
    first = _vote(client, question_id, {"browser_id": token})
    assert first.status_code == 201
    assert first.get_json() == {"question_id": question_id, "upvotes": 1, "counted": True}
    again = _vote(client, question_id, {"browser_id": token})
    assert again.status_code == 200 and again.get_json()["counted"] is False
    assert again.get_json()["upvotes"] == 1


@pytest.mark.parametrize("send, status, code", [
    (lambda c, q: c.post(f"/api/questions/{q}/votes", data="{}"), 415, "unsupported_media_type"),
    (lambda c, q: c.post(f"/api/questions/{q}/votes", json={"up": 1}), 400, "malformed"),
    (lambda c, q: c.post("/api/questions/99999999999/votes", json={}), 404, "not_public"),
    (lambda c, q: c.post("/api/questions/abc/votes", json={}), 404, "not_public"),
])
def test_refused_votes_are_json_errors(client, send, status, code):
    question_id = _public_question(live_meeting(client)["id"])
    response = send(client, question_id)
    assert response.status_code == status
    assert response.get_json()["error"]["status"] == status
    assert response.get_json()["error"]["code"] == code


def test_a_stuffing_client_inventing_ids_counts_once(app, client):
    question_id = _public_question(live_meeting(client)["id"])
    real = _issue(client).get_json()["browser_id"]
    forged = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    made_up = [f"{n:032x}" for n in range(40)] + [f"{n:032x}.{'x' * 27}" for n in range(5)]
    client.delete_cookie(browser_ids.COOKIE)
    answers = [_vote(client, question_id, {"browser_id": browser_id}).status_code
               for browser_id in [*made_up, forged]]
    # The first is the address's one vote; every made-up or forged id after it adds nothing
    # (already counted, then over the address's own vote limit).
    assert answers[0] == 201 and set(answers[1:]) <= {200, 429} and 429 in answers
    assert _upvotes(question_id) == 1
    # The address's vote and a real browser's are different voters.
    assert _vote(client, question_id, {"browser_id": real}).status_code == 201
    assert _upvotes(question_id) == 2


def test_200_residents_behind_one_venue_address_each_count(app):
    client = app.server.test_client()
    question_id = _public_question(live_meeting(client)["id"])
    for resident in range(200):
        # Each resident's browser loads the page (the server issues its id in a cookie) and
        # says "me too" from the same Wi-Fi address as everyone else.
        browser = app.server.test_client()
        page = browser.get("/", environ_base={"REMOTE_ADDR": VENUE})
        assert page.status_code == 200
        assert browser.get_cookie(browser_ids.COOKIE) is not None, resident
        assert _vote(browser, question_id).status_code == 201, resident
    assert _upvotes(question_id) == 200
    with db.transaction() as session:
        assert len(session.scalars(select(QuestionVote.voter_key)).all()) == 200


def test_issuing_ids_is_limited_per_address(sample_database_url):
    app = create_app(make_settings(sample_database_url, browser_id_limits="3/hour"))
    client = app.server.test_client()
    assert [_issue(client).status_code for _ in range(4)] == [201, 201, 201, 429]
    refused = _issue(client).get_json()["error"]
    assert refused["status"] == 429 and refused["code"] == "rate_limited"
    # Pages are still served past the allowance, without an id (such browsers count as their
    # address); another address is not held back.
    fresh = app.server.test_client()
    assert fresh.get("/", environ_base={"REMOTE_ADDR": VENUE}).status_code == 200
    assert fresh.get_cookie(browser_ids.COOKIE) is None
    assert _issue(client, "203.0.113.99").status_code == 201
    db.engine.dispose()


def _dash_vote(client, question_id: int):
    changed = json.dumps({"id": question_id, "type": "upvote"}, sort_keys=True,
                         separators=(",", ":"))
    response = client.post("/_dash-update-component", json={
        "output": "..vote-status.children...my-votes.data..",
        "outputs": [{"id": "vote-status", "property": "children"},
                    {"id": "my-votes", "property": "data"}],
        "inputs": [[{"id": {"type": "upvote", "id": question_id}, "property": "n_clicks",
                     "value": 1}]],
        "changedPropIds": [f"{changed}.n_clicks"],
        "state": [{"id": "my-votes", "property": "data", "value": []}]})
    assert response.status_code == 200
    return response.get_json()["response"]["vote-status"]["children"]


def test_votes_are_rate_limited_alike_on_the_page_and_the_api(sample_database_url):
    app = create_app(make_settings(sample_database_url,
                                   vote_limits=RateLimit("3/minute", "1000/minute")))
    client = app.server.test_client()
    client.get("/")  # the page issues this browser's id, and Dash sets up its routes
    meeting_id = live_meeting(client)["id"]
    ids = [_public_question(meeting_id, f"Question {n}") for n in range(4)]
    assert _dash_vote(client, ids[0]) == "Your “me too” is counted."
    assert _dash_vote(client, ids[1]) == "Your “me too” is counted."
    assert _vote(client, ids[2], address="127.0.0.1").status_code == 201  # same cookie
    # The fourth, by either path, is over this browser's limit of three a minute.
    assert "3 per minute" in _dash_vote(client, ids[3])
    refused = _vote(client, ids[3], address="127.0.0.1")
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"
    assert _upvotes(ids[3]) == 0
    db.engine.dispose()


def test_citations_are_rate_limited_alike_on_the_page_and_the_api(sample_database_url):
    from callbacks.citing import cite

    app = create_app(make_settings(sample_database_url,
                                   citation_limits=RateLimit("2/minute", "1000/minute")))
    client = app.server.test_client()
    client.get("/")
    body = {"measure": "pothole-on-time-rate", "period": "2019-03"}
    assert client.post("/api/citations", json=body).status_code == 201
    # A refused citation uses no slot.
    assert client.post("/api/citations", json={"measure": "nope"}).status_code in (400, 404)
    cookie = f"{browser_ids.COOKIE}={client.get_cookie(browser_ids.COOKIE).value}"
    with app.server.test_request_context("/", headers={"Cookie": cookie}):
        made = json.dumps(cite("pothole-on-time-rate", "2019-03").to_plotly_json(), default=str)
        db.remove()
        assert "a lot of citations" not in made
        refused = json.dumps(cite("pothole-on-time-rate", "2019-03").to_plotly_json(),
                             default=str)
        db.remove()
    assert "a lot of citations (2 per minute)" in refused
    answer = client.post("/api/citations", json=body)
    assert answer.status_code == 429 and answer.get_json()["error"]["code"] == "rate_limited"
    db.engine.dispose()

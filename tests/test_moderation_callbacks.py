"""The queue page's callbacks through Dash's endpoint, as a signed-in moderator's browser calls
them: each row of the action tables says what it did, or why not, in the same words as before."""

from __future__ import annotations

import json

import pytest

from kcstat_dash.db import db
from kcstat_dash.models import Meeting, Question
from kcstat_dash.web.app import create_app
from layouts.ids import moderate as ids
from tests.conftest import make_settings
from tests.staff import csrf_cookie, login, make_meeting, make_question, make_user

DASH = "/_dash-update-component"
ACT = f"..{ids.MESSAGE}.children...{ids.REFRESH}.data.."
CONTROL = f"..{ids.MEETING_STATE}.children...{ids.MEETING_MESSAGE}.children.."
DETAIL = f"..{ids.DETAIL}.children...{ids.MERGE_TARGET}.options.."


@pytest.fixture
def queue(database_url):
    app = create_app(make_settings(database_url))
    session = db.new_session()
    make_user(session)
    meeting = make_meeting(session)
    scheduled = make_meeting(session, title="Finance KCStat", status="scheduled")
    pending = make_question(session, meeting, text="Why are potholes slower this year?")
    other = make_question(session, meeting, text="When is my street next?")
    answered = make_question(session, meeting, text="Who fills potholes?", status="answered")
    known = {"meeting": meeting.id, "scheduled": scheduled.id, "pending": pending.id,
             "other": other.id, "answered": answered.id}
    session.close()
    client = app.server.test_client()
    login(client)
    client.get("/moderate")
    yield app, client, known
    db.engine.dispose()


def call(app, client, output_key, clicked, values, ticked=()):
    """POST the callback as the browser would after ``clicked`` changed; ``values`` gives the
    other inputs and states by id, ``ticked`` the question ids whose boxes are ticked."""
    spec = app.callback_map[output_key]

    def dependency(dep, default=None):
        if dep["id"].startswith("{"):
            pattern = json.loads(dep["id"])
            return [{"id": {**pattern, "qid": qid}, "property": dep["property"],
                     "value": {**pattern, "qid": qid} if dep["property"] == "id" else True}
                    for qid in ticked]
        value = 1 if dep["id"] == clicked else values.get(dep["id"], default)
        return {"id": dep["id"], "property": dep["property"], "value": value}

    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1]}
               for part in output_key.strip(".").split("...")]
    prop = "n_clicks" if clicked not in values else "value"
    body = {"output": output_key, "outputs": outputs,
            "inputs": [dependency(d, 0) for d in spec["inputs"]],
            "changedPropIds": [f"{clicked}.{prop}"],
            "state": [dependency(d) for d in spec["state"]]}
    response = client.post(DASH, json=body, headers={"X-CSRFToken": csrf_cookie(client)})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def _status(question_id):
    with db.transaction() as session:
        return session.get(Question, question_id).status


def test_reject_says_which_question_with_the_chosen_reason(queue):
    app, client, known = queue
    said = call(app, client, ACT, ids.REJECT, {ids.CURRENT: known["pending"],
                                                ids.REASON: "off-topic"})
    assert f"Question #{known['pending']} rejected." in said
    assert _status(known["pending"]) == "rejected"


@pytest.mark.parametrize("button, values, words", [
    (ids.APPROVE, {}, "Choose a question first (its Open button, or j)."),
    (ids.UNPIN, {}, "Choose the meeting in the filter first."),
    (ids.MERGE, {ids.CURRENT: "pending", ids.MERGE_TARGET: ""}, "Choose the question to keep."),
    (ids.BULK_APPROVE, {}, "Select at least one question."),
])
def test_an_action_missing_what_it_works_on_says_so_and_changes_nothing(queue, button, values,
                                                                         words):
    app, client, known = queue
    values = {k: known.get(v, v) for k, v in values.items()}
    said = call(app, client, ACT, button, values)
    assert words in said
    assert '"mod-refresh"' not in said  # no refresh after a refusal
    assert _status(known["pending"]) == "pending"


def test_merge_names_the_question_kept(queue):
    app, client, known = queue
    said = call(app, client, ACT, ids.MERGE, {ids.CURRENT: known["other"],
                                               ids.MERGE_TARGET: str(known["pending"])})
    assert f"Question #{known['other']} merged into #{known['pending']}." in said
    assert _status(known["other"]) == "merged"


def test_bulk_approve_counts_what_it_did_and_skipped(queue):
    app, client, known = queue
    said = call(app, client, ACT, ids.BULK_APPROVE, {ids.REFRESH: 4},
                ticked=[known["pending"], known["answered"]])
    assert "1 approved, 1 skipped (no longer pending)." in said
    assert json.loads(said)["response"][ids.REFRESH]["data"] == 5
    assert (_status(known["pending"]), _status(known["answered"])) == ("approved", "answered")


def test_the_detail_offers_the_meetings_other_kept_questions_to_merge_into(queue):
    app, client, known = queue
    said = json.loads(call(app, client, DETAIL, ids.CURRENT, {ids.CURRENT: known["pending"]}))
    options = said["response"][ids.MERGE_TARGET]["options"]
    assert [o["value"] for o in options] == ["", str(known["other"]), str(known["answered"])]
    assert "Why are potholes slower" in json.dumps(said["response"][ids.DETAIL])


def test_meeting_control_goes_live_and_refuses_without_a_meeting(queue):
    app, client, known = queue
    said = call(app, client, CONTROL, ids.GO_LIVE, {ids.FILTER_MEETING: str(known["scheduled"])})
    assert "The meeting is live." in said and "Status: live." in said
    with db.transaction() as session:
        assert session.get(Meeting, known["scheduled"]).status == "live"
    assert "Choose a meeting in the filter first." in call(app, client, CONTROL,
                                                           ids.CLOSE_QUESTIONS, {})
    closed = call(app, client, CONTROL, ids.CLOSE_QUESTIONS,
                  {ids.FILTER_MEETING: str(known["meeting"])})
    assert "Questions are closed." in closed and "Questions: closed." in closed

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
DETAIL = f"..{ids.DETAIL}.children...{ids.MERGE_TARGET}.options...{ids.SAVED_ANSWER}.data.."


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
    assert [o["value"] for o in options] == [str(known["other"]), str(known["answered"])]
    assert "Why are potholes slower" in json.dumps(said["response"][ids.DETAIL])


def output_key(app, id_: str) -> str:
    """The key of the one callback that writes ``id_`` (allow_duplicate or not)."""
    found = [key for key in app.callback_map if f"..{id_}." in key or f"...{id_}." in key
             or key.startswith(f"{id_}.")]
    assert len(found) == 1, found
    return found[0]


def _meeting(meeting_id):
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        return meeting.status, meeting.accepting_questions


def test_go_live_asks_first_and_acts_only_on_yes_for_that_meeting(queue):
    app, client, known = queue
    control = output_key(app, ids.STEP_TEXT)
    chosen = {ids.FILTER_MEETING: str(known["scheduled"])}
    asked = json.loads(call(app, client, control, ids.GO_LIVE, chosen))["response"]
    assert "Make Finance KCStat (Nov 26, 2026, scheduled) live now?" in \
        asked[ids.STEP_TEXT]["children"]
    assert asked[ids.STEP_CONFIRM]["hidden"] is False
    assert asked[ids.CONFIRM_STEP]["children"] == "Yes, go live"
    pending = asked[ids.PENDING_STEP]["data"]
    assert _meeting(known["scheduled"]) == ("scheduled", False)  # nothing yet
    # "Yes" while the filter shows another meeting does nothing.
    moved = call(app, client, control, ids.CONFIRM_STEP,
                 {ids.FILTER_MEETING: str(known["meeting"]), ids.PENDING_STEP: pending})
    assert "The meeting in the filter changed; nothing was done." in moved
    assert _meeting(known["scheduled"]) == ("scheduled", False)
    cancelled = call(app, client, control, ids.CANCEL_STEP, {**chosen, ids.PENDING_STEP: pending})
    assert "Nothing changed." in cancelled
    done = json.loads(call(app, client, control, ids.CONFIRM_STEP,
                           {**chosen, ids.PENDING_STEP: pending, ids.MEETING_VERSION: 2}))
    assert "The meeting is live." in json.dumps(done["response"])
    assert done["response"][ids.MEETING_VERSION]["data"] == 3
    assert done["response"][ids.STEP_CONFIRM]["hidden"] is True
    assert _meeting(known["scheduled"]) == ("live", True)


def test_end_meeting_asks_first(queue):
    app, client, known = queue
    control = output_key(app, ids.STEP_TEXT)
    chosen = {ids.FILTER_MEETING: str(known["meeting"])}
    asked = json.loads(call(app, client, control, ids.END, chosen))["response"]
    assert asked[ids.STEP_TEXT]["children"].startswith("End Infrastructure KCStat")
    assert asked[ids.CONFIRM_STEP]["children"] == "Yes, end the meeting"
    assert _meeting(known["meeting"]) == ("live", True)
    call(app, client, control, ids.CONFIRM_STEP,
         {**chosen, ids.PENDING_STEP: asked[ids.PENDING_STEP]["data"]})
    assert _meeting(known["meeting"]) == ("ended", False)


def test_reversible_steps_act_at_once_and_refuse_without_a_meeting(queue):
    app, client, known = queue
    control = output_key(app, ids.STEP_TEXT)
    assert "Choose a meeting in the filter first." in call(app, client, control,
                                                           ids.CLOSE_QUESTIONS, {})
    closed = call(app, client, control, ids.CLOSE_QUESTIONS,
                  {ids.FILTER_MEETING: str(known["meeting"])})
    assert "Questions are closed." in closed
    assert _meeting(known["meeting"]) == ("live", False)


@pytest.mark.parametrize("meeting, shown", [
    ("scheduled", {ids.GO_LIVE, ids.OPEN_QUESTIONS, ids.END, ids.SET_NOW}),
    ("meeting", {ids.CLOSE_QUESTIONS, ids.END, ids.SET_NOW}),
    (None, set()),
])
def test_the_meeting_panel_shows_only_the_steps_the_state_allows(queue, meeting, shown):
    app, client, known = queue
    said = json.loads(call(app, client, output_key(app, ids.MEETING_STATE), ids.MEETING_VERSION,
                           {ids.FILTER_MEETING: str(known[meeting]) if meeting else ""}))
    classes = {key: value["className"] for key, value in said["response"].items()
               if key in {ids.GO_LIVE, ids.OPEN_QUESTIONS, ids.CLOSE_QUESTIONS, ids.END,
                          ids.SET_NOW}}
    assert len(classes) == 5
    assert {key for key, value in classes.items() if "d-none" not in value} == shown


def test_an_ended_meeting_offers_no_step_but_the_projector(queue):
    app, client, known = queue
    with db.transaction() as session:
        session.get(Meeting, known["meeting"]).status = "ended"
    said = call(app, client, output_key(app, ids.MEETING_STATE), ids.MEETING_VERSION,
                {ids.FILTER_MEETING: str(known["meeting"])})
    response = json.loads(said)["response"]
    assert "d-none" in response[ids.END]["className"]
    assert "d-none" not in response[ids.SET_NOW]["className"]


def test_reject_without_a_reason_chosen_for_this_question_refuses(queue):
    app, client, known = queue
    said = call(app, client, ACT, ids.REJECT, {ids.CURRENT: known["pending"], ids.REASON: ""})
    assert "Choose a reason to reject first." in said
    bulk = call(app, client, ACT, ids.BULK_REJECT, {ids.BULK_REASON: ""},
                ticked=[known["pending"]])
    assert "Choose a reason to reject the selected questions." in bulk
    assert _status(known["pending"]) == "pending"


def test_choosing_a_question_resets_the_reason_and_the_merge_target(queue):
    app, client, known = queue
    said = json.loads(call(app, client, output_key(app, ids.REASON), ids.CURRENT,
                           {ids.CURRENT: known["other"]}))["response"]
    assert said[ids.REASON]["value"] == "" and said[ids.MERGE_TARGET]["value"] == ""
    assert said[ids.ANSWER_TEXT]["value"] == ""


def test_the_detail_hands_the_page_the_saved_answer(queue):
    # The page compares the answer box with it before switching question (a draft is asked
    # about, never dropped silently).
    app, client, known = queue
    with db.transaction() as session:
        session.get(Question, known["answered"]).answer = "Crews do."
    said = json.loads(call(app, client, DETAIL, ids.REFRESH, {ids.CURRENT: known["answered"]}))
    assert said["response"][ids.SAVED_ANSWER]["data"] == "Crews do."

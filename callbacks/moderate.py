"""The queue page's callbacks: each checks the caller first (``require_role``: signed in, a
moderator or admin, and the page's CSRF token), then calls services, then renders with
``layouts.moderate``. What each button does is one row of a table: ``ACTIONS`` for the queue,
``MEETING_STEPS`` for meeting control."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.errors import DomainError, message_for
from callbacks.wiring import Callbacks
from kcstat_dash.services import meeting_control, moderation
from kcstat_dash.services.accounts import MODERATE
from kcstat_dash.web.auth import require_role
from kcstat_dash.web.extensions import db
from layouts import moderate as view
from layouts.ids import moderate as ids
from layouts.staff import message

callbacks = Callbacks()
register = callbacks.register

# What an action works on: the chosen question, the meeting in the filter, or the ticked ones.
QUESTION, MEETING, SELECTION = "question", "meeting", "selection"
CHOOSE_FIRST = {QUESTION: "Choose a question first (its Open button, or j).",
                MEETING: "Choose the meeting in the filter first."}


@dataclass(frozen=True)
class Action:
    """A button: the service it calls (``service(session, target, [form[field]], user_id=)``)
    and what to say when it is done (``done``, formatted with ``target``, the form's fields and,
    for the ticked questions, the counts ``done`` and ``skipped``)."""

    service: Callable[..., Any]
    done: str
    target: str = QUESTION
    field: str | None = None  # the form field the service takes after its target
    missing: str | None = None  # what to say when that field is empty (else the service says)
    step: str | None = None  # a meeting step: its name in meeting_control.allowed_steps
    # A step that cannot be undone is asked first: the question (formatted with ``meeting``,
    # the meeting's label) and the words of the button that says yes.
    confirm: tuple[str, str] | None = None


ACTIONS = {  # in the order of the callback's inputs
    ids.APPROVE: Action(moderation.approve, "Question #{target} approved."),
    ids.REJECT: Action(moderation.reject, "Question #{target} rejected.", field="reason",
                       missing="Choose a reason to reject first."),
    ids.HIDE: Action(moderation.hide, "Question #{target} hidden."),
    ids.ANSWER: Action(moderation.answer, "Question #{target} marked answered.",
                       field="answer"),
    ids.PIN: Action(moderation.pin, "Question #{target} pinned as now discussing."),
    ids.MERGE: Action(moderation.merge, "Question #{target} merged into #{merge_target}.",
                      field="merge_target", missing="Choose the question to keep."),
    ids.EDIT: Action(moderation.edit_text, "Question #{target} reworded (the original is kept).",
                     field="edit"),
    ids.LABEL: Action(moderation.set_labels, "Question #{target} labelled.", field="labels"),
    ids.UNPIN: Action(moderation.unpin, "Unpinned.", target=MEETING),
    ids.BULK_APPROVE: Action(moderation.bulk_approve, "{done} approved{skipped}.",
                             target=SELECTION),
    ids.BULK_REJECT: Action(moderation.bulk_reject, "{done} rejected{skipped}.",
                            target=SELECTION, field="bulk_reason",
                            missing="Choose a reason to reject the selected questions."),
}
# The fields the actions read, from the action panel and the bulk bar.
FORM = {"reason": ids.REASON, "answer": ids.ANSWER_TEXT, "merge_target": ids.MERGE_TARGET,
        "edit": ids.EDIT_TEXT, "labels": ids.LABELS, "bulk_reason": ids.BULK_REASON}

MEETING_STEPS = {
    ids.GO_LIVE: Action(meeting_control.go_live, "The meeting is live.", target=MEETING,
                        step=meeting_control.GO_LIVE,
                        confirm=("Make {meeting} live now? Residents see it as live and it "
                                 "opens for questions.", "Yes, go live")),
    ids.OPEN_QUESTIONS: Action(partial(meeting_control.set_accepting_questions, accepting=True),
                               "Questions are open.", target=MEETING,
                               step=meeting_control.OPEN),
    ids.CLOSE_QUESTIONS: Action(partial(meeting_control.set_accepting_questions,
                                        accepting=False),
                                "Questions are closed.", target=MEETING,
                                step=meeting_control.CLOSE),
    ids.END: Action(meeting_control.end, "The meeting has ended.", target=MEETING,
                    step=meeting_control.END,
                    confirm=("End {meeting}? Questions close for good and its Q&A becomes "
                             "the archive; it cannot be reopened.", "Yes, end the meeting")),
    ids.SET_NOW: Action(meeting_control.set_now_discussing,
                        "The projector shows the new measure.", target=MEETING,
                        field="now_measure", step=meeting_control.NOW_DISCUSSING),
}

FILTERS = {"meeting_id": Input(ids.FILTER_MEETING, "value"),
           "status": Input(ids.FILTER_STATUS, "value"),
           "channel": Input(ids.FILTER_CHANNEL, "value"),
           "measure_id": Input(ids.FILTER_MEASURE, "value"),
           "language": Input(ids.FILTER_LANGUAGE, "value")}
TICKED = {"values": State(ids.select_box(ALL), "value"), "ids": State(ids.select_box(ALL), "id")}


def run(action: Action, target, form: dict, user_id: int) -> str:
    """Call the action's service in one transaction (the change, its audit entry and the feed's
    bump commit together); returns what happened, in words. Refusals are DomainErrors."""
    if not target and action.target in CHOOSE_FIRST:
        raise moderation.ModerationError(CHOOSE_FIRST[action.target])
    if action.missing and not form[action.field]:
        raise moderation.ModerationError(action.missing)
    given = [form[action.field]] if action.field else []
    with db.transaction() as session:
        result = action.service(session, target, *given, user_id=user_id)
    counts = {}
    if action.target == SELECTION:
        done, skipped = result
        counts = {"done": done,
                  "skipped": f", {skipped} skipped (no longer pending)" if skipped else ""}
    return action.done.format(target=target, **form, **counts)


def _chosen(value):
    """A select's value, or None for its "any" / "nothing" / placeholder choice."""
    return None if value in (None, "", view.ANY, view.NOTHING) else value


def _ticked(ticked: dict) -> list[int]:
    return [i["qid"] for v, i in zip(ticked["values"] or [], ticked["ids"] or [], strict=False)
            if v]


def _clicked() -> str | None:
    """The id of the button that fired this callback, if a click (not a render) fired it."""
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return None
    return ctx.triggered_id


@callbacks.callback(
    output={"queue": Output(ids.QUEUE, "children"), "signature": Output(ids.SIGNATURE, "data")},
    inputs={"filters": FILTERS, "tick": Input(ids.POLL, "n_intervals"),
            "refresh": Input(ids.REFRESH, "data")},
    state={"signature": State(ids.SIGNATURE, "data"), "current": State(ids.CURRENT, "data"),
           "ticked": TICKED},
)
def render_queue(filters, tick, refresh, signature, current, ticked):
    require_role(*MODERATE)
    filters = {name: _chosen(value) for name, value in filters.items()}
    new_signature = f"{sorted(filters.items())}|" + moderation.queue_signature(
        db.session, **filters)
    # Polls re-render only when the queue changed, so keyboard focus is not lost every tick.
    if ctx.triggered_id == ids.POLL and new_signature == signature:
        raise PreventUpdate
    rows = moderation.queue(db.session, **filters)
    return {"queue": view.queue_list(rows, current, set(_ticked(ticked))),
            "signature": new_signature}


# In the browser (assets/moderation.js): a queue redraw must not drop an Open click, and an
# answer not yet saved is not dropped without asking (the question then waits in WAITING until
# the moderator discards the draft or keeps editing).
callbacks.clientside(
    ClientsideFunction(namespace="kcstatModeration", function_name="chooseQuestion"),
    Output(ids.CURRENT, "data"), Output(ids.WAITING, "data"),
    Output(ids.DRAFT_CONFIRM, "hidden"), Output(ids.DRAFT_TEXT, "children"),
    Input(ids.open_button(ALL), "n_clicks"), Input(ids.DISCARD_DRAFT, "n_clicks"),
    Input(ids.KEEP_DRAFT, "n_clicks"),
    State(ids.CURRENT, "data"), State(ids.WAITING, "data"), State(ids.ANSWER_TEXT, "value"),
    State(ids.SAVED_ANSWER, "data"),
    prevent_initial_call=True,
)


@callbacks.callback(
    output={"detail": Output(ids.DETAIL, "children"),
            "merge_options": Output(ids.MERGE_TARGET, "options"),
            "saved_answer": Output(ids.SAVED_ANSWER, "data")},
    inputs={"current": Input(ids.CURRENT, "data"), "refresh": Input(ids.REFRESH, "data")},
)
def show_detail(current, refresh):
    require_role(*MODERATE)
    question = moderation.chosen_question(db.session, current)
    if question is None:
        return {"detail": view.detail(None), "merge_options": [], "saved_answer": ""}
    candidates = moderation.merge_candidates(db.session, question)
    return {"detail": view.detail(question), "merge_options": view.merge_options(candidates),
            "saved_answer": question["answer"] or ""}


@callbacks.callback(
    output={"answer": Output(ids.ANSWER_TEXT, "value"), "edit": Output(ids.EDIT_TEXT, "value"),
            "labels": Output(ids.LABELS, "value"), "reason": Output(ids.REASON, "value"),
            "merge_target": Output(ids.MERGE_TARGET, "value")},
    inputs={"current": Input(ids.CURRENT, "data")},
)
def fill_forms(current):
    # Only when another question is chosen: an action's refresh must never wipe what the
    # moderator is typing (say, an answer right after approving). What was chosen for the
    # question before (a reason, the question to merge into) never carries over to this one.
    require_role(*MODERATE)
    question = moderation.chosen_question(db.session, current)
    fresh = {"reason": "", "merge_target": ""}
    if question is None:
        return {"answer": "", "edit": "", "labels": "", **fresh}
    return {"answer": question["answer"] or "", "edit": question["text"],
            "labels": ", ".join(question["labels"]), **fresh}


@callbacks.callback(
    output={"message": Output(ids.MESSAGE, "children"), "refresh": Output(ids.REFRESH, "data")},
    inputs={"clicks": {button: Input(button, "n_clicks") for button in ACTIONS}},
    state={"current": State(ids.CURRENT, "data"),
           "form": {field: State(id_, "value") for field, id_ in FORM.items()},
           "meeting_id": State(ids.FILTER_MEETING, "value"), "ticked": TICKED,
           "refresh": State(ids.REFRESH, "data")},
    prevent_initial_call=True,
)
def act(clicks, current, form, meeting_id, ticked, refresh):
    user = require_role(*MODERATE)
    action = ACTIONS.get(_clicked())
    if action is None:
        raise PreventUpdate
    target = {QUESTION: current, MEETING: _chosen(meeting_id),
              SELECTION: _ticked(ticked)}[action.target]
    try:
        text = run(action, target, form, user.id)
    except DomainError as error:
        return {"message": message(message_for(error), ok=False), "refresh": no_update}
    return {"message": message(text), "refresh": (refresh or 0) + 1}


@callbacks.callback(
    output={"state": Output(ids.MEETING_STATE, "children"),
            "buttons": {button: Output(button, "className") for button in MEETING_STEPS},
            "pending": Output(ids.PENDING_STEP, "data"),
            "confirm_hidden": Output(ids.STEP_CONFIRM, "hidden")},
    inputs={"meeting_id": Input(ids.FILTER_MEETING, "value"),
            "version": Input(ids.MEETING_VERSION, "data")},
)
def show_meeting(meeting_id, version):
    """The chosen meeting's state, and only the steps that state allows; a step waiting for
    its confirmation is dropped (the meeting changed, or the step was taken)."""
    require_role(*MODERATE)
    meeting = meeting_control.summary(db.session, _chosen(meeting_id))
    allowed = meeting["allowed"] if meeting else set()
    return {"state": view.meeting_state(meeting),
            "buttons": {button: view.step_class(step.step in allowed)
                        for button, step in MEETING_STEPS.items()},
            "pending": None, "confirm_hidden": True}


@callbacks.callback(
    output={"message": Output(ids.MESSAGE, "children", allow_duplicate=True),
            "version": Output(ids.MEETING_VERSION, "data"),
            "pending": Output(ids.PENDING_STEP, "data", allow_duplicate=True),
            "confirm_hidden": Output(ids.STEP_CONFIRM, "hidden", allow_duplicate=True),
            "question": Output(ids.STEP_TEXT, "children"),
            "yes": Output(ids.CONFIRM_STEP, "children")},
    inputs={"clicks": {button: Input(button, "n_clicks")
                       for button in [*MEETING_STEPS, ids.CONFIRM_STEP, ids.CANCEL_STEP]}},
    state={"meeting_id": State(ids.FILTER_MEETING, "value"),
           "now_measure": State(ids.NOW_MEASURE, "value"),
           "pending": State(ids.PENDING_STEP, "data"),
           "version": State(ids.MEETING_VERSION, "data")},
    prevent_initial_call=True,
)
def control_meeting(clicks, meeting_id, now_measure, pending, version):
    """A meeting step: taken at once, or (go live, end) asked first and taken on "Yes" for the
    meeting it was asked about."""
    user = require_role(*MODERATE)
    clicked, meeting_id = _clicked(), _chosen(meeting_id)
    unchanged = {"message": no_update, "version": no_update, "pending": None,
                 "confirm_hidden": True, "question": no_update, "yes": no_update}
    if clicked == ids.CANCEL_STEP:
        return {**unchanged, "message": message("Nothing changed.")}
    if clicked == ids.CONFIRM_STEP:
        if not pending or pending.get("meeting_id") != meeting_id:
            return {**unchanged, "message": message(
                "The meeting in the filter changed; nothing was done.", ok=False)}
        clicked, confirmed = pending.get("step"), True
    else:
        confirmed = False
    step = MEETING_STEPS.get(clicked)
    if step is None:
        raise PreventUpdate
    if not meeting_id:
        return {**unchanged, "message": message("Choose a meeting in the filter first.",
                                                ok=False)}
    if step.confirm and not confirmed:
        meeting = meeting_control.summary(db.session, meeting_id)
        if meeting is not None:
            question, yes = step.confirm
            return {**unchanged, "pending": {"step": clicked, "meeting_id": meeting_id},
                    "confirm_hidden": False,
                    "question": question.format(meeting=view.meeting_label(meeting)),
                    "yes": yes}
    try:
        text = run(step, meeting_id, {"now_measure": _chosen(now_measure)}, user.id)
    except DomainError as error:
        return {**unchanged, "message": message(message_for(error), ok=False)}
    return {**unchanged, "message": message(text), "version": (version or 0) + 1}

"""The queue page's callbacks: each checks the caller's role first, then calls one service."""

from __future__ import annotations

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from kcstat_dash.models import Question
from kcstat_dash.services import meeting_control, moderation
from kcstat_dash.services.accounts import MODERATE
from kcstat_dash.web.auth import require_role
from kcstat_dash.web.extensions import db
from layouts import moderate as view
from layouts.staff import message

FILTERS = [Input("mod-filter-meeting", "value"), Input("mod-filter-status", "value"),
           Input("mod-filter-channel", "value"), Input("mod-filter-measure", "value")]

QUESTION_BUTTONS = ("mod-approve", "mod-reject", "mod-hide", "mod-answer", "mod-pin", "mod-merge",
                    "mod-edit", "mod-label")
ACTION_BUTTONS = [*QUESTION_BUTTONS, "mod-unpin", "mod-bulk-approve", "mod-bulk-reject"]


def _selected(values, ids) -> list[int]:
    return [i["qid"] for v, i in zip(values or [], ids or [], strict=False) if v]


def _clicked() -> str | None:
    """The id of the button that fired this callback, if a click (not a render) fired it."""
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return None
    return ctx.triggered_id


def perform(button: str, current, form: dict, selection: list[int], meeting_id,
            user_id: int) -> str:
    """Run one action in one transaction (action, audit entry and feed bump commit together)."""
    with db.transaction() as session:
        if button == "mod-bulk-approve":
            done, skipped = moderation.bulk_approve(session, selection, user_id)
            return f"{done} approved" + (f", {skipped} skipped (no longer pending)." if skipped
                                         else ".")
        if button == "mod-bulk-reject":
            done, skipped = moderation.bulk_reject(session, selection, form["bulk_reason"],
                                                   user_id)
            return f"{done} rejected" + (f", {skipped} skipped (no longer pending)." if skipped
                                         else ".")
        if button == "mod-unpin":
            if not meeting_id:
                raise moderation.ModerationError("Choose the meeting in the filter first.")
            moderation.unpin(session, meeting_id, user_id)
            return "Unpinned."
        if not current:
            raise moderation.ModerationError("Choose a question first (its Open button, or j).")
        return f"Question #{current} {question_action(session, button, current, form, user_id)}."


def question_action(session, button: str, qid, form: dict, user_id: int) -> str:
    """One action on the chosen question; returns what happened, in words."""
    if button == "mod-approve":
        moderation.approve(session, qid, user_id)
        return "approved"
    if button == "mod-reject":
        moderation.reject(session, qid, form["reason"], user_id)
        return "rejected"
    if button == "mod-hide":
        moderation.hide(session, qid, user_id)
        return "hidden"
    if button == "mod-answer":
        moderation.answer(session, qid, form["answer"], user_id)
        return "marked answered"
    if button == "mod-pin":
        moderation.pin(session, qid, user_id)
        return "pinned as now discussing"
    if button == "mod-merge":
        if not form["merge_target"]:
            raise moderation.ModerationError("Choose the question to keep.")
        moderation.merge(session, qid, form["merge_target"], user_id)
        return f"merged into #{form['merge_target']}"
    if button == "mod-edit":
        moderation.edit_text(session, qid, form["edit"], user_id)
        return "reworded (the original is kept)"
    moderation.set_labels(session, qid, form["labels"], user_id)
    return "labelled"


def register(app: dash.Dash) -> None:
    @app.callback(
        Output("mod-queue", "children"), Output("mod-signature", "data"),
        *FILTERS, Input("mod-poll", "n_intervals"), Input("mod-refresh", "data"),
        State("mod-signature", "data"), State("mod-current", "data"),
        State({"type": "mod-select", "qid": ALL}, "value"),
        State({"type": "mod-select", "qid": ALL}, "id"),
    )
    def render_queue(meeting_id, status, channel, measure_id, _tick, _refresh, signature,
                     current, selected_values, selected_ids):
        require_role(*MODERATE)
        filters = dict(meeting_id=meeting_id or None, status=status or None,
                       channel=channel or None, measure_id=measure_id or None)
        new_signature = f"{sorted(filters.items())}|" + moderation.queue_signature(
            db.session, **filters)
        # Polls re-render only when the queue changed, so keyboard focus is not lost every tick.
        if ctx.triggered_id == "mod-poll" and new_signature == signature:
            raise PreventUpdate
        rows = moderation.queue(db.session, **filters)
        selection = set(_selected(selected_values, selected_ids))
        return view.queue_list(rows, current, selection), new_signature

    # In the browser (assets/moderation.js): a queue redraw must not drop an Open click.
    app.clientside_callback(
        ClientsideFunction(namespace="kcstatModeration", function_name="chooseQuestion"),
        Output("mod-current", "data"),
        Input({"type": "mod-open", "qid": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output("mod-detail", "children"), Output("mod-merge-target", "options"),
        Input("mod-current", "data"), Input("mod-refresh", "data"),
    )
    def show_detail(current, _refresh):
        require_role(*MODERATE)
        question = db.session.get(Question, int(current)) if current else None
        if question is None:
            return view.detail(None), []
        others = moderation.queue(db.session, meeting_id=question.meeting_id, status=None)
        targets = [{"label": f"#{o['id']}: {o['text'][:70]}", "value": str(o["id"])}
                   for o in others if o["id"] != question.id
                   and o["status"] not in ("merged", "rejected")]
        return (view.detail(moderation.question_row(question)),
                [{"label": "Choose the question to keep", "value": ""}] + targets)

    @app.callback(
        Output("mod-answer-text", "value"), Output("mod-edit-text", "value"),
        Output("mod-labels", "value"),
        Input("mod-current", "data"),
    )
    def fill_forms(current):
        # Only when another question is chosen: an action's refresh must never wipe what the
        # moderator is typing (say, an answer right after approving).
        require_role(*MODERATE)
        question = db.session.get(Question, int(current)) if current else None
        if question is None:
            return "", "", ""
        return question.answer or "", question.text, ", ".join(question.labels or [])

    @app.callback(
        Output("mod-message", "children"), Output("mod-refresh", "data"),
        *[Input(button, "n_clicks") for button in ACTION_BUTTONS],
        State("mod-current", "data"), State("mod-reason", "value"),
        State("mod-answer-text", "value"), State("mod-merge-target", "value"),
        State("mod-edit-text", "value"), State("mod-labels", "value"),
        State("mod-bulk-reason", "value"), State("mod-filter-meeting", "value"),
        State({"type": "mod-select", "qid": ALL}, "value"),
        State({"type": "mod-select", "qid": ALL}, "id"),
        State("mod-refresh", "data"),
        prevent_initial_call=True,
    )
    def act(*args):
        user = require_role(*MODERATE)
        button = _clicked()
        if button not in ACTION_BUTTONS:
            raise PreventUpdate
        (current, reason, answer_text, merge_target, edit_text, labels, bulk_reason,
         meeting_id, selected_values, selected_ids, refresh) = args[len(ACTION_BUTTONS):]
        form = {"reason": reason, "answer": answer_text, "merge_target": merge_target,
                "edit": edit_text, "labels": labels, "bulk_reason": bulk_reason}
        try:
            text = perform(button, current, form, _selected(selected_values, selected_ids),
                           meeting_id, user.id)
        except moderation.ModerationError as error:
            return message(str(error), ok=False), no_update
        return message(text), (refresh or 0) + 1

    @app.callback(
        Output("mod-meeting-state", "children"), Output("mod-meeting-message", "children"),
        Input("mod-filter-meeting", "value"), Input("mod-go-live", "n_clicks"),
        Input("mod-open-questions", "n_clicks"), Input("mod-close-questions", "n_clicks"),
        Input("mod-end", "n_clicks"), Input("mod-set-now", "n_clicks"),
        State("mod-now-measure", "value"),
    )
    def control_meeting(meeting_id, *args):
        user = require_role(*MODERATE)
        now_measure = args[-1]
        button = _clicked()
        note = None
        if button and button != "mod-filter-meeting":
            note = control(button, meeting_id, now_measure, user.id)
        return view.meeting_state(meeting_summary(meeting_id)), note

    def control(button: str, meeting_id, now_measure, user_id: int):
        if not meeting_id:
            return message("Choose a meeting in the filter first.", ok=False)
        steps = {
            "mod-go-live": (meeting_control.go_live, "The meeting is live."),
            "mod-open-questions": (lambda s, m, u: meeting_control.set_accepting_questions(
                s, m, True, u), "Questions are open."),
            "mod-close-questions": (lambda s, m, u: meeting_control.set_accepting_questions(
                s, m, False, u), "Questions are closed."),
            "mod-end": (meeting_control.end, "The meeting has ended."),
            "mod-set-now": (lambda s, m, u: meeting_control.set_now_discussing(
                s, m, now_measure or None, u), "The projector shows the new measure."),
        }
        step, done = steps[button]
        try:
            with db.transaction() as session:
                step(session, meeting_id, user_id)
        except moderation.ModerationError as error:
            return message(str(error), ok=False)
        return message(done)

    def meeting_summary(meeting_id) -> dict | None:
        if not meeting_id:
            return None
        db.session.expire_all()
        meeting = db.session.get(meeting_control.Meeting, int(meeting_id))
        if meeting is None:
            return None
        return {"id": meeting.id, "title": meeting.title, "status": meeting.status,
                "accepting_questions": meeting.accepting_questions,
                "now_discussing": meeting.now_discussing.name if meeting.now_discussing else None}

"""The meeting page: ask a question, flag a statistic from a chart, vote, and follow the feed."""

from __future__ import annotations

from textwrap import shorten

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, html, no_update

from callbacks.errors import DomainError, message_for
from kcstat_dash.i18n import _
from kcstat_dash.services import measures, page_data, questions
from kcstat_dash.services.formatting import period_label
from kcstat_dash.services.measure_words import say
from kcstat_dash.services.meetings import MeetingNotFound, MeetingStatus
from kcstat_dash.services.public_input import record_id
from kcstat_dash.services.question_status import is_public
from kcstat_dash.web import asking
from kcstat_dash.web.extensions import db
from layouts.ask import FLAG_HINT
from layouts.charts import clicked_period
from layouts.ids import meeting as ids
from layouts.meeting import (
    LATEST_PERIOD,
    NO_MEASURE,
    ask_form_body,
    no_periods,
    own_questions_list,
    period_options,
    questions_state,
)
from layouts.meetings import meeting_status_badge

# The question ids a browser remembers having said "me too" to (its latest votes).
MY_VOTES_KEPT = 500
# ... and the ids of the questions it asked (services/own_questions.py reads the latest).
MY_QUESTIONS_KEPT = 50


def choose_flag(measure_slug, _clicks, _month_clicks, current_period):
    """Keep the measure and period pickers and the hint in step with each other, with chart
    clicks and with the "now discussing" measure's month buttons."""
    period = current_period if isinstance(current_period, str) else LATEST_PERIOD
    triggered = ctx.triggered_id
    if isinstance(triggered, dict) and triggered.get("type") == ids.MEETING_CHART:
        clicked = clicked_period(ctx.triggered[0]["value"])
        if not clicked:
            return no_update, no_update, no_update, no_update
        measure_slug, period = triggered.get("slug"), clicked
    elif isinstance(triggered, dict) and triggered.get("type") == ids.FLAG_MONTH:
        # A button newly drawn also "triggers" with no clicks; only a real tap flags.
        if not any(t["value"] for t in ctx.triggered):
            return no_update, no_update, no_update, no_update
        measure_slug, period = triggered.get("measure"), triggered.get("period")
        if not isinstance(period, str):
            return no_update, no_update, no_update, no_update
    nothing = NO_MEASURE, no_periods(), LATEST_PERIOD, ""
    if not measure_slug or measure_slug == NO_MEASURE:
        return nothing
    try:
        measure = measures.get_measure(db.session, measure_slug)
    except measures.UnknownMeasure:
        return nothing
    points = measures.observation_points(measure)
    if triggered == ids.ASK_MEASURE or period not in {p["period"] for p in points}:
        period = LATEST_PERIOD
    hint = (_("Flagged: {measure}, {period}.", measure=measure.name,
              period=period_label(period)) if period != LATEST_PERIOD
            else _("Flagged: {measure}, its latest value ({period}). Pick a month to flag "
                   "another.", measure=measure.name, period=period_label(points[-1]["period"]))
            if points else _("Flagged: {measure}.", measure=measure.name))
    return measure_slug, period_options(points, measure.unit, measure.kind), period, hint


def _sent_words(question) -> str:
    flag = question.flag_snapshot
    text = shorten(question.text, 120)
    if flag:
        return _("Sent: “{text}”, flagging {measure}, {period}.", text=text,
                 measure=say(flag["measure_name"]), period=period_label(flag["period"]))
    return _("Sent: “{text}”.", text=text)


def remember_question(known, question_id: int) -> list[int]:
    kept = [v for v in (known or []) if isinstance(v, int) and v != question_id]
    return (kept + [question_id])[-MY_QUESTIONS_KEPT:]


def submit(_clicks, text, display_name, measure_slug, period, meeting_id, my_questions):
    """Ask through the same service as the API; say what was sent, and clear the text and the
    flag so the next question does not carry this one's statistic unawares.

    The browser is recognised by the signed id in its cookie (kcstat_dash/web/browser_ids.py).
    """
    unchanged = (no_update,) * 3
    try:
        question = asking.ask(meeting_id=meeting_id,
                              text=text, display_name=display_name,
                              measure=None if measure_slug in (None, "", NO_MEASURE)
                              else measure_slug,
                              period=None if period in (None, "", LATEST_PERIOD) else period)
    except DomainError as rejected:
        return (html.Div(message_for(rejected), className="alert alert-danger ask-error"),
                *unchanged)
    if is_public(question.status):
        message = _("Thank you. Your question is on the feed.")
    elif question.held_reason:
        message = _("Thank you. Your question is waiting for a moderator, who will check its "
                    "wording before it is shown.")
    else:
        message = _("Thank you. Your question will appear once a moderator approves it.")
    return (html.Div([html.P(_sent_words(question), className="mb-1 ask-sent-what"),
                      html.P(message, className="mb-0")],
                     className="alert alert-success ask-sent"),
            "", NO_MEASURE, remember_question(my_questions, question.id))


def meeting_state(state, meeting_id):
    """Redraw the form, the status badge and the open/closed note when the poll brings a new
    state: the state is read again here, never taken from the browser."""
    try:
        data = page_data.ask_form(db.session, record_id(meeting_id))
    except (MeetingNotFound, TypeError):
        return no_update, no_update, no_update, no_update
    summary = data["meeting"]
    return (ask_form_body(summary, data["measures"], hint=FLAG_HINT, room=data["room"]),
            meeting_status_badge(summary),
            questions_state(summary["open_for_questions"]),
            summary["status"] == MeetingStatus.ENDED)


def my_questions(known, _ticks, _withdraw_clicks, meeting_id, meeting_state):
    """This browser's questions at this meeting with their status; a tap on "Withdraw"
    withdraws one (only the browser that asked it can: asking.withdraw checks). The list is
    asked for again while one of them awaits a decision or an answer and the meeting runs."""
    message = None
    triggered = ctx.triggered_id
    if isinstance(triggered, dict) and triggered.get("type") == ids.WITHDRAW:
        if not any(t["value"] for t in ctx.triggered):
            return no_update, no_update
        try:
            asking.withdraw(triggered.get("id"))
            message = _("Your question was withdrawn.")
        except DomainError as refused:
            message = message_for(refused)
    own = asking.own(known, meeting_id)
    ended = isinstance(meeting_state, dict) and meeting_state.get("status") == MeetingStatus.ENDED
    follow = any(q["awaiting"] for q in own) and not ended
    return own_questions_list(own, message), not follow


def vote(_clicks, my_votes):
    """Count a "me too"; the browser remembers its votes to mark them on every feed it shows."""
    triggered = ctx.triggered_id
    if not isinstance(triggered, dict) or not ctx.triggered[0]["value"]:
        return no_update, no_update
    question_id = record_id(triggered.get("id"))
    if question_id is None:
        return _(questions.NOT_PUBLIC_MESSAGE), no_update
    try:
        _count, added = asking.upvote(question_id)
    except DomainError as rejected:
        return message_for(rejected), no_update
    # A change of this store makes the page fetch the feed (assets/meeting_live.js).
    kept = [v for v in (my_votes or []) if isinstance(v, int) and v != question_id]
    remembered = (kept + [question_id])[-MY_VOTES_KEPT:]
    return (_("Your “me too” is counted.") if added else _("You already said “me too”.")), \
        remembered


def register(app: dash.Dash) -> None:
    # The poll brings the rebuilt feed itself when the version changed
    # (kcstat_dash/web/live_feed/poll.py);
    # it sets the feed, its summary and the version with set_props when the answer arrives.
    app.clientside_callback(
        ClientsideFunction(namespace="kcstat", function_name="pollFeed"),
        Output(ids.FEED_VERSION, "data"),
        Input(ids.FEED_POLL, "n_intervals"), Input(ids.FEED_ORDER, "value"),
        Input(ids.MY_VOTES, "data"),
        State(ids.MEETING_ID, "data"), State(ids.FEED_VERSION, "data"),
        State(ids.MEETING_STATE, "data"),
    )
    app.callback(
        Output(ids.ASK_MEASURE, "value"), Output(ids.ASK_PERIOD, "options"),
        Output(ids.ASK_PERIOD, "value"), Output(ids.FLAG_HINT, "children"),
        Input(ids.ASK_MEASURE, "value"),
        Input(ids.meeting_chart(ALL), "clickData"),
        Input(ids.flag_month(ALL, ALL), "n_clicks"),
        Input(ids.ASK_PERIOD, "value"),
        prevent_initial_call=True,
    )(choose_flag)
    app.clientside_callback(
        ClientsideFunction(namespace="kcstat", function_name="focusAskForm"),
        Output(ids.FLAG_FOCUS, "data"),
        Input(ids.meeting_chart(ALL), "clickData"),
        prevent_initial_call=True,
    )
    app.callback(
        Output(ids.ASK_STATUS, "children"), Output(ids.ASK_TEXT, "value"),
        Output(ids.ASK_MEASURE, "value", allow_duplicate=True),
        Output(ids.MY_QUESTIONS, "data"),
        Input(ids.ASK_SUBMIT, "n_clicks"),
        State(ids.ASK_TEXT, "value"), State(ids.ASK_NAME, "value"), State(ids.ASK_MEASURE, "value"),
        State(ids.ASK_PERIOD, "value"), State(ids.MEETING_ID, "data"),
        State(ids.MY_QUESTIONS, "data"),
        prevent_initial_call=True,
    )(submit)
    app.callback(
        Output(ids.ASK_REGION, "children"), Output(ids.MEETING_BADGE, "children"),
        Output(ids.QUESTIONS_STATE, "children"), Output(ids.FEED_POLL, "disabled"),
        Input(ids.MEETING_STATE, "data"), State(ids.MEETING_ID, "data"),
        prevent_initial_call=True,
    )(meeting_state)
    app.callback(
        Output(ids.MY_QUESTIONS_LIST, "children"), Output(ids.MY_QUESTIONS_POLL, "disabled"),
        # Not on every feed version (each "me too" moves it, for every attendee at once): the
        # list is read when this browser asks or withdraws, and while one of its questions
        # awaits a moderator or an answer, every few seconds until the meeting ends. A browser
        # that has asked nothing sends nothing.
        Input(ids.MY_QUESTIONS, "data"), Input(ids.MY_QUESTIONS_POLL, "n_intervals"),
        Input(ids.withdraw_button(ALL), "n_clicks"),
        State(ids.MEETING_ID, "data"), State(ids.MEETING_STATE, "data"),
        prevent_initial_call=True,
    )(my_questions)
    app.callback(
        Output(ids.VOTE_STATUS, "children"), Output(ids.MY_VOTES, "data"),
        Input(ids.upvote_button(ALL), "n_clicks"),
        State(ids.MY_VOTES, "data"),
        prevent_initial_call=True,
    )(vote)

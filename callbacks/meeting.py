"""The meeting page: ask a question, flag a statistic from a chart, vote, and follow the feed."""

from __future__ import annotations

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, html, no_update

from callbacks.errors import DomainError, message_for
from kcstat_dash.services import measures, questions
from kcstat_dash.services.formatting import period_label
from kcstat_dash.services.public_input import record_id
from kcstat_dash.services.question_status import is_public
from kcstat_dash.web import asking
from kcstat_dash.web.extensions import db
from layouts.charts import clicked_period
from layouts.meeting import LATEST_PERIOD, NO_MEASURE, NO_PERIODS, period_options

# The question ids a browser remembers having said "me too" to (its latest votes).
MY_VOTES_KEPT = 500


def choose_flag(measure_slug, _clicks, current_period):
    """Keep the measure and period pickers in step with each other and with chart clicks."""
    period = current_period if isinstance(current_period, str) else LATEST_PERIOD
    triggered = ctx.triggered_id
    if isinstance(triggered, dict) and triggered.get("type") == "meeting-chart":
        clicked = clicked_period(ctx.triggered[0]["value"])
        if not clicked:
            return no_update, no_update, no_update, no_update
        measure_slug, period = triggered.get("slug"), clicked
    nothing = NO_MEASURE, NO_PERIODS, LATEST_PERIOD, ""
    if not measure_slug or measure_slug == NO_MEASURE:
        return nothing
    try:
        measure = measures.get_measure(db.session, measure_slug)
    except measures.UnknownMeasure:
        return nothing
    points = measures.observation_points(measure)
    if triggered == "ask-measure" or period not in {p["period"] for p in points}:
        period = LATEST_PERIOD
    hint = (f"Flagged: {measure.name}, {period_label(period)}." if period != LATEST_PERIOD
            else f"Flagged: {measure.name}, its latest value. Pick a period to flag another.")
    return measure_slug, period_options(points, measure.unit, measure.kind), period, hint


def submit(_clicks, text, display_name, measure_slug, period, meeting_id):
    """Ask through the same service as the API; show what happened in the status region.

    The browser is recognised by the signed id in its cookie (kcstat_dash/web/browser_ids.py).
    """
    try:
        question = asking.ask(meeting_id=meeting_id,
                              text=text, display_name=display_name,
                              measure=None if measure_slug in (None, "", NO_MEASURE)
                              else measure_slug,
                              period=None if period in (None, "", LATEST_PERIOD) else period)
    except DomainError as rejected:
        return html.Div(message_for(rejected), className="alert alert-danger ask-error"), no_update
    if is_public(question.status):
        message = "Thank you. Your question is on the feed."
    elif question.held_reason:
        message = ("Thank you. Your question is waiting for a moderator, who will check its "
                   "wording before it is shown.")
    else:
        message = "Thank you. Your question will appear once a moderator approves it."
    return html.Div(message, className="alert alert-success ask-sent"), ""


def vote(_clicks, my_votes):
    """Count a "me too"; the browser remembers its votes to mark them on every feed it shows."""
    triggered = ctx.triggered_id
    if not isinstance(triggered, dict) or not ctx.triggered[0]["value"]:
        return no_update, no_update
    question_id = record_id(triggered.get("id"))
    if question_id is None:
        return questions.NOT_PUBLIC_MESSAGE, no_update
    try:
        _count, added = asking.upvote(question_id)
    except DomainError as rejected:
        return message_for(rejected), no_update
    # A change of this store makes the page fetch the feed (assets/meeting_live.js).
    kept = [v for v in (my_votes or []) if isinstance(v, int) and v != question_id]
    remembered = (kept + [question_id])[-MY_VOTES_KEPT:]
    return ("Your “me too” is counted." if added else "You already said “me too”."), remembered


def register(app: dash.Dash) -> None:
    # The poll brings the rebuilt feed itself when the version changed
    # (kcstat_dash/web/live_feed/poll.py);
    # it sets the feed, its summary and the version with set_props when the answer arrives.
    app.clientside_callback(
        ClientsideFunction(namespace="kcstat", function_name="pollFeed"),
        Output("feed-version", "data"),
        Input("feed-poll", "n_intervals"), Input("feed-order", "value"),
        Input("my-votes", "data"),
        State("meeting-id", "data"), State("feed-version", "data"),
    )
    app.callback(
        Output("ask-measure", "value"), Output("ask-period", "options"),
        Output("ask-period", "value"), Output("flag-hint", "children"),
        Input("ask-measure", "value"),
        Input({"type": "meeting-chart", "slug": ALL}, "clickData"),
        State("ask-period", "value"),
        prevent_initial_call=True,
    )(choose_flag)
    app.clientside_callback(
        ClientsideFunction(namespace="kcstat", function_name="focusAskForm"),
        Output("flag-focus", "data"),
        Input({"type": "meeting-chart", "slug": ALL}, "clickData"),
        prevent_initial_call=True,
    )
    app.callback(
        Output("ask-status", "children"), Output("ask-text", "value"),
        Input("ask-submit", "n_clicks"),
        State("ask-text", "value"), State("ask-name", "value"), State("ask-measure", "value"),
        State("ask-period", "value"), State("meeting-id", "data"),
        prevent_initial_call=True,
    )(submit)
    app.callback(
        Output("vote-status", "children"), Output("my-votes", "data"),
        Input({"type": "upvote", "id": ALL}, "n_clicks"),
        State("my-votes", "data"),
        prevent_initial_call=True,
    )(vote)

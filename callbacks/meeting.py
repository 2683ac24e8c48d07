"""The meeting page: ask a question, flag a statistic from a chart, vote, and follow the feed."""

from __future__ import annotations

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, html, no_update
from dash.exceptions import MissingCallbackContextException

from callbacks.rendered_feeds import rendered_feed
from kcstat_dash import web_asking
from kcstat_dash.extensions import db
from kcstat_dash.models import Question
from kcstat_dash.services import feed_version, measures, questions
from kcstat_dash.services.formatting import period_label
from kcstat_dash.services.meetings import MeetingNotFound
from layouts.meeting import LATEST_PERIOD, NO_MEASURE, NO_PERIODS, period_options
from layouts.qa_feed import feed_items


def _page_load() -> bool:
    """Whether this is the call Dash makes when the page appears (nothing was triggered)."""
    try:
        return ctx.triggered_id is None
    except MissingCallbackContextException:  # called as a plain function
        return False


def render_feed(version, order, meeting_id, browser_id):
    """Rebuild the feed: runs only when the version changed (or the reader changed the order)."""
    if not meeting_id:
        return no_update, no_update
    if _page_load() and not web_asking.valid_browser_id(browser_id):
        # The page arrived with the feed already rendered; a browser that never voted has
        # nothing to mark, so its first load costs the server nothing more.
        return no_update, no_update
    order = order if order in questions.FEED_ORDERS else "newest"
    try:
        # Built once per feed version and shared by every browser (see rendered_feeds.py).
        rendered = rendered_feed(db.session, int(meeting_id), order)
    except MeetingNotFound:
        return [], "This meeting no longer exists."
    voted = questions.voted_ids(db.session, web_asking.voter_key(browser_id),
                                rendered.question_ids)
    if voted:  # this browser's own votes are marked on its own copy
        return feed_items(rendered.feed, voted), rendered.summary
    return rendered.children, rendered.summary


def choose_flag(measure_slug, _clicks, current_period):
    """Keep the measure and period pickers in step with each other and with chart clicks."""
    period = current_period or LATEST_PERIOD
    triggered = ctx.triggered_id
    if isinstance(triggered, dict) and triggered.get("type") == "meeting-chart":
        click = ctx.triggered[0]["value"] or {}
        point = (click.get("points") or [{}])[0]
        clicked = point.get("customdata") or point.get("x")
        if not clicked:
            return no_update, no_update, no_update, no_update
        measure_slug, period = triggered["slug"], str(clicked)
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
    return measure_slug, period_options(points, measure.unit), period, hint


def submit(_clicks, text, display_name, measure_slug, period, meeting_id, browser_id):
    """Ask through the same service as the API; show what happened in the status region."""
    try:
        question = web_asking.ask(db.session, browser_id=browser_id, meeting_id=meeting_id,
                                  text=text, display_name=display_name,
                                  measure=None if measure_slug in (None, "", NO_MEASURE)
                                  else measure_slug,
                                  period=None if period in (None, "", LATEST_PERIOD) else period)
    except questions.QuestionRejected as rejected:
        return html.Div(rejected.message, className="alert alert-danger ask-error"), no_update
    if question.status in questions.PUBLIC_STATUSES:
        message = "Thank you. Your question is on the feed."
    elif question.held_reason:
        message = ("Thank you. Your question is waiting for a moderator, who will check its "
                   "wording before it is shown.")
    else:
        message = "Thank you. Your question will appear once a moderator approves it."
    return html.Div(message, className="alert alert-success ask-sent"), ""


def vote(_clicks, browser_id):
    triggered = ctx.triggered_id
    if not isinstance(triggered, dict) or not ctx.triggered[0]["value"]:
        return no_update, no_update
    try:
        _count, added = web_asking.upvote(db.session, int(triggered["id"]), browser_id)
    except questions.QuestionRejected as rejected:
        return rejected.message, no_update
    question = db.session.get(Question, int(triggered["id"]))
    version = feed_version.current(db.session, question.meeting_id)
    return ("Your “me too” is counted." if added else "You already said “me too”."), version


def register(app: dash.Dash) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="kcstat", function_name="pollFeedVersion"),
        Output("feed-version", "data"),
        Input("feed-poll", "n_intervals"),
        State("meeting-id", "data"),
        State("feed-version", "data"),
    )
    app.callback(
        Output("feed", "children"), Output("feed-summary", "children"),
        Input("feed-version", "data"), Input("feed-order", "value"),
        State("meeting-id", "data"), State("browser-id", "data"),
    )(render_feed)
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
        State("ask-period", "value"), State("meeting-id", "data"), State("browser-id", "data"),
        prevent_initial_call=True,
    )(submit)
    app.callback(
        Output("vote-status", "children"),
        Output("feed-version", "data", allow_duplicate=True),
        Input({"type": "upvote", "id": ALL}, "n_clicks"),
        State("browser-id", "data"),
        prevent_initial_call=True,
    )(vote)

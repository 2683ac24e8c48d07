"""The projector view follows the feed like the meeting page: it re-renders on a new version."""

from __future__ import annotations

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, no_update

from kcstat_dash.services.meeting_page import meeting_page
from kcstat_dash.services.meetings import MeetingNotFound
from kcstat_dash.services.public_input import record_id
from kcstat_dash.services.questions import public_feed
from kcstat_dash.web.extensions import db
from layouts.ids import projector as ids
from layouts.projector import PROJECTOR_QUESTIONS, projector_body


def render(_version, meeting_id):
    meeting_id = record_id(meeting_id)
    if meeting_id is None:
        return no_update
    try:
        data = meeting_page(db.session, meeting_id)
    except MeetingNotFound:
        return no_update
    feed = public_feed(db.session, meeting_id, order="top", limit=PROJECTOR_QUESTIONS)
    return projector_body(data, feed)


def register(app: dash.Dash) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="kcstat", function_name="pollFeedVersion"),
        Output(ids.VERSION, "data"),
        Input(ids.POLL, "n_intervals"),
        State(ids.MEETING_ID, "data"),
        State(ids.VERSION, "data"),
    )
    # Every few seconds the next page of questions (layouts/projector.py draws them all).
    app.clientside_callback(
        ClientsideFunction(namespace="kcstat", function_name="rotateProjector"),
        Output(ids.page(ALL), "hidden"),
        Output(ids.PAGE_NOTE, "children"),
        Input(ids.ROTATE, "n_intervals"),
        State(ids.page(ALL), "id"),
        prevent_initial_call=True,
    )
    app.callback(
        Output(ids.BODY, "children"),
        Input(ids.VERSION, "data"),
        State(ids.MEETING_ID, "data"),
        prevent_initial_call=True,
    )(render)

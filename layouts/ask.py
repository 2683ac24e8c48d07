"""The page for asking from a phone: the form and the live feed, with no chart on it.

The meeting page draws its measures with plotly, which alone is over a megabyte on the wire;
a resident in the room on a phone needs only to ask, flag a statistic from a list, and follow
the answers. Nothing here renders a ``dcc.Graph``, so Dash never loads plotly.js for it.
"""

from __future__ import annotations

import dash
from dash import html

from kcstat_dash.services import questions
from kcstat_dash.services.meeting_page import ask_page
from kcstat_dash.web.extensions import db
from layouts.meeting import ask_form, feed_section, meeting_heading
from layouts.meetings import meeting_in_path, meeting_not_found

FLAG_HINT = "Pick the measure and the month your question is about."


def header(summary: dict) -> html.Div:
    links = [html.A("See the measures with their charts", href=f"/meetings/{summary['id']}")]
    if summary["livestream_url"] and summary["status"] != "ended":
        links.insert(0, html.A("Watch the livestream", href=summary["livestream_url"]))
    return meeting_heading(summary, links)


def layout(meeting_id: str | None = None, **_query) -> html.Div:
    data = meeting_in_path(ask_page, meeting_id)
    if data is None:
        return meeting_not_found()
    summary = data["meeting"]
    feed = questions.public_feed(db.session, summary["id"])
    return html.Div([header(summary), ask_form(summary, data["measures"], hint=FLAG_HINT),
                     feed_section(summary, feed)], className="ask-page")


def register() -> None:
    # Ahead of "/meetings/<meeting_id>", which Dash Pages would otherwise match first.
    dash.register_page(__name__, path_template="/meetings/<meeting_id>/ask", name="Ask",
                       title="KCStat Dash — Ask a question", layout=layout, order=0)

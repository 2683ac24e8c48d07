"""The projector view for the meeting room: the measure under discussion and the questions."""

from __future__ import annotations

import dash
from dash import dcc, html

from layouts.components import (
    first_coverage,
    headline_facts,
    headline_value,
    partial_line,
    period_text,
    scope_notice,
    stale_alert,
    status_badge,
    target_text,
)
from layouts.measure import chart_summary
from layouts.meeting import POLL_MILLISECONDS, meeting_chart
from layouts.meetings import meeting_not_found
from layouts.qa_feed import feed_items

PROJECTOR_QUESTIONS = 6


def discussing_panel(detail: dict | None) -> html.Section:
    if detail is None:
        return html.Section(html.P("No measure is being discussed yet.", className="lead"),
                            className="projector-measure")
    unit = detail["unit"]
    return html.Section([
        html.P("Now discussing", className="eyebrow"),
        html.H2(detail["name"], className="projector-measure-name"),
        html.P([headline_value(detail, "big-number"),
                f" in {period_text(detail['latest_period'])} ", status_badge(detail["status"])],
               className="mb-1"),
        html.P(headline_facts(detail), className="headline-facts"),
        html.P(target_text(detail["target"], unit, detail["direction"])),
        partial_line(detail, "partial-month"),
        meeting_chart(detail, height=420, static=True)
        if detail["observations"] else None,
        # The chart's text alternative, for a screen reader following the meeting remotely.
        html.P(chart_summary(detail), className="visually-hidden chart-summary")
        if detail["observations"] else None,
    ], className="projector-measure")


def projector_questions(feed: dict) -> list:
    if not feed["questions"]:
        return [html.P("Questions will appear here once a moderator approves them.",
                       className="lead")]
    return [html.Ol(feed_items(feed, set(), with_votes=False),
                    className="feed projector-feed list-unstyled")]


def projector_body(data: dict, feed: dict) -> list:
    """Both panels; re-rendered whole whenever the feed's version changes."""
    discussing = next((d for d in data["measures"] if d["now_discussing"]), None)
    return [
        html.Div(discussing_panel(discussing), className="projector-left"),
        html.Section([html.H2("Questions", className="projector-heading"),
                      *projector_questions(feed)], className="projector-right"),
    ]


def render(data: dict | None) -> html.Div:
    """The page from ``services.page_data.meeting_view`` with the top ``PROJECTOR_QUESTIONS``
    (None: no such meeting)."""
    if data is None:
        return meeting_not_found()
    summary = data["meeting"]
    feed = data["feed"]
    return html.Div([
        html.H1(summary["title"], className="projector-title"),
        stale_alert(data["data_freshness"]),
        scope_notice(first_coverage(data["measures"])),
        html.Div(projector_body(data, feed), id="projector-body", className="projector-body"),
        dcc.Store(id="projector-meeting-id", data=summary["id"]),
        dcc.Store(id="projector-version", data=summary["feed_version"]),
        dcc.Interval(id="projector-poll", interval=POLL_MILLISECONDS,
                     disabled=summary["status"] == "ended"),
    ], className="projector-view")


def register(layout) -> None:
    """Register the page; ``layout`` (callbacks/pages.py) loads its data and calls render."""
    # Dash Pages matches templates in registry order and "/meetings/<meeting_id>" would also
    # match this path; an explicit order puts this page ahead of the meeting page.
    dash.register_page(__name__, path_template="/meetings/<meeting_id>/projector",
                       name="Projector", title="KCStat Dash — Projector", layout=layout, order=0)

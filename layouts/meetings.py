"""The schedule page: the live meeting, the year ahead, the archive, and the calendar feed."""

from __future__ import annotations

from datetime import datetime

import dash
import dash_bootstrap_components as dbc
from dash import html

from kcstat_dash.i18n import N_, _
from kcstat_dash.services.formatting import moment_label
from layouts.components import empty_state, in_english

STATUS_TEXT = {"scheduled": N_("Scheduled"), "live": N_("Live now"), "ended": N_("Ended")}


def when(summary: dict) -> html.Time:
    starts = datetime.fromisoformat(summary["starts_at"])
    return html.Time(moment_label(starts), dateTime=summary["starts_at"])


def ask_path(meeting_id: int) -> str:
    """The chart-free page for asking from a phone (layouts/ask.py)."""
    return f"/meetings/{meeting_id}/ask"


def meeting_not_found() -> html.Div:
    return empty_state(_("Meeting not found"), _("There is no meeting at this address."),
                       html.A(_("See the meeting schedule"), href="/meetings"))


def meeting_status_badge(summary: dict) -> dbc.Badge:
    colour = {"live": "danger", "scheduled": "secondary", "ended": "dark"}[summary["status"]]
    symbol = {"live": "●", "scheduled": "○", "ended": "■"}[summary["status"]]
    return dbc.Badge([html.Span(symbol, **{"aria-hidden": "true"}), " ",
                      _(STATUS_TEXT[summary["status"]])], color=colour,
                     className=f"meeting-status meeting-{summary['status']}")


def live_card(summary: dict) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H3(html.A(in_english(summary["title"]), href=f"/meetings/{summary['id']}"),
                className="h5"),
        html.P([meeting_status_badge(summary), " " + _("Started") + " ", when(summary)]),
        html.P(_("Questions are open: look at the numbers, flag one and ask about it.")
               if summary["open_for_questions"] else _("Questions are closed.")),
        dbc.Button(_("Ask a question"), href=ask_path(summary["id"]), color="primary",
                   className="me-2"),
        html.A(_("Follow with the charts"), href=f"/meetings/{summary['id']}"),
    ]), className="live-meeting mb-4")


def schedule_table(rows: list[dict], caption: str) -> dbc.Table:
    return dbc.Table([
        html.Caption(caption, className="visually-hidden"),
        html.Thead(html.Tr([html.Th(_("Date and time (Kansas City)"), scope="col"),
                            html.Th(_("Meeting"), scope="col"),
                            html.Th(_("Status"), scope="col")])),
        html.Tbody([html.Tr([
            html.Td(when(m)),
            html.Td(html.A(in_english(m["title"]), href=f"/meetings/{m['id']}")),
            html.Td(meeting_status_badge(m)),
        ]) for m in rows]),
    ], responsive=True, className="schedule-table align-middle")


def render(lists: dict[str, list[dict]]) -> html.Div:
    """The page from ``services.page_data.meetings_page``."""
    sections: list = [
        html.H1(_("KCStat meetings")),
        html.P([_("Each month the city reviews one goal area's measures in public. Residents "
                  "ask questions here, in the room or online.") + " ",
                html.A(_("Subscribe to the schedule (iCalendar)"), href="/meetings.ics",
                       className="ical-link")], className="lead"),
    ]
    if lists["live"]:
        sections += [html.H2(_("Live now"), className="h4"),
                     *[live_card(m) for m in lists["live"]]]
    sections.append(html.H2(_("Upcoming meetings"), className="h4"))
    sections.append(schedule_table(lists["upcoming"], _("Upcoming meetings"))
                    if lists["upcoming"] else html.P(_("No meetings are scheduled yet.")))
    sections.append(html.H2(_("Archive"), className="h4 mt-4"))
    sections.append(schedule_table(lists["past"], _("Past meetings")) if lists["past"] else html.P(
        _("Past meetings and their questions and answers will be kept here.")))
    return html.Div(sections, className="meetings-page")


def register(layout) -> None:
    """Register the page; ``layout`` (callbacks/pages.py) loads its data and calls render."""
    dash.register_page(__name__, path="/meetings", name="Meetings", title=title,
                       layout=layout)


def title(**_query) -> str:
    """The tab's title, in the request's language (Dash calls it per page load)."""
    return _("KCStat Dash — Meetings")

"""The banner the home and area pages lead with while a meeting is live or about to start:
one tap from either page to the form for asking."""

from __future__ import annotations

from dash import html

from kcstat_dash.i18n import _
from layouts.components import in_english
from layouts.ids import live_banner as ids
from layouts.meetings import ask_path, meeting_status_badge, when


def banner_item(summary: dict) -> html.Div:
    live = summary["status"] == "live"
    # A meeting's title is the city's own words (English), marked so on other languages' pages.
    title = html.Strong(in_english(summary["title"]))
    lead = ([meeting_status_badge(summary), " ", title] if live else
            [title, " " + _("starts at") + " ", when(summary),
             " " + _("(Kansas City time)")])
    where = summary.get("location")
    actions: list = []
    if summary["open_for_questions"]:
        actions.append(html.A(_("Ask a question"), href=ask_path(summary["id"]),
                              className="btn btn-primary btn-lg live-banner-ask me-3"))
    actions.append(html.A(_("Follow the meeting") if live else _("See the meeting"),
                          href=f"/meetings/{summary['id']}", className="live-banner-follow"))
    return html.Div([
        html.P(lead + ([html.Span(f" · {where}", className="live-banner-where")] if where
                       else []), className="mb-2"),
        html.P(_("Questions are open: ask about the numbers, in the room or from anywhere.")
               if summary["open_for_questions"] else
               _("Questions open when the meeting starts.") if not live else
               _("Questions are closed."), className="mb-2 small"),
        html.Div(actions, className="d-flex align-items-center flex-wrap"),
    ], className="live-banner-item")


def live_banner(meetings: list[dict] | None) -> html.Section | None:
    """``meetings``: ``services.meetings.happening_now`` (live first); nothing when empty."""
    if not meetings:
        return None
    heading = (_("A KCStat meeting is live now") if meetings[0]["status"] == "live"
               else _("A KCStat meeting starts soon"))
    return html.Section([html.H2(heading, className="h5 live-banner-heading", id=ids.HEADING),
                         *[banner_item(m) for m in meetings]],
                        className="live-banner mb-4", **{"aria-labelledby": ids.HEADING})

"""The page for asking from a phone: the form and the live feed, with no chart on it.

The meeting page draws its measures with plotly, which alone is over a megabyte on the wire;
a resident in the room on a phone needs only to ask, flag a statistic from a list, and follow
the answers. Nothing here renders a ``dcc.Graph``, so Dash never loads plotly.js for it.
"""

from __future__ import annotations

import dash
from dash import html

from kcstat_dash.i18n import N_, _
from layouts.ids import meeting as ids
from layouts.ids import script_ids
from layouts.meeting import ask_form, feed_section, meeting_heading
from layouts.meetings import meeting_not_found

# English, marked: the form says it in the page's language (layouts/meeting.py).
FLAG_HINT = N_("Pick the measure and the month your question is about.")


def header(summary: dict) -> html.Div:
    links = [html.A(_("See the measures with their charts"),
                    href=f"/meetings/{summary['id']}")]
    if summary["livestream_url"] and summary["status"] != "ended":
        links.insert(0, html.A(_("Watch the livestream"), href=summary["livestream_url"]))
    return meeting_heading(summary, links)


def render(data: dict | None) -> html.Div:
    """The page from ``services.page_data.ask_view`` (None: no such meeting)."""
    if data is None:
        return meeting_not_found()
    summary = data["meeting"]
    feed = data["feed"]
    room = data.get("room")
    return html.Div([header(summary),
                     ask_form(summary, data["measures"], hint=FLAG_HINT, room=room),
                     feed_section(summary, feed, room)], className="ask-page",
                    **script_ids("meeting", ids.FOR_SCRIPT))


def register(layout) -> None:
    """Register the page; ``layout`` (callbacks/pages.py) loads its data and calls render."""
    # Ahead of "/meetings/<meeting_id>", which Dash Pages would otherwise match first.
    dash.register_page(__name__, path_template="/meetings/<meeting_id>/ask", name="Ask",
                       title=title, layout=layout, order=0)


def title(meeting_id: str | None = None, **_query) -> str:
    return _("KCStat Dash — Ask a question")

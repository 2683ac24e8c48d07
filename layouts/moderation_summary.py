"""A meeting's public moderation record: how many questions had each outcome, and why."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from kcstat_dash.i18n import N_, _
from kcstat_dash.services import moderation
from kcstat_dash.services.formatting import number
from kcstat_dash.services.question_status import QuestionStatus
from layouts.components import empty_state, in_english

OUTCOME_LABELS = {QuestionStatus.PENDING: N_("Waiting for a moderator"),
                  QuestionStatus.APPROVED: N_("Published"), QuestionStatus.ANSWERED: N_("Answered"),
                  QuestionStatus.HIDDEN: N_("Hidden after publishing"),
                  QuestionStatus.REJECTED: N_("Not published"),
                  QuestionStatus.MERGED: N_("Merged into a similar question"),
                  QuestionStatus.WITHDRAWN: N_("Withdrawn by the asker")}


def counts_table(caption: str, heading: str, rows: list[tuple[str, int]]) -> dbc.Table:
    return dbc.Table([
        html.Caption(caption),
        html.Thead(html.Tr([html.Th(heading, scope="col"),
                            html.Th(_("Questions"), scope="col")])),
        html.Tbody([html.Tr([html.Td(label), html.Td(number(count), className="num")])
                    for label, count in rows]),
    ], size="sm", className="moderation-counts")


def render(summary: dict | None, meeting_id: str | None = None) -> html.Div:
    """The page from ``services.page_data.moderation_summary_page`` (None: no meeting at
    ``meeting_id``)."""
    if summary is None:
        return empty_state(_("Meeting not found"),
                           _("No meeting is published as “{meeting_id}”.", meeting_id=meeting_id),
                           html.A(_("See all meetings"), href="/meetings"))
    outcomes = [(_(OUTCOME_LABELS[s]), n) for s, n in summary["outcomes"].items()]
    reasons = [(_(moderation.REJECT_REASONS[c]), n)
               for c, n in summary["reject_reasons"].items()]
    return html.Div([
        html.P(html.A(in_english(summary["title"]), href=f"/meetings/{summary['meeting_id']}"),
               className="eyebrow"),
        html.H1(_("How questions were moderated")),
        html.P(_("Questions received for this meeting from every channel: {total}. Moderators "
                 "publish questions about the city's services and measures; the reasons for "
                 "not publishing are counted here, without the questions' text.",
                 total=number(summary["total"]))),
        counts_table(_("Every question by its outcome"), _("Outcome"), outcomes),
        counts_table(_("Questions not published, by reason"), _("Reason"), reasons),
        html.P(html.A(_("Download as JSON"),
                      href=f"/api/meetings/{summary['meeting_id']}/moderation-summary"),
               className="small"),
    ], className="moderation-summary")


def title(meeting_id: str | None = None, **_query) -> str:
    return _("KCStat Dash — Moderation summary")


def register(layout) -> None:
    """Register the page; ``layout`` (callbacks/pages.py) loads its data and calls render."""
    # order=0: Dash tries path templates in order, and the meeting page's "/meetings/<id>"
    # would also match "/meetings/5/moderation" (as the projector page found too).
    dash.register_page(__name__, path_template="/meetings/<meeting_id>/moderation",
                       name="Moderation summary", title=title, layout=layout, order=0)

"""The public Q&A feed's pieces, built from plain question data; every user string is text."""

from __future__ import annotations

from datetime import datetime

import dash_bootstrap_components as dbc
from dash import html

from kcstat_dash.i18n import N_plural, _, ngettext
from kcstat_dash.services.formatting import clock_label, format_value, number, period_label
from kcstat_dash.services.measure_words import say
from kcstat_dash.services.meetings import safe_url
from kcstat_dash.services.question_status import QuestionStatus
from layouts.citing import cite_flag_button
from layouts.components import status_badge
from layouts.ids import meeting as ids

# How many questions the feed has, and in which order it shows them: whole sentences per
# order (the count decides the plural form in each language).
SUMMARIES = {
    "newest": N_plural("{count} question, newest first.", "{count} questions, newest first."),
    "top": N_plural("{count} question, most upvoted first.",
                    "{count} questions, most upvoted first."),
}
SHOWING = {
    "newest": N_plural("{count} question; showing the {shown} newest first.",
                       "{count} questions; showing the {shown} newest first."),
    "top": N_plural("{count} question; showing the {shown} most upvoted first.",
                    "{count} questions; showing the {shown} most upvoted first."),
}


def local_time(iso: str) -> html.Time:
    """The time of day it was asked, on Kansas City's clocks, the page language's way."""
    moment = datetime.fromisoformat(iso)
    return html.Time(clock_label(moment), dateTime=iso)


def flag_line(flag: dict | None, question_id: int | None = None) -> html.P | None:
    """The statistic the resident flagged, as it stood when they asked (citable if an id)."""
    if not flag:
        return None
    unit = flag.get("unit", "count")
    return html.P([
        html.Span(_("Flagged:") + " ", className="fw-semibold"),
        html.A(say(flag["measure_name"]), href=f"/measures/{flag['measure']}"),
        _(", {period}: {value}", period=period_label(flag["period"]),
          value=format_value(flag["value"], unit)) + " ",
        status_badge(flag["status"]),
        html.Span(" " + _("(target {target})", target=format_value(flag["target"], unit))
                  if flag.get("target") is not None else "", className="text-muted"),
        cite_flag_button(question_id, flag) if question_id is not None else None,
    ], className="question-flag small mb-1")


def author_line(question: dict) -> html.Div:
    parts: list = [html.Strong(question["display_name"] or _("Anonymous")), " · ",
                   local_time(question["created_at"])]
    if question["channel"] != "web":
        handle = question.get("author_handle")
        link = safe_url(question.get("external_url"))
        via = _("via {channel}", channel=question["channel"].upper()) + (
            f" @{handle}" if handle else "")
        parts += [" · ", html.A(via, href=link) if link else via]
    if question.get("edited"):
        parts += [" · ", html.Span(_("edited by a moderator"), className="edited-note",
                                   title=_("A moderator fixed the wording; the meaning is the "
                                           "asker's."))]
    if question["status"] == QuestionStatus.ANSWERED:
        parts += [" ", dbc.Badge([html.Span("✓", **{"aria-hidden": "true"}),
                                  " " + _("Answered")],
                                 color="success", className="answered-badge")]
    return html.Div(parts, className="question-meta small")


def upvote_count_text(count: int) -> str:
    """The count as the button shows it."""
    return f"({count})"


def upvote_label(count: int) -> str:
    """The button's name for a screen reader, before ``voted_suffix()``."""
    return ngettext("Me too: {count} person wants this answered",
                    "Me too: {count} people want this answered", count)


def voted_suffix() -> str:
    """Added to the name of a button this browser has pressed."""
    return " " + _("(you already said so)")


def upvote_button(question: dict, voted: bool) -> html.Button:
    # The count has an id of its own, so that a poll bringing only new counts
    # (kcstat_dash/web/live_feed/poll.py) rewrites it and the button's name, nothing else.
    count, question_id = question["upvotes"], question["id"]
    wanted = upvote_label(count) + (voted_suffix() if voted else "")
    return html.Button(
        [_("Me too") + " ", html.Span(upvote_count_text(count), id=ids.upvote_count(question_id),
                                      className="upvote-count")],
        id=ids.upvote_button(question_id), type="button", disabled=voted,
        className=f"upvote btn btn-sm {'btn-secondary' if voted else 'btn-outline-secondary'}",
        **{"aria-pressed": "true" if voted else "false", "aria-label": wanted})


def question_item(question: dict, voted: bool = False, with_votes: bool = True,
                  id_prefix: str = "") -> html.Li:
    children = [author_line(question),
                html.P(question["text"], className="question-text"),
                flag_line(question["flag"], question["id"] if with_votes else None)]
    if question["answer"]:
        children.append(html.Div([html.Strong(_("Answer:") + " "),
                                  html.Span(question["answer"])], className="question-answer"))
    if with_votes:
        children.append(upvote_button(question, voted))
    return html.Li(html.Article([c for c in children if c is not None], className="question"),
                   className="question-item", id=ids.question(question["id"], id_prefix))


def room_panel(room: dict | None) -> list:
    """What the room is on now, above the feed: the measure "now discussing" and the question
    a moderator pinned. Redrawn with every feed a poll brings."""
    room = room or {}
    children: list = []
    discussing = room.get("discussing")
    if discussing:
        children.append(html.P([html.Span(_("Now discussing:") + " ", className="fw-semibold"),
                                html.A(discussing["name"], href=f"/measures/{discussing['slug']}",
                                       target="_blank", rel="noopener")],
                               className="now-discussing mb-2"))
    pinned = room.get("pinned")
    if pinned:
        children.append(html.Section([
            html.H3(_("The question being discussed now"), className="h6 pinned-label"),
            html.Ol(question_item(pinned, with_votes=False, id_prefix="pinned-"),
                    className="feed list-unstyled mb-0"),
        ], className="pinned-question"))
    return children


def feed_summary(feed: dict, order: str) -> str:
    total, shown = feed["total"], len(feed["questions"])
    if not total:
        return _("No questions published yet.")
    if shown < total:
        return ngettext(*SHOWING[order], total, shown=number(shown))
    return ngettext(*SUMMARIES[order], total)


def feed_items(feed: dict, voted: set[int], with_votes: bool = True) -> list[html.Li]:
    return [question_item(q, q["id"] in voted, with_votes) for q in feed["questions"]]

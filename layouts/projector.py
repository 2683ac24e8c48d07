"""The projector view for the meeting room: the measure under discussion and the questions."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import dash
import segno
from dash import dcc, html

from kcstat_dash import i18n
from kcstat_dash.i18n import N_, _
from kcstat_dash.services.formatting import number
from layouts.components import (
    first_coverage,
    headline_facts,
    headline_value,
    in_english,
    partial_line,
    period_text,
    scope_notice,
    stale_alert,
    status_badge,
    target_text,
)
from layouts.ids import projector as ids
from layouts.measure import chart_summary
from layouts.meeting import POLL_MILLISECONDS, meeting_chart
from layouts.meetings import ask_path, meeting_not_found
from layouts.qa_feed import feed_items, question_item

# The top questions the projector cycles through, a page of them at a time: a page fits a
# 1920x1080 screen beside the measure and the join code (long text is cut to a few lines).
PROJECTOR_QUESTIONS = 12
PER_PAGE = 3
ROTATE_MILLISECONDS = 12_000


def join_urls(public_url: str, meeting_id: int) -> tuple[str, str]:
    """The ask page's absolute address (in the QR code) and the short one to type, shown
    without its scheme (``kcstat.example.org/j/7``)."""
    base = public_url.rstrip("/")
    short = f"{base}/j/{meeting_id}"
    parts = urlsplit(short)
    return f"{base}{ask_path(meeting_id)}", f"{parts.netloc}{parts.path}"


def qr_image(url: str) -> html.Img:
    """A QR code of ``url`` drawn as SVG in the page (segno; no network, no file)."""
    code = segno.make(url, error="m")
    return html.Img(src=code.svg_data_uri(scale=10, border=4), className="projector-qr",
                    alt=_("QR code: scan it to open the page for asking a question"))


def room_languages() -> list[str]:
    """Every language the public pages speak, the projector page's own first: a room holds
    residents of both, whatever language the projector's browser asked for."""
    return sorted(i18n.LANGUAGES, key=lambda code: code != i18n.language())


def said_in(code: str, message: str) -> html.Span:
    """``message`` (English, marked ``N_``) in ``code``'s language, marked as that language
    (WCAG 3.1.2)."""
    with i18n.using(code):
        return html.Span(_(message), lang=code, className=f"projector-join-{code}")


def join_panel(summary: dict, public_url: str | None) -> html.Aside | None:
    """How to join, in every language at once: the short address and a QR code large enough
    for the back of the room. The code names no language: the ask page opens in each
    resident's own (their browser's, or the one they chose; kcstat_dash/web/language.py)."""
    if not public_url or summary["status"] == "ended":
        return None
    ask_url, short = join_urls(public_url, summary["id"])
    languages = room_languages()
    return html.Aside([
        html.P([said_in(code, N_("Ask a question")) for code in languages],
               className="projector-join-heading"),
        qr_image(ask_url),
        html.P([said_in(code, N_("or go to")) for code in languages],
               className="projector-join-or"),
        html.P(short, className="projector-join-url"),
    ], className="projector-join", id=ids.JOIN, **{"aria-label": _("How to ask")})


def discussing_panel(detail: dict | None) -> html.Section:
    if detail is None:
        return html.Section(html.P(_("No measure is being discussed yet."), className="lead"),
                            className="projector-measure")
    unit = detail["unit"]
    return html.Section([
        html.P(_("Now discussing"), className="eyebrow"),
        html.H2(detail["name"], className="projector-measure-name"),
        html.P([headline_value(detail, "big-number"),
                " " + _("in {period}", period=period_text(detail["latest_period"])) + " ",
                status_badge(detail["status"])],
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


def pinned_panel(pinned: dict | None) -> html.Section | None:
    if pinned is None:
        return None
    return html.Section([html.P(_("Now discussing this question"), className="pinned-label"),
                         html.Ol(question_item(pinned, with_votes=False, id_prefix="pinned-"),
                                 className="feed list-unstyled mb-0")],
                        className="projector-pinned pinned-question")


def projector_questions(feed: dict, pinned: dict | None = None) -> list:
    """The top questions (the pinned one apart), a page at a time: every page is drawn, and
    the projector's clientside rotation shows one and hides the rest."""
    rest = [q for q in feed["questions"] if pinned is None or q["id"] != pinned["id"]]
    if not rest:
        return [html.P(_("Questions will appear here once a moderator approves them.")
                       if pinned is None else _("No other questions yet."), className="lead"),
                html.P(id=ids.PAGE_NOTE, className="projector-page-note")]
    pages = [rest[i:i + PER_PAGE] for i in range(0, len(rest), PER_PAGE)]
    drawn = [html.Ol(feed_items({"questions": page}, set(), with_votes=False),
                     id=ids.page(i), hidden=i != 0,
                     className="feed projector-feed list-unstyled")
             for i, page in enumerate(pages)]
    note = (page_note().format(page=number(1), pages=number(len(pages)), total=number(len(rest)))
            if len(pages) > 1 else "")
    return [*drawn, html.P(note, id=ids.PAGE_NOTE, className="projector-page-note")]


def page_note() -> str:
    """"Page {page} of {pages} of the top {total}", with its fields still to fill: the server
    fills them for the first page, assets/meeting_live.js for the next (it reads the words
    from the page's data-projector-words attribute, as it reads ids)."""
    return _("Page {page} of {pages} of the top {total}")


def projector_body(data: dict, feed: dict) -> list:
    """Both panels; re-rendered whole whenever the feed's version changes."""
    discussing = next((d for d in data["measures"] if d["now_discussing"]), None)
    pinned = (data.get("room") or {}).get("pinned")
    return [
        # The data's caveats sit with the measure, so the questions' column starts at the top.
        html.Div([stale_alert(data["data_freshness"]),
                  scope_notice(first_coverage(data["measures"])),
                  discussing_panel(discussing)], className="projector-left"),
        html.Section([html.H2(_("Questions"), className="projector-heading"),
                      pinned_panel(pinned), *projector_questions(feed, pinned)],
                     className="projector-right"),
    ]


def render(data: dict | None) -> html.Div:
    """The page from ``services.page_data.meeting_view`` with the top ``PROJECTOR_QUESTIONS``
    (None: no such meeting)."""
    if data is None:
        return meeting_not_found()
    summary = data["meeting"]
    feed = data["feed"]
    return html.Div([
        html.Div([
            html.H1(in_english(summary["title"]), className="projector-title"),
            html.Div(projector_body(data, feed), id=ids.BODY,
                     className="projector-body"),
        ], className="projector-main"),
        join_panel(summary, data.get("public_url")),
        dcc.Interval(id=ids.ROTATE, interval=ROTATE_MILLISECONDS),
        dcc.Store(id=ids.MEETING_ID, data=summary["id"]),
        dcc.Store(id=ids.VERSION, data=summary["feed_version"]),
        dcc.Interval(id=ids.POLL, interval=POLL_MILLISECONDS,
                     disabled=summary["status"] == "ended"),
    ], className="projector-view",
        # The words the rotation writes in the browser, in the page's language.
        **{"data-projector-words": json.dumps({"pageNote": page_note()})})


def register(layout) -> None:
    """Register the page; ``layout`` (callbacks/pages.py) loads its data and calls render."""
    # Dash Pages matches templates in registry order and "/meetings/<meeting_id>" would also
    # match this path; an explicit order puts this page ahead of the meeting page.
    dash.register_page(__name__, path_template="/meetings/<meeting_id>/projector",
                       name="Projector", title=title, layout=layout, order=0)


def title(meeting_id: str | None = None, **_query) -> str:
    return _("KCStat Dash — Projector")

"""A meeting's page: its area's measures beside the live Q&A feed and the form to ask."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from kcstat_dash import i18n
from kcstat_dash.i18n import N_, _
from kcstat_dash.services import questions, verdicts
from kcstat_dash.services.formatting import format_value, n_text, number, period_label
from layouts import figure_memo
from layouts.charts import trend_figure
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
from layouts.ids import meeting as ids
from layouts.ids import script_ids
from layouts.measure import chart_summary
from layouts.meetings import (
    ask_path,
    meeting_not_found,
    meeting_status_badge,
    when,
)
from layouts.qa_feed import feed_items, feed_summary, local_time, room_panel

POLL_MILLISECONDS = 1000
# A browser with a question still waiting asks now and then what became of it.
MY_QUESTIONS_MILLISECONDS = 15_000
CHART_HEIGHT = 260


def meeting_chart(detail: dict, height: int = CHART_HEIGHT, static: bool = False,
                  **graph_options) -> dcc.Graph:
    """The measure's trend with the number of public questions flagged on each point (built
    once per data version and flag counts: layouts/figure_memo.py)."""
    flags = detail.get("flag_counts") or {}

    def build() -> dict:
        figure = trend_figure(detail, flags)
        figure.update_layout(height=height)
        if static:
            # The projector is read from across a room.
            figure.update_layout(font={"size": 18})
        return figure.to_plotly_json()

    figure = figure_memo.cached("meeting-chart", (detail["slug"], tuple(sorted(flags.items())),
                                                  height, static),
                                detail.get("data_version"), build,
                                language=i18n.language())
    config = {"displayModeBar": False, "responsive": True, "staticPlot": static}
    return dcc.Graph(figure=figure, config=config, className="meeting-chart", **graph_options)


def measure_card(detail: dict) -> html.Article:
    unit = detail["unit"]
    heading = [html.A(detail["name"], href=f"/measures/{detail['slug']}")]
    if detail["now_discussing"]:
        heading = [dbc.Badge(_("Now discussing"), color="primary", className="me-2"), *heading]
    body: list = [
        html.H3(heading, className="h5"),
        html.P([headline_value(detail, "latest-value"),
                " " + _("in {period}", period=period_text(detail["latest_period"])) + " ",
                status_badge(detail["status"]),
                html.Span(f" · {target_text(detail['target'], unit, detail['direction'])}",
                          className="text-muted small")], className="mb-0"),
        html.P(headline_facts(detail), className="small headline-facts mb-1"),
        partial_line(detail, "partial-month small text-muted mb-1"),
    ]
    if detail["observations"]:
        body += [html.P(chart_summary(detail), className="small text-muted mb-1 chart-summary"),
                 meeting_chart(detail, id=ids.meeting_chart(detail["slug"])),
                 html.P(_("Click a point on the chart to flag that month in your question."),
                        className="small text-muted chart-hint")]
    else:
        body.append(html.P(_("No values yet."), className="text-muted"))
    return html.Article(body, className="measure-card card card-body mb-3",
                        id=ids.measure_card(detail["slug"]))


# Sentinels rather than "": dbc.Select keeps "" for its own hidden placeholder option.
NO_MEASURE, LATEST_PERIOD = "none", "latest"


def no_periods() -> list[dict]:
    """The period picker before a measure is picked (made per request: it has words)."""
    return [{"label": _("Pick a measure first"), "value": LATEST_PERIOD}]


def partial_words() -> str:
    """A month still in progress, as a period's label says it: "(partial month)"."""
    return _(verdicts.STATUS_LABELS[verdicts.PARTIAL]).lower()


def measure_options(flaggable: list[dict]) -> list[dict]:
    """``flaggable``: the measures with values, each with its ``slug`` and ``name``."""
    return [{"label": _("No statistic"), "value": NO_MEASURE}] + [
        {"label": d["name"], "value": d["slug"]} for d in flaggable]


def period_options(points: list[dict], unit: str, kind: str = "311") -> list[dict]:
    """Newest first, each with its value and n, so the list itself shows what is being
    flagged (a month in progress says so)."""
    partial = partial_words()
    return [{"label": _("Latest value"), "value": LATEST_PERIOD}] + [
        {"label": _("{period}: {value} ({n})", period=period_label(p["period"])
                    + (f" ({partial})" if p["partial"] else ""),
                    value=format_value(p["value"], unit), n=n_text(p["n"], kind)),
         "value": p["period"]} for p in reversed(points)]


MONTHS_OPEN = 2  # years of the "now discussing" measure's months shown at once; older fold away


def closed_words(status: str) -> str:
    """Why the form is closed, as the form says it (and says it again when a poll closes it)."""
    if status == "ended":
        return _("This meeting has ended, so it takes no more questions. Its questions and "
                 "answers are kept here.")
    if status == "live":
        return _("Questions are closed for this meeting: it takes no more questions.")
    return _("Questions open when the meeting starts.")


def month_button(slug: str, point: dict) -> html.Button:
    """One month of the measure on screen: a tap flags it (measure and month together)."""
    label = period_label(point["period"])
    # "March 2019" / "marzo de 2019": the chip shows the month, the year is read out (it heads
    # the group the chip is in).
    month, _space, year = label.rpartition(" ")
    return html.Button(
        [month.removesuffix(" de") or label,
         html.Span(f" {year}" if month else "", className="visually-hidden"),
         html.Span(f" ({partial_words()})" if point.get("partial") else "",
                   className="small")],
        type="button", className="btn btn-outline-primary month-chip",
        id=ids.flag_month(slug, point["period"]))


def month_picker(discussing: dict | None) -> html.Div | None:
    """The months of the measure "now discussing", newest first and grouped by year: the one
    tap that flags the statistic the room is looking at."""
    if not discussing or not discussing.get("points"):
        return None
    years: dict[str, list[dict]] = {}
    for point in reversed(discussing["points"]):
        years.setdefault(point["period"][:4] if not point["period"].startswith("FY")
                         else point["period"], []).append(point)
    groups = [html.Div([html.Span(year, className="month-year fw-semibold"),
                        html.Div([month_button(discussing["slug"], p) for p in points],
                                 className="month-chips")],
                       className="month-group", role="group", **{"aria-label": year})
              for year, points in years.items()]
    older = groups[MONTHS_OPEN:]
    return html.Div([
        html.P([html.Span(_("Now discussing:") + " ", className="fw-semibold"),
                discussing["name"], ". " + _("Tap a month to flag it:")],
               className="small mb-1"),
        *groups[:MONTHS_OPEN],
        html.Details([html.Summary(_("Earlier years")), *older], className="month-older")
        if older else None,
    ], className="month-picker mb-2", id=ids.MONTH_PICKER)


# The flag picker's hint on the meeting page (the ask page has no charts: layouts/ask.py).
CHART_HINT = N_("Pick a measure and a month here, or click a point on a chart.")


def ask_form(summary: dict, flaggable: list[dict], hint: str = CHART_HINT,
             room: dict | None = None) -> html.Div:
    """The form, or why there is none, in a region the live poll redraws when the meeting's
    state changes (callbacks/meeting.py). ``hint``: English, marked; said here."""
    return html.Div(ask_form_body(summary, flaggable, hint, room), id=ids.ASK_REGION)


def ask_form_body(summary: dict, flaggable: list[dict], hint: str = CHART_HINT,
                  room: dict | None = None) -> html.Section:
    if not summary["open_for_questions"]:
        return html.Section([html.H2(_("Ask a question"), className="h4", id=ids.ASK_HEADING),
                             html.P(closed_words(summary["status"]),
                                    className="questions-closed alert alert-secondary")],
                            className="ask-form mb-4", **{"aria-labelledby": ids.ASK_HEADING})
    return html.Section([
        html.H2(_("Ask a question"), className="h4", id=ids.ASK_HEADING),
        html.P(_("No account needed. A moderator reads each question before it is shown.")
               if not summary["auto_publish"] else _("No account needed. Questions appear on "
                                                     "the feed at once."),
               className="small text-muted"),
        dbc.Label(_("Your question (up to {most} characters)",
                    most=number(questions.MAX_LENGTH)), html_for=ids.ASK_TEXT),
        dbc.Textarea(id=ids.ASK_TEXT, rows=4, maxLength=questions.MAX_LENGTH, className="mb-2"),
        dbc.Label(_("Display name (optional)"), html_for=ids.ASK_NAME),
        dbc.Input(id=ids.ASK_NAME, maxLength=questions.MAX_DISPLAY_NAME, autoComplete="nickname",
                  className="mb-2"),
        html.Fieldset([
            html.Legend(_("Flag a statistic (optional)"), className="fs-6 fw-semibold mb-1"),
            month_picker((room or {}).get("discussing")),
            html.P(_(hint), className="small text-muted mb-1"),
            dbc.Label(_("Measure"), html_for=ids.ASK_MEASURE, className="small"),
            dbc.Select(id=ids.ASK_MEASURE, options=measure_options(flaggable),
                       value=NO_MEASURE),
            dbc.Label(_("Period"), html_for=ids.ASK_PERIOD, className="small mt-1"),
            dbc.Select(id=ids.ASK_PERIOD, options=no_periods(), value=LATEST_PERIOD),
            html.P(id=ids.FLAG_HINT, className="small mt-1 mb-0 flag-hint"),
            dcc.Store(id=ids.FLAG_FOCUS),
        ], className="mb-3 flag-picker"),
        dbc.Button(_("Send question"), id=ids.ASK_SUBMIT, color="primary"),
        html.Div(id=ids.ASK_STATUS, role="status", className="mt-2", **{"aria-live": "polite"}),
    ], className="ask-form card card-body mb-4", id=ids.ASK,
        **{"aria-labelledby": ids.ASK_HEADING})


def own_question_item(question: dict) -> html.Li:
    """One of the resident's own questions, with what became of it."""
    children: list = [
        html.P([html.Span(_(question["status_words"]),
                          className=f"badge own-status own-status-{question['status']}"),
                " ", local_time(question["created_at"]),
                " · " + _("edited by a moderator") if question.get("edited") else ""],
               className="small mb-1"),
        html.P(question["text"], className="question-text mb-1"),
    ]
    if question["answer"]:
        children.append(html.Div([html.Strong(_("Answer:") + " "),
                                  html.Span(question["answer"])], className="question-answer"))
    if question["reason"]:
        children.append(html.P(_("Reason given: {reason}.", reason=_(question["reason"])),
                               className="small mb-1 own-reason"))
    if question["can_withdraw"]:
        children.append(html.Button(_("Withdraw"), type="button",
                                    id=ids.withdraw_button(question["id"]),
                                    className="btn btn-outline-danger btn-sm withdraw",
                                    **{"aria-label": _("Withdraw this question: {text}",
                                                       text=question["text"][:60])}))
    return html.Li(children, className="own-question", id=ids.own_question(question["id"]))


def own_questions_list(own: list[dict], message: str | None = None) -> list:
    """The resident's own questions at this meeting (newest first); nothing before they ask."""
    if not own:
        return [html.P(message, className="small")] if message else []
    return [html.H2(_("Your questions"), className="h5", id=ids.MY_QUESTIONS_HEADING),
            html.P(message, className="small", role="status") if message else None,
            html.Ol([own_question_item(q) for q in own], className="list-unstyled own-list")]


# The order of the feed a page is drawn with (page_data's feeds are newest first).
FIRST_ORDER = "newest"


def feed_section(summary: dict, feed: dict, room: dict | None = None) -> html.Section:
    """The feed as it stands at page load; the browser's votes are marked by the first update."""
    return html.Section([
        html.Div(own_questions_list([]), id=ids.MY_QUESTIONS_LIST, className="my-questions"),
        html.Div(room_panel(room), id=ids.ROOM_PANEL, className="room-panel"),
        html.H2(_("Questions"), className="h4", id=ids.FEED_HEADING),
        html.Fieldset([
            html.Legend(_("Sort"), className="fs-6 d-inline me-2 float-none w-auto"),
            dbc.RadioItems(id=ids.FEED_ORDER, value=FIRST_ORDER, inline=True,
                           className="d-inline-block",
                           options=[{"label": _("Newest"), "value": "newest"},
                                    {"label": _("Most upvoted"), "value": "top"}]),
        ], className="mb-2 feed-order"),
        html.P(feed_summary(feed, FIRST_ORDER), id=ids.FEED_SUMMARY, className="small text-muted",
               role="status", **{"aria-live": "polite"}),
        html.Div(id=ids.VOTE_STATUS, role="status", className="small"),
        html.Div(id=ids.CITE_FLAG_STATUS, role="status", className="small"),
        # The order it is drawn in, for the poll to tell when the order asked for is not the
        # one shown (assets/meeting_live.js).
        html.Ol(feed_items(feed, set()), id=ids.FEED, className="feed list-unstyled",
                **{"data-order": FIRST_ORDER}),
        dcc.Store(id=ids.MEETING_ID, data=summary["id"]),
        # The state the page shows; the poll brings the meeting's, and a change redraws the form.
        dcc.Store(id=ids.MEETING_STATE, data={"status": summary["status"],
                                            "open": summary["open_for_questions"]}),
        # The ids of the questions this browser sent (the server checks each was its own).
        dcc.Store(id=ids.MY_QUESTIONS, storage_type="local"),
        dcc.Interval(id=ids.MY_QUESTIONS_POLL, interval=MY_QUESTIONS_MILLISECONDS, disabled=True),
        dcc.Store(id=ids.FEED_VERSION, data=summary["feed_version"]),
        # The questions this browser said "me too" to, marked on each feed it is sent.
        dcc.Store(id=ids.MY_VOTES, storage_type="local"),
        # Every second each browser asks for the version number; the answer brings the feed
        # only when that number changed (assets/meeting_live.js, kcstat_dash/web/live_feed/poll.py).
        dcc.Interval(id=ids.FEED_POLL, interval=POLL_MILLISECONDS,
                     disabled=summary["status"] == "ended"),
    ], className="feed-section", **{"aria-labelledby": ids.FEED_HEADING})


def header(summary: dict) -> html.Div:
    links: list = []
    if summary["livestream_url"] and summary["status"] != "ended":
        links.append(html.A(_("Watch the livestream"), href=summary["livestream_url"]))
    if summary["recording_url"]:
        links.append(html.A(_("Watch the recording"), href=summary["recording_url"]))
    if summary["open_for_questions"]:
        links.append(html.A(_("Ask from a phone (a lighter page)"),
                            href=ask_path(summary["id"])))
    links.append(html.A(_("Projector view"), href=f"/meetings/{summary['id']}/projector"))
    links.append(html.Span([_("The Q&A as a record:") + " ",
                            html.A("CSV", href=f"/exports/meetings/{summary['id']}/questions.csv",
                                   className="qa-record-csv",
                                   **{"aria-label": _("Download the Q&A record as CSV")}), " · ",
                            html.A("JSON", href=f"/exports/meetings/{summary['id']}/questions.json",
                                   className="qa-record-json",
                                   **{"aria-label": _("Download the Q&A record as JSON")})]))
    links.append(html.A(_("All meetings"), href="/meetings"))
    return meeting_heading(summary, links, None,
        html.A(_("Skip to the questions"), href=f"#{ids.ASK}" if summary["open_for_questions"]
               else f"#{ids.FEED_HEADING}", className="d-lg-none small"))


def questions_state(is_open: bool) -> str:
    """The header's note on the form, redrawn by the poll (callbacks/meeting.py)."""
    return _("Questions open") if is_open else _("Questions closed")


def meeting_heading(summary: dict, links: list, when_note: list | None = None,
                    after=None) -> html.Div:
    """A meeting page's top: its area, title, status and time, and a list of links."""
    return html.Div([
        html.P(html.A(summary["area"], href=f"/areas/{summary['area_slug']}"),
               className="eyebrow"),
        html.H1(in_english(summary["title"])),
        html.P([html.Span(meeting_status_badge(summary), id=ids.MEETING_BADGE), " ", when(summary),
                " " + _("(Kansas City time)"), *(when_note or []), " · ",
                html.Span(questions_state(summary["open_for_questions"]),
                          id=ids.QUESTIONS_STATE)],
               className="meeting-when"),
        html.P([_("Where:") + " ", html.Span(summary["location"], className="meeting-location")],
               className="meeting-where") if summary.get("location") else None,
        html.Nav(html.Ul([html.Li(link, className="list-inline-item") for link in links],
                         className="list-inline"), **{"aria-label": _("Meeting links")}),
        after,
    ], className="meeting-header mb-3")


def render(data: dict | None) -> html.Div:
    """The page from ``services.page_data.meeting_view`` (None: no such meeting)."""
    if data is None:
        return meeting_not_found()
    summary, details = data["meeting"], data["measures"]
    archive_note = (dbc.Alert(_("This meeting has ended. Its questions and answers are kept "
                                "here as a public record."), color="secondary",
                              className="archive-note")
                    if summary["status"] == "ended" else None)
    measures_column = html.Section(
        [html.H2(_("{area} measures", area=summary["area"]), className="h4",
                 id=ids.MEASURES_HEADING),
         *[measure_card(d) for d in details]] if details else
        [html.H2(_("Measures"), className="h4", id=ids.MEASURES_HEADING),
         html.P(_("This area has no measures with data yet."))],
        **{"aria-labelledby": ids.MEASURES_HEADING})
    feed = data["feed"]
    flaggable = [d for d in details if d["observations"]]
    room = data.get("room")
    qa_column = html.Div([ask_form(summary, flaggable, room=room),
                          feed_section(summary, feed, room)])
    return html.Div([
        header(summary),
        stale_alert(data["data_freshness"]),
        archive_note,
        scope_notice(first_coverage(details)),
        dbc.Row([dbc.Col(measures_column, lg=7, className="measures-column"),
                 dbc.Col(qa_column, lg=5, className="qa-column")]),
    ], className="meeting-page", **script_ids("meeting", ids.FOR_SCRIPT))


def title(meeting_id: str | None = None, **_query) -> str:
    return _("KCStat Dash — Meeting")


def register(layout) -> None:
    """Register the page; ``layout`` (callbacks/pages.py) loads its data and calls render."""
    dash.register_page(__name__, path_template="/meetings/<meeting_id>", name="Meeting",
                       title=title, layout=layout)

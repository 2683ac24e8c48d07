"""The moderators' page: one queue of every channel's questions, actions, and meeting control."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from kcstat_dash.services import moderation
from kcstat_dash.services.formatting import period_label
from kcstat_dash.services.question_language import UNKNOWN, language_name
from kcstat_dash.services.question_status import QuestionStatus
from kcstat_dash.timezone import format_local
from layouts.ids import moderate as ids
from layouts.ids import script_ids
from layouts.staff import account_links, select, signin_required, text_input, textarea

POLL_MS = 3000
STATUS_LABELS = {QuestionStatus.PENDING: "Pending",
                 QuestionStatus.APPROVED: "Approved (in the feed)",
                 QuestionStatus.ANSWERED: "Answered", QuestionStatus.HIDDEN: "Hidden",
                 QuestionStatus.REJECTED: "Rejected", QuestionStatus.MERGED: "Merged",
                 QuestionStatus.WITHDRAWN: "Withdrawn by the asker"}
SHORTCUTS = [("j / k", "next / previous question"), ("a", "approve"),
             ("r", "reject (reason chosen)"),
             ("h", "hide"), ("n", "write an answer"), ("p", "pin as now discussing"),
             ("x", "select for a bulk action")]
REASON_OPTIONS = [{"label": label, "value": code}
                  for code, label in moderation.REJECT_REASONS.items()]
# No reason is chosen for the moderator: each question's (and each bulk rejection's) reason is
# picked for it, so ``r`` never rejects with a reason meant for another question.
CHOOSE_REASON = "Choose a reason"
# The filters' "any" choice and the projector's "nothing": values of their own, never "" (which
# dbc.Select keeps for its hidden placeholder option, so the select would look blank).
ANY, NOTHING = "any", "none"
BUTTON_CLASS = "me-1 mb-1"


def filters(options: dict) -> html.Div:
    # Nearest to now first (services.moderation.filter_options orders them).
    meetings = [{"label": "All meetings", "value": ANY}] + [
        {"label": meeting_label(m), "value": str(m["id"])} for m in options["meetings"]]
    statuses = [{"label": "Any status", "value": ANY}] + [
        {"label": label, "value": code} for code, label in STATUS_LABELS.items()]
    channels = [{"label": "Every channel", "value": ANY}] + [
        {"label": c, "value": c} for c in options["channels"]]
    measures = [{"label": "Any measure", "value": ANY}] + [
        {"label": m["name"], "value": str(m["id"])} for m in options["measures"]]
    live = [m for m in options["meetings"] if m["status"] == "live"]
    # The public pages' languages and any other a question came in (filter_options).
    languages = [{"label": "Any language", "value": ANY}] + [
        {"label": language_name(code), "value": code}
        for code in options.get("languages", [])] + [
        {"label": language_name(None), "value": UNKNOWN}]
    # One meeting live: start on it. Otherwise start on every meeting, so nothing is missed.
    first = str(live[0]["id"]) if len(live) == 1 else ANY
    return html.Div(dbc.Row([
        dbc.Col(select(ids.FILTER_MEETING, "Meeting", meetings, first), md=6, lg=4),
        dbc.Col(select(ids.FILTER_STATUS, "Status", statuses, "pending"), md=6, lg=4),
        dbc.Col(select(ids.FILTER_CHANNEL, "Channel", channels, ANY), md=4, lg=4),
        dbc.Col(select(ids.FILTER_MEASURE, "Flagged measure", measures, ANY), md=4, lg=6),
        dbc.Col(select(ids.FILTER_LANGUAGE, "Language asked in", languages, ANY), md=4,
                lg=6),
    ]), className="mod-filters", role="search", **{"aria-label": "Filter the queue"})


def queue_item(row: dict, current: int | None, selected: bool) -> html.Li:
    """One question in the queue; its text is always rendered as text."""
    meta = [dbc.Badge(row["channel"], color="dark", className="me-1"),
            dbc.Badge(language_name(row.get("language")), color="light", text_color="dark",
                      className="me-1 question-language"),
            html.Span(STATUS_LABELS.get(row["status"], row["status"]), className="me-2"),
            html.Span(f"{row['upvotes']} votes", className="me-2")]
    if row["pinned"]:
        meta.append(dbc.Badge("📌 Now discussing", color="info", text_color="dark",
                              className="me-1"))
    if row["measure"]:
        period = f", {period_label(row['period'])}" if row["period"] else ""
        meta.append(html.Span(f"Flags: {row['measure']}{period}", className="me-2"))
    if row["labels"]:
        meta.append(html.Span("Labels: " + ", ".join(row["labels"]), className="me-2"))
    if row["held_reason"]:
        meta.append(html.Span(f"Held: {row['held_reason']}", className="me-2"))
    if row["reject_reason"]:
        meta.append(html.Span(f"Reason: {row['reject_reason']}", className="me-2"))
    handle = f"@{row['author_handle']}" if row["author_handle"] else None
    who = row["display_name"] or handle or "Anonymous"
    return html.Li([
        html.Div([
            dbc.Checkbox(id=ids.select_box(row["id"]), value=selected,
                         label=f"Select #{row['id']}", className="mod-select me-3"),
            html.Button(f"Open #{row['id']}", id=ids.open_button(row["id"]),
                        className="btn btn-outline-primary btn-sm mod-open", n_clicks=0),
        ], className="d-flex align-items-center mb-1"),
        html.P(row["text"], className="mb-1 question-text", lang=row.get("language") or None),
        html.P([html.Span(f"{who} · {row['meeting']} · "
                          f"{format_local(row['created_at'], '%-I:%M %p')} · "), *meta],
               className="small text-muted mb-0"),
    ], className="queue-item list-group-item" + (" is-current" if row["id"] == current else ""),
        **{"data-qid": str(row["id"])})


def queue_list(rows: list[dict], current: int | None, selected: set[int]) -> html.Div:
    if not rows:
        return html.P("No questions match these filters.", className="empty-state")
    return html.Div([
        html.P(f"{len(rows)} question{'s' if len(rows) != 1 else ''}", className="small"),
        html.Ul([queue_item(r, current, r["id"] in selected) for r in rows],
                className="list-group mod-queue-list"),
    ])


def detail(row: dict | None) -> html.Div:
    """The question chosen for the action buttons beside the queue."""
    if row is None:
        return html.P("Choose a question with its Open button (or press j).",
                      className="text-muted")
    status = STATUS_LABELS.get(row["status"], row["status"])
    parts = [html.P([html.Strong(f"#{row['id']} · {status}"),
                     f" · Asked in {language_name(row.get('language'))}"
                     if row.get("language") else " · Language not known"],
                    className="question-language"),
             # Marked with its language, so a screen reader reads Spanish as Spanish (WCAG 3.1.2).
             html.Blockquote(row["text"], className="question-text",
                             lang=row.get("language") or None)]
    if row["original_text"]:
        parts.append(html.P(["Original wording: ", html.Span(row["original_text"])],
                            className="small text-muted"))
    if row["answer"]:
        parts.append(html.P(["Answer: ", html.Span(row["answer"])], className="small"))
    if row["merged_into_id"]:
        parts.append(html.P(f"Merged into #{row['merged_into_id']}.", className="small"))
    return html.Div(parts)


def merge_options(candidates: list[dict]) -> list[dict]:
    """The merge menu's choices: the questions (queue rows) the chosen one may be merged into
    (none chosen: the menu's placeholder asks for one)."""
    return [
        {"label": f"#{row['id']}: {row['text'][:70]}", "value": str(row["id"])}
        for row in candidates]


def draft_confirm() -> html.Div:
    """Asked before choosing another question would drop an answer not yet saved; shown (and
    focused) by assets/moderation.js, answered with either button or Escape (keep)."""
    return html.Div([
        html.P(id=ids.DRAFT_TEXT, className="mb-2"),
        dbc.Button("Keep editing", id=ids.KEEP_DRAFT, color="primary", n_clicks=0, size="sm",
                   className="me-2"),
        dbc.Button("Discard the answer and open it", id=ids.DISCARD_DRAFT, color="danger",
                   outline=True, n_clicks=0, size="sm"),
    ], id=ids.DRAFT_CONFIRM, hidden=True, role="group",
        className="alert alert-warning mod-confirm", **{"aria-labelledby": ids.DRAFT_TEXT})


def action_panel() -> html.Section:
    button = dict(n_clicks=0, size="sm", className=BUTTON_CLASS)
    return html.Section([
        html.H2("Selected question", className="h5", id=ids.ACTIONS_TITLE),
        draft_confirm(),
        html.Div(detail(None), id=ids.DETAIL),
        html.Div([
            dbc.Button("Approve (a)", id=ids.APPROVE, color="success", **button),
            dbc.Button("Hide (h)", id=ids.HIDE, color="secondary", **button),
            dbc.Button("Pin as now discussing (p)", id=ids.PIN, color="info", **button),
            dbc.Button("Unpin", id=ids.UNPIN, color="light", **button),
        ], className="mb-2"),
        select(ids.REASON, "Reason to reject", REASON_OPTIONS, "", placeholder=CHOOSE_REASON),
        dbc.Button("Reject (r)", id=ids.REJECT, color="danger", **button),
        textarea(ids.ANSWER_TEXT, "Written answer (optional, shown publicly)", rows=3,
                 maxLength=moderation.MAX_ANSWER_LENGTH),
        dbc.Button("Mark answered", id=ids.ANSWER, color="primary", **button),
        select(ids.MERGE_TARGET, "Merge this duplicate into", [], "",
               placeholder="Choose the question to keep"),
        dbc.Button("Merge", id=ids.MERGE, color="warning", **button),
        textarea(ids.EDIT_TEXT, "Fix the wording (the original is kept)", rows=3,
                 maxLength=moderation.MAX_QUESTION_LENGTH),
        dbc.Button("Save wording", id=ids.EDIT, color="secondary", **button),
        text_input(ids.LABELS, "Labels (comma-separated)", maxLength=300),
        dbc.Button("Save labels", id=ids.LABEL, color="secondary", **button),
    ], className="mod-actions card card-body", **{"aria-labelledby": ids.ACTIONS_TITLE})


def bulk_bar() -> html.Div:
    return html.Div([
        dbc.Button("Approve selected", id=ids.BULK_APPROVE, color="success", n_clicks=0,
                   size="sm", className="me-2"),
        html.Div(select(ids.BULK_REASON, "Reason", REASON_OPTIONS, "", placeholder=CHOOSE_REASON),
                 className="d-inline-block me-2 mod-bulk-reason"),
        dbc.Button("Reject selected", id=ids.BULK_REJECT, color="danger", n_clicks=0,
                   size="sm"),
    ], className="d-flex align-items-end flex-wrap mb-2 mod-bulk")


def meeting_panel(options: dict) -> html.Section:
    measures = [{"label": "(nothing on screen)", "value": NOTHING}] + [
        {"label": m["name"], "value": str(m["id"])} for m in options["all_measures"]]
    # Shown only when the chosen meeting's state allows them (step_class).
    button = dict(n_clicks=0, size="sm", className=step_class(False))
    return html.Section([
        html.H2("Meeting control", className="h5"),
        html.Div(id=ids.MEETING_STATE, children=html.P("Choose a meeting in the filter.")),
        html.Div([
            html.P(id=ids.STEP_TEXT, className="mb-2"),
            dbc.Button("Yes", id=ids.CONFIRM_STEP, color="danger", n_clicks=0, size="sm",
                       className="me-2"),
            dbc.Button("Cancel", id=ids.CANCEL_STEP, color="secondary", n_clicks=0, size="sm"),
        ], id=ids.STEP_CONFIRM, hidden=True, role="group",
            className="alert alert-warning mod-confirm", **{"aria-labelledby": ids.STEP_TEXT}),
        dbc.Button("Go live", id=ids.GO_LIVE, color="success", **button),
        dbc.Button("Open for questions", id=ids.OPEN_QUESTIONS, color="primary", **button),
        dbc.Button("Close for questions", id=ids.CLOSE_QUESTIONS, color="secondary", **button),
        dbc.Button("End meeting", id=ids.END, color="danger", **button),
        html.Div([
            select(ids.NOW_MEASURE, "Now discussing (projector)", measures, NOTHING),
            dbc.Button("Show on screen", id=ids.SET_NOW, color="info", n_clicks=0, size="sm",
                       className=BUTTON_CLASS),
        ]),
        dcc.Store(id=ids.PENDING_STEP),
        dcc.Store(id=ids.MEETING_VERSION, data=0),
    ], className="card card-body mb-3 mod-meeting")


def step_class(allowed: bool) -> str:
    """A meeting step's button is shown only when the meeting's state allows the step."""
    return BUTTON_CLASS if allowed else BUTTON_CLASS + " d-none"


def meeting_label(meeting: dict) -> str:
    """A meeting as the picker and the confirmations name it: title, day, status."""
    return (f"{meeting['title']} ({format_local(meeting['starts_at'], '%b %-d, %Y')}, "
            f"{meeting['status']})")


def meeting_state(meeting: dict | None) -> html.Div:
    if meeting is None:
        return html.P("Choose a meeting in the filter to control it.")
    questions = "open" if meeting["accepting_questions"] else "closed"
    return html.Div([
        html.P(html.Strong(meeting_label(meeting))),
        html.P(f"Status: {meeting['status']}. Questions: {questions}. "
               f"Now discussing: {meeting['now_discussing'] or 'nothing'}.", className="small"),
        html.A("Public moderation summary", href=f"/meetings/{meeting['id']}/moderation",
               className="small"),
    ])


def shortcuts() -> html.Details:
    return html.Details([
        html.Summary("Keyboard shortcuts"),
        html.Ul([html.Li([html.Kbd(k), f" {what}"]) for k, what in SHORTCUTS], className="small"),
    ], className="mb-3")


def render(data: dict | None, signed_in: bool = False) -> html.Div:
    """The page from ``services.page_data.moderate_page``; None when the visitor may not
    moderate (``signed_in``: as staff of another role). The root element hands the keyboard
    shortcuts' script (assets/moderation.js) the ids it needs, in ``data-moderation-ids``."""
    if data is None:
        return signin_required("/moderate", "Question queue", signed_in)
    options = data["options"]
    return html.Div([
        html.H1("Question queue"),
        html.P(["Every channel's questions in one list; it updates by itself. ",
                *account_links()], className="small"),
        # The page's one status line: each message replaces the one before.
        html.Div(id=ids.MESSAGE, role="status", **{"aria-live": "polite"}),
        dbc.Row([
            dbc.Col([filters(options), bulk_bar(), html.Div(id=ids.QUEUE)], lg=8),
            dbc.Col([action_panel(), shortcuts(), meeting_panel(options)], lg=4),
        ]),
        dcc.Interval(id=ids.POLL, interval=POLL_MS),
        dcc.Store(id=ids.SIGNATURE),
        dcc.Store(id=ids.CURRENT),
        dcc.Store(id=ids.SAVED_ANSWER),
        dcc.Store(id=ids.WAITING),
        dcc.Store(id=ids.REFRESH, data=0),
    ], className="moderate-page", **script_ids("moderation", ids.FOR_SCRIPT))


def register(layout) -> None:
    """Register the page; ``layout`` (callbacks/pages.py) loads its data and calls render."""
    dash.register_page(__name__, path="/moderate", name="Moderate",
                       title="KCStat Dash — Question queue", layout=layout)

"""Small building blocks shared by pages: status badges, values with their n, the data's scope,
empty states."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from kcstat_dash.services import verdicts
from kcstat_dash.services.formatting import (
    counted,
    day_label,
    format_value,
    n_text,
    period_label,
)

# Status is never colour alone: each badge has a symbol and words.
STATUS_STYLE = {
    verdicts.MET: ("success", "✓"),
    verdicts.MISSED: ("danger", "✗"),
    verdicts.NO_TARGET: ("secondary", "–"),
    verdicts.TOO_FEW: ("secondary", "?"),
    verdicts.PARTIAL: ("secondary", "…"),
    verdicts.WITHIN_MARGIN: ("secondary", "±"),
}


def status_badge(status: str) -> dbc.Badge:
    status = verdicts.canonical_status(status)
    colour, symbol = STATUS_STYLE[status]
    return dbc.Badge([html.Span(symbol, **{"aria-hidden": "true"}), " ",
                      verdicts.STATUS_LABELS[status]],
                     color=colour, className=f"status-badge status-{status}")


def value_text(value: float | None, unit: str) -> str:
    return format_value(value, unit)


def judged_class(status: str) -> str:
    """The class that greys a value too few requests stand behind (the badge says why)."""
    return "value-too-few" if verdicts.canonical_status(status) == verdicts.TOO_FEW else ""


def margin_text(margin: float | None, unit: str) -> str:
    """A survey value's 95% margin of error as written beside it: " ± 3.2 points"."""
    if margin is None:
        return ""
    return f" ± {margin:.1f} points" if unit == "percent" else f" ± {margin:g}"


def value_with_margin(value: float | None, margin: float | None, unit: str) -> str:
    """"47.9% ± 3.2 points" (a value with no margin reads as format_value alone)."""
    text = format_value(value, unit)
    return text + margin_text(margin, unit) if value is not None else text


def headline_value(summary: dict, class_name: str) -> html.Span:
    """A measure's headline value, greyed when it rests on too few requests to judge; a survey
    value carries its 95% margin of error ("48% ± 3.2 points")."""
    text = value_with_margin(summary["latest_value"], summary.get("margin_of_error"),
                             summary["unit"])
    return html.Span(text, className=f"{class_name} {judged_class(summary['status'])}".strip())


def provisional_note(eligible: int | None, unknown: int | None) -> html.Span:
    return html.Span([html.Strong("provisional"), ": ",
                      verdicts.provisional_reason(eligible, unknown)],
                     className="provisional-note")


def _points(value: float) -> str:
    return f"{value:.1f} point{'' if round(abs(value), 1) == 1 else 's'}"


def verdict_words(summary: dict) -> str | None:
    """A survey value within its margin of error of the target, said in words: the gap and the
    margin, and that the sample cannot tell met from missed."""
    if verdicts.canonical_status(summary["status"]) != verdicts.WITHIN_MARGIN:
        return None
    value, target, margin = (summary["latest_value"], summary["target"],
                             summary.get("margin_of_error"))
    if value is None or target is None or margin is None:
        return None
    unit = summary["unit"]
    gap = abs(value - target)
    distance = _points(gap) if unit == "percent" else format_value(gap, unit)
    return (f"Within the margin of error: {format_value(value, unit)} is {distance} from the "
            f"target of {format_value(target, unit)}, no more than its 95% margin of error "
            f"({margin_text(margin, unit).strip()}), so the survey cannot tell "
            "whether the target was met.")


def change_words(summary: dict) -> str | None:
    """A survey value's change since the wave before, judged against the margin of error of
    the difference (``verdicts.change_margin``): "Since December 2021: −0.3 points, no change
    beyond the margin of error (± 4.5 points)". Said only for values with a margin: a count's
    month-to-month change is not a finding."""
    change, before = summary.get("change"), summary.get("previous_value")
    if (not change or before is None or summary["latest_value"] is None
            or summary.get("margin_of_error") is None):
        return None
    since = f"Since {period_label(summary['previous_period'])}"
    if change == verdicts.ACROSS_BREAK:
        return f"{since}: {verdicts.change_label(change).lower()}."
    unit = summary["unit"]
    difference = summary["latest_value"] - before
    margin = verdicts.change_margin(summary.get("previous_margin_of_error"),
                                    summary.get("margin_of_error"))
    moved = (f"{'+' if difference > 0 else '−' if difference < 0 else '±'}"
             + (_points(abs(difference)) if unit == "percent"
                else format_value(abs(difference), unit)))
    words = {verdicts.NO_CLEAR_CHANGE: "no change beyond the margin of error",
             verdicts.IMPROVED: "better, beyond the margin of error",
             verdicts.WORSENED: "worse, beyond the margin of error"}.get(change)
    if words is None:
        return None
    return f"{since}: {moved}, {words}" + (f" ({margin_text(margin, unit).strip()})."
                                           if margin else ".")


def headline_facts(summary: dict) -> list:
    """What stands beside every headline value: its n, the day the data runs through, and
    whether it is provisional (with the reason); for a survey value, that it is unweighted with
    a 95% margin of error, and its change since the wave before against that margin."""
    facts = [html.Span(n_text(summary["n"], summary["kind"]), className="headline-n")]
    if summary.get("margin_of_error") is not None:
        facts += [" · ", html.Span("95% margin of error, unweighted sample",
                                   className="survey-caveat")]
    share = summary.get("coverage_share")
    if share is not None and share < 1:
        # Police counts of reports placed on the map: how many reports had a location.
        located = format_value(share * 100, "percent")
        facts += [" · ", html.Span(f"location known for {located} of reports",
                                   className="coverage-share")]
    elif share is None and summary["kind"] == "kcpd" and summary.get("latest_period"):
        # The year's share is computed from its total, which a year in progress lacks.
        facts += [" · ", html.Span("share of reports with a location not known yet",
                                   className="coverage-share")]
    if summary["data_through"]:
        facts += [" · ", html.Span(f"data through {day_label(summary['data_through'])}",
                                   className="data-through")]
    if summary["provisional"]:
        facts += [" · ", provisional_note(summary.get("eligible"), summary.get("unknown"))]
    change = change_words(summary)
    if change:
        facts += [html.Span(change, className="change-words d-block")]
    return facts


def partial_text(summary: dict) -> str | None:
    """The month in progress, said apart from the headline and with no verdict:
    "September 2020 so far (partial month, data through 9 Sep 2020): 116 requests"."""
    if not summary.get("partial_period"):
        return None
    value, n, unit = summary["partial_value"], summary["partial_n"], summary["unit"]
    # A count measure's value is its n; a rate or median says what it rests on.
    kind = summary["kind"]
    amount = (counted(round(value), kind) if unit == "count" and value is not None
              else f"{format_value(value, unit)}, {n_text(n, kind)}")
    return (f"{period_label(summary['partial_period'])} so far (partial month, data through "
            f"{day_label(summary['data_through'])}): {amount}")


def partial_line(summary: dict, class_name: str = "partial-month small") -> html.P | None:
    text = partial_text(summary)
    return html.P(text, className=class_name) if text else None


def first_coverage(summaries: list[dict]) -> dict | None:
    """The 311 data's coverage, which every 311 measure's summary carries."""
    return next((s["coverage"] for s in summaries if s["kind"] == "311" and s.get("coverage")),
                None)


def scope_notice(coverage: dict | None, other_scope: str | None = None) -> html.Aside | None:
    """Near the top of every public page with 311 numbers: how much of the city the data
    covers, the day it runs through, its source, and why some values are grey. A page of
    survey figures alone says their own scope (``other_scope``) instead."""
    if not coverage:
        return (html.Aside([html.Strong("About these numbers: "),
                            html.Span(other_scope, className="scope-text")],
                           className="scope-notice", role="note",
                           **{"aria-label": "About these numbers"}) if other_scope else None)
    source = [html.A(name, href=coverage["source_url"]) if coverage["source_url"] else name
              for name in coverage["dataset_names"]] or ["Kansas City 311 service requests"]
    return html.Aside([
        html.Strong("About these numbers: "),
        html.Span(f"311 data from {coverage['scope']}", className="scope-text"), ", ",
        html.Span(f"requests from {day_label(coverage['data_from'])}, data through "
                  f"{day_label(coverage['data_through'])}", className="data-through"), ". ",
        "Source: ", *source, " (data.kcmo.org). ",
        f"A rate or median on fewer than {verdicts.min_n()} requests is shown grey and is "
        f"“{verdicts.STATUS_LABELS[verdicts.TOO_FEW].lower()}”; a month still in progress is "
        "shown apart and never judged.",
    ], className="scope-notice", role="note", **{"aria-label": "About these numbers"})


def status_sentence(counts: dict[str, int]) -> str:
    """``measures.status_counts`` in words; the overview, area pages and the staff page all
    say it this way."""
    total = sum(counts.values())
    label = verdicts.STATUS_LABELS
    within = counts.get(verdicts.WITHIN_MARGIN, 0)
    return (f"{total} measure{'' if total == 1 else 's'}: {counts[verdicts.MET]} met their "
            f"target, {counts[verdicts.MISSED]} missed it, "
            + (f"{within} {label[verdicts.WITHIN_MARGIN].lower()}, " if within else "")
            + f"{counts[verdicts.TOO_FEW]} {label[verdicts.TOO_FEW].lower()}, "
            f"{counts[verdicts.NO_TARGET]} {label[verdicts.NO_TARGET].lower()}, "
            "in their latest complete period.")


def target_text(target: float | None, unit: str, direction: str) -> str:
    if target is None:
        return "No target set"
    comparison = "at least" if direction == "higher" else "at most"
    return f"Target: {comparison} {format_value(target, unit)}"


def empty_state(title: str, body: str, action: html.A | None = None) -> html.Div:
    children = [html.H2(title, className="h5"), html.P(body)]
    if action is not None:
        children.append(action)
    return html.Div(children, className="empty-state")


def period_text(period: str | None) -> str:
    return period_label(period) if period else "no data yet"


def stale_alert(freshness: dict) -> dbc.Alert | None:
    """At a live meeting, data last updated more than 60 days ago is said out loud."""
    if not freshness.get("stale"):
        return None
    return dbc.Alert([html.Strong(f"Data last updated {day_label(freshness['data_through'])}: "
                                  f"more than {verdicts.STALE_AFTER_DAYS} days before this "
                                  "meeting."),
                      " The figures below may not reflect recent months."],
                     color="warning", className="stale-data")

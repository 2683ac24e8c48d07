"""Small building blocks shared by pages: status badges, values with their n, the data's scope,
empty states."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from kcstat_dash.i18n import DEFAULT_LANGUAGE, N_, _, language, ngettext
from kcstat_dash.services import verdicts
from kcstat_dash.services.formatting import (
    counted,
    day_label,
    format_value,
    n_text,
    number,
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
                      verdicts.status_words(status)],
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
    if unit == "percent":
        return " ± " + _points(margin)
    return " ± " + number(margin, 0 if float(margin).is_integer() else 1)


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
    return html.Span([html.Strong(_("provisional")), ": ",
                      verdicts.provisional_reason(eligible, unknown)],
                     className="provisional-note")


def _points(value: float) -> str:
    """``3.2 points`` (a difference of percentages, in percentage points)."""
    return ngettext("{number} point", "{number} points", 1 if round(abs(value), 1) == 1 else 2,
                    number=number(value, 1))


def english_mark(summary: dict, key: str) -> dict:
    """``lang="en"`` for a component showing ``summary[key]`` when that word has no translation
    yet (``measure_words.localized`` lists them in ``english``)."""
    return {"lang": "en"} if key in summary.get("english", ()) else {}


def in_english(text, **attributes) -> html.Span:
    """Text that has no translation yet, marked as English on a page in another language
    (WCAG 3.1.2), so a screen reader reads it with English sounds."""
    if language() == DEFAULT_LANGUAGE:
        return html.Span(text, **attributes)
    return html.Span(text, lang="en", **attributes)


# Stands for a component inside a translated sentence (see with_parts).
PART = "\x00"


def with_parts(sentence: str, *parts) -> list:
    """A translated sentence whose ``{field}``s were given ``PART``, with ``parts`` put where
    they fall in that language's word order: a link or a marked name inside a sentence."""
    pieces = sentence.split(PART)
    assert len(pieces) == len(parts) + 1, "one part for each PART in the sentence"
    children = [pieces[0]]
    for part, after in zip(parts, pieces[1:], strict=True):
        children += [part, after]
    return [child for child in children if child != ""]


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
    return _("Within the margin of error: {value} is {distance} from the target of {target}, "
             "no more than its 95% margin of error ({margin}), so the survey cannot tell "
             "whether the target was met.", value=format_value(value, unit), distance=distance,
             target=format_value(target, unit), margin=margin_text(margin, unit).strip())


CHANGE_WORDS = {verdicts.NO_CLEAR_CHANGE: N_("no change beyond the margin of error"),
                verdicts.IMPROVED: N_("better, beyond the margin of error"),
                verdicts.WORSENED: N_("worse, beyond the margin of error")}


def change_words(summary: dict) -> str | None:
    """A survey value's change since the wave before, judged against the margin of error of
    the difference (``verdicts.change_margin``): "Since December 2021: −0.3 points, no change
    beyond the margin of error (± 4.5 points)". Said only for values with a margin: a count's
    month-to-month change is not a finding."""
    change, before = summary.get("change"), summary.get("previous_value")
    if (not change or before is None or summary["latest_value"] is None
            or summary.get("margin_of_error") is None):
        return None
    since = period_label(summary["previous_period"])
    if change == verdicts.ACROSS_BREAK:
        return _("Since {period}: {change}.", period=since,
                 change=verdicts.change_label(change).lower())
    unit = summary["unit"]
    difference = summary["latest_value"] - before
    margin = verdicts.change_margin(summary.get("previous_margin_of_error"),
                                    summary.get("margin_of_error"))
    moved = (f"{'+' if difference > 0 else '−' if difference < 0 else '±'}"
             + (_points(abs(difference)) if unit == "percent"
                else format_value(abs(difference), unit)))
    words = CHANGE_WORDS.get(change)
    if words is None:
        return None
    if margin:
        return _("Since {period}: {moved}, {words} ({margin}).", period=since, moved=moved,
                 words=_(words), margin=margin_text(margin, unit).strip())
    return _("Since {period}: {moved}, {words}.", period=since, moved=moved, words=_(words))


def headline_facts(summary: dict) -> list:
    """What stands beside every headline value: its n, the day the data runs through, and
    whether it is provisional (with the reason); for a survey value, that it is unweighted with
    a 95% margin of error, and its change since the wave before against that margin."""
    facts = [html.Span(n_text(summary["n"], summary["kind"]), className="headline-n")]
    if summary.get("margin_of_error") is not None:
        facts += [" · ", html.Span(_("95% margin of error, unweighted sample"),
                                   className="survey-caveat")]
    share = summary.get("coverage_share")
    if share is not None and share < 1:
        # Police counts of reports placed on the map: how many reports had a location.
        located = format_value(share * 100, "percent")
        facts += [" · ", html.Span(_("location known for {share} of reports", share=located),
                                   className="coverage-share")]
    elif share is None and summary["kind"] == "kcpd" and summary.get("latest_period"):
        # The year's share is computed from its total, which a year in progress lacks.
        facts += [" · ", html.Span(_("share of reports with a location not known yet"),
                                   className="coverage-share")]
    if summary["data_through"]:
        facts += [" · ", html.Span(_("data through {day}", day=day_label(summary["data_through"])),
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
              else _("{value}, {n}", value=format_value(value, unit), n=n_text(n, kind)))
    return _("{period} so far (partial month, data through {day}): {amount}",
             period=period_label(summary["partial_period"]),
             day=day_label(summary["data_through"]), amount=amount)


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
    about = _("About these numbers")
    if not coverage:
        return (html.Aside([html.Strong(_("About these numbers:") + " "),
                            html.Span(other_scope, className="scope-text")],
                           className="scope-notice", role="note",
                           **{"aria-label": about}) if other_scope else None)
    # A dataset's title is its publisher's English name, marked so (WCAG 3.1.2).
    source = [html.A(name, href=coverage["source_url"], lang="en") if coverage["source_url"]
              else html.Span(name, lang="en")
              for name in coverage["dataset_names"]] or [_("Kansas City 311 service requests")]
    return html.Aside([
        html.Strong(_("About these numbers:") + " "),
        html.Span(_("311 data from {scope}", scope=coverage["scope"]), className="scope-text"),
        ", ",
        html.Span(_("requests from {first}, data through {last}",
                    first=day_label(coverage["data_from"]),
                    last=day_label(coverage["data_through"])), className="data-through"), ". ",
        _("Source:") + " ", *source, " (data.kcmo.org). ",
        _("A rate or median on fewer than {min_n} requests is shown grey and is “{too_few}”; a "
          "month still in progress is shown apart and never judged.", min_n=verdicts.min_n(),
          too_few=verdicts.status_words(verdicts.TOO_FEW).lower()),
    ], className="scope-notice", role="note", **{"aria-label": about})


def status_sentence(counts: dict[str, int]) -> str:
    """``measures.status_counts`` in words; the overview, area pages and the staff page all
    say it this way."""
    total = sum(counts.values())
    within = counts.get(verdicts.WITHIN_MARGIN, 0)
    fields = {"met": counts[verdicts.MET], "missed": counts[verdicts.MISSED],
              "within": within, "too_few": counts[verdicts.TOO_FEW],
              "no_target": counts[verdicts.NO_TARGET]}
    if within:
        return ngettext("{count} measure: {met} met their target, {missed} missed it, {within} "
                        "within the margin of error, {too_few} too few to judge, {no_target} no "
                        "target, in their latest complete period.",
                        "{count} measures: {met} met their target, {missed} missed it, {within} "
                        "within the margin of error, {too_few} too few to judge, {no_target} no "
                        "target, in their latest complete period.", total, **fields)
    fields.pop("within")
    return ngettext("{count} measure: {met} met their target, {missed} missed it, {too_few} too "
                    "few to judge, {no_target} no target, in their latest complete period.",
                    "{count} measures: {met} met their target, {missed} missed it, {too_few} too "
                    "few to judge, {no_target} no target, in their latest complete period.",
                    total, **fields)


def target_text(target: float | None, unit: str, direction: str) -> str:
    if target is None:
        return _("No target set")
    if direction == "higher":
        return _("Target: at least {target}", target=format_value(target, unit))
    return _("Target: at most {target}", target=format_value(target, unit))


def empty_state(title: str, body: str, action: html.A | None = None) -> html.Div:
    children = [html.H2(title, className="h5"), html.P(body)]
    if action is not None:
        children.append(action)
    return html.Div(children, className="empty-state")


def period_text(period: str | None) -> str:
    return period_label(period) if period else _("no data yet")


def stale_alert(freshness: dict) -> dbc.Alert | None:
    """At a live meeting, data last updated more than 60 days ago is said out loud."""
    if not freshness.get("stale"):
        return None
    return dbc.Alert([html.Strong(_("Data last updated {day}: more than {days} days before "
                                    "this meeting.", day=day_label(freshness["data_through"]),
                                    days=verdicts.STALE_AFTER_DAYS)),
                      " " + _("The figures below may not reflect recent months.")],
                     color="warning", className="stale-data")

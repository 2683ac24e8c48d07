"""A measure page: trend with target, narrative, peers, and the neighborhood breakdown."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from kcstat_dash.i18n import DEFAULT_LANGUAGE, N_, _, language, ngettext
from kcstat_dash.services import verdicts
from kcstat_dash.services.formatting import (
    counted,
    day_label,
    format_value,
    n_text,
    noun,
    number,
    period_label,
)
from kcstat_dash.services.neighborhoods import outlines
from layouts.charts import neighborhood_map, segments, trend_figure
from layouts.citing import cite_section
from layouts.components import (
    empty_state,
    english_mark,
    headline_facts,
    headline_value,
    in_english,
    judged_class,
    partial_line,
    period_text,
    provisional_note,
    scope_notice,
    status_badge,
    target_text,
    value_with_margin,
    verdict_words,
)


def _period_cell(point: dict, series_break: str | None) -> list:
    cell = [period_label(point["period"])]
    if series_break and point["period"] == series_break:
        cell.append(html.Div(_("Records system changed: not comparable with earlier periods"),
                             className="small series-break-note"))
    return cell


def data_table(detail: dict, recent: int = 24) -> html.Details:
    """The chart's text alternative: the values themselves with their n, newest first; a
    survey's values with their margin of error and their change since the wave before."""
    points = list(reversed(detail["observations"]))[:recent]
    unit = detail["unit"]
    survey = any(p.get("margin_of_error") is not None for p in points)
    # Police counts of reports placed on the map: the share of the year's reports with one.
    placed = detail["kind"] == "kcpd" and any(
        p.get("coverage_share") is not None and p["coverage_share"] < 1 for p in points)
    headings = [N_("Period"), N_("Value"), N_("n"), N_("Target"), N_("Status")] + (
        [N_("Change since the wave before")] if survey else []) + (
        [N_("Reports with a location")] if placed else [])
    return html.Details([
        html.Summary(ngettext("Data table (latest {count} period)",
                              "Data table (latest {count} periods)", len(points))),
        dbc.Table([
            html.Thead(html.Tr([html.Th(_(heading), scope="col") for heading in headings])),
            html.Tbody([html.Tr([
                html.Td(_period_cell(p, detail.get("series_break"))),
                html.Td(value_with_margin(p["value"], p.get("margin_of_error"), unit)),
                # The column is headed n; the number alone keeps the table on a phone's width.
                html.Td(number(p["n"]) if p["n"] is not None else _("not published"),
                        className="num"),
                html.Td(format_value(p["target"], unit) if p["target"] is not None else "—"),
                html.Td([status_badge(p["status"]),
                         html.Div(provisional_note(p["eligible"], p["unknown"]), className="small")
                         if p["provisional"] else None]),
                html.Td(verdicts.change_label(p["change"]) if p.get("change") else "—")
                if survey else None,
                html.Td(format_value(p["coverage_share"] * 100, "percent")
                        if p.get("coverage_share") is not None
                        else _("not known yet"), className="num") if placed else None,
            ], className=judged_class(p["status"]) and "row-too-few") for p in points]),
        ], size="sm", responsive=True),
    ], className="data-table")


def _span_text(points: list[dict], detail: dict) -> str:
    """One stretch of a series in words: its periods, lowest, highest and latest value."""
    unit = detail["unit"]
    values = [p["value"] for p in points]
    latest = points[-1]
    latest_value = value_with_margin(latest["value"], latest.get("margin_of_error"), unit)
    return ngettext("{count} complete period from {first} to {last}; lowest {lowest}, highest "
                    "{highest}, latest {latest} ({n}).",
                    "{count} complete periods from {first} to {last}; lowest {lowest}, highest "
                    "{highest}, latest {latest} ({n}).", len(points),
                    first=period_label(points[0]["period"]), last=period_label(latest["period"]),
                    lowest=format_value(min(values), unit), highest=format_value(max(values), unit),
                    latest=latest_value, n=n_text(latest["n"], detail["kind"]))


def chart_summary(detail: dict) -> str:
    """The chart in words. Met is counted only among the periods judged (a partial month, a
    value on too few requests or one with no target is not). A series with a break is
    described one side at a time: nothing is compared across it."""
    points = detail["observations"]
    if not points:
        return _("No values yet.")
    complete = [p for p in points if not p["partial"]] or points
    parts = segments(complete)
    if len(parts) > 1:
        text = _("The series breaks at {period} (the records system changed), marked on the "
                 "chart; the two sides are not compared. Before: {before} From then: {after}",
                 period=period_label(parts[1][0]["period"]), before=_span_text(parts[0], detail),
                 after=_span_text(parts[-1], detail))
    else:
        text = _span_text(complete, detail)
    if any(p.get("margin_of_error") is not None for p in points):
        text += " " + _("Bars show each value's 95% margin of error (unweighted sample); a "
                        "change within the margins is not a real difference.")
    partial = [p for p in points if p["partial"]]
    if partial:
        text += " " + _("{period} is a partial month (data through {day}) and is not judged.",
                        period=period_label(partial[-1]["period"]),
                        day=day_label(detail["data_through"]))
    met = sum(p["status"] == verdicts.MET for p in points)
    judged = sum(verdicts.is_verdict(p["status"]) for p in points)
    within = sum(p["status"] == verdicts.WITHIN_MARGIN for p in points)
    too_few = sum(p["status"] == verdicts.TOO_FEW for p in points)
    if judged:
        text += " " + ngettext(
            "The target was met in {met} of the {count} period judged against a target.",
            "The target was met in {met} of the {count} periods judged against a target.",
            judged, met=number(met))
    if within:
        text += " " + ngettext(
            "{count} period came within the margin of error of the target: neither met nor "
            "missed.",
            "{count} periods came within the margin of error of the target: neither met nor "
            "missed.", within)
    if too_few:
        text += " " + ngettext("{count} period had too few {things} to judge (fewer than {min_n}).",
                               "{count} periods had too few {things} to judge (fewer than "
                               "{min_n}).", too_few, things=noun(detail["kind"]),
                               min_n=verdicts.min_n())
    return text


def narrative_text(detail: dict) -> list:
    """The analysts' narrative in the page's language: on a Spanish page its Spanish version
    when one was written, else the English (marked as English, WCAG 3.1.2) after a note saying
    no Spanish version exists yet."""
    spanish = detail.get("narrative_es")
    if language() == "es" and spanish:
        return [html.P(spanish, className="narrative")]
    if language() == DEFAULT_LANGUAGE:
        return [html.P(detail["narrative"], className="narrative")]
    return [html.P(_("This explanation has no Spanish version yet; here it is in English."),
                   className="small text-muted narrative-untranslated"),
            html.P(detail["narrative"], className="narrative", lang="en")]


def narrative_section(detail: dict) -> html.Section:
    children = [html.H2(_("What the city says"), className="h4")]
    if detail["narrative"]:
        children += narrative_text(detail)
    elif detail["narrative_missing"]:
        missed_in = period_text(detail["latest_period"])
        children.append(dbc.Alert([html.Strong(_("Narrative missing.") + " "),
                                   _("The target was missed in {period} and no explanation has "
                                     "been published yet.", period=missed_in)],
                                  color="warning", className="narrative-missing"))
    else:
        children.append(html.P(_("No narrative for the latest period.")))
    return html.Section(children, className="mb-4")


def peers_section(detail: dict) -> html.Section | None:
    if not detail["peers"]:
        return None
    unit = detail["unit"]
    own = {p["period"]: p["value"] for p in detail["observations"]}
    return html.Section([
        html.H2(_("How Kansas City compares"), className="h4"),
        dbc.Table([
            html.Thead(html.Tr([html.Th(_(heading), scope="col") for heading in (
                N_("Period"), N_("Compared with"), N_("Their value"), N_("Kansas City"),
                N_("Source"))])),
            html.Tbody([html.Tr([
                html.Td(period_label(p["period"])), html.Td(p["peer"]),
                html.Td(format_value(p["value"], unit)),
                html.Td(format_value(own.get(p["period"]), unit)),
                html.Td(html.A(_("source"), href=p["source_url"]) if p["source_url"] else "—"),
            ]) for p in detail["peers"]]),
        ], size="sm", responsive=True),
    ], className="mb-4 peers")


def districts_section(detail: dict) -> html.Section | None:
    """A survey measure by council district: each wave's value with its margin of error and n.
    District samples are small (margins about ±7–8 points), so the caption says what a gap
    between districts may mean."""
    rows = detail.get("districts") or []
    if not rows:
        return None
    unit = detail["unit"]
    waves = sorted({r["period"] for r in rows})
    districts = sorted({r["district"] for r in rows}, key=lambda d: (len(d), d))
    cell = {(r["district"], r["period"]): r for r in rows}

    def value_cell(district: str, period: str) -> html.Td:
        row = cell.get((district, period))
        if row is None:
            return html.Td(_("no answers"), className="num")
        return html.Td([value_with_margin(row["value"], row["margin_of_error"], unit),
                        html.Div(n_text(row["n"], detail["kind"]), className="small")],
                       className="num")

    return html.Section([
        html.H2(_("By council district"), className="h4"),
        dbc.Table([
            html.Caption(
                _("{measure}, by council district and survey wave: percent with its 95% margin "
                  "of error and n (respondents who answered). Unweighted. District samples are "
                  "small, so a gap between districts no larger than their margins is not a real "
                  "difference.", measure=detail["name"]), className="small text-muted"),
            html.Thead(html.Tr([html.Th(_("Council district"), scope="col")]
                               + [html.Th(period_label(w), scope="col") for w in waves])),
            html.Tbody([html.Tr([html.Th(_("District {district}", district=d), scope="row")]
                                + [value_cell(d, w) for w in waves]) for d in districts]),
        ], size="sm", responsive=True, className="districts-table"),
        html.P([_("Source:") + " ", html.A(detail["source"], href=detail["source_url"])
                if detail["source_url"] else detail["source"], "."],
               className="small source-credit"),
    ], className="mb-4 districts")


def window_words(window: str) -> str:
    """The neighborhood table's twelve months as stored ("2019-09 to 2020-08"), with the
    page's word for "to" (the months stay in ISO form, the same in every language)."""
    first, separator, last = window.partition(" to ")
    return _("{first} to {last}", first=first, last=last) if separator else window


def neighborhoods_section(detail: dict) -> html.Section | None:
    rows = detail["neighborhoods"]
    if not rows:
        return None
    unit, kind = detail["unit"], detail["kind"]
    nothing = noun(kind)
    figure = neighborhood_map(detail)
    chart = html.Figure([
        dcc.Graph(figure=figure, config={"displayModeBar": False, "responsive": True},
                  className="neighborhood-map"),
        html.Figcaption(_("Map of the neighborhoods with data, darker for higher values; grey "
                          "neighborhoods have no {things}. The table below lists the same "
                          "values.", things=nothing), className="small text-muted"),
    ], className="mb-3") if figure is not None else None
    # Names the boundary file does not have are listed, with their count, never dropped.
    shapes = outlines()
    off_map = [r for r in rows if r["neighborhood"] not in shapes]
    not_on_map = html.P(
        ngettext("Not on the map ({count} name the boundary file does not have, {counted}): "
                 "{names}. They are in the table.",
                 "Not on the map ({count} names the boundary file does not have, {counted}): "
                 "{names}. They are in the table.", len(off_map),
                 counted=counted(sum(r["request_count"] or 0 for r in off_map), kind),
                 names=", ".join(r["neighborhood"] for r in off_map)),
        className="small not-on-map") if off_map and figure is not None else None
    few = [verdicts.is_too_few(r["request_count"], detail["judged_on_n"]) for r in rows]
    note = (_("Grey rows rest on fewer than {min_n} {things}: too few to judge.",
              min_n=verdicts.min_n(), things=nothing) if any(few) else None)
    return html.Section([
        html.H2(_("By neighborhood, {window}", window=window_words(rows[0]["window"])),
                className="h4"),
        chart,
        not_on_map,
        dbc.Table([
            html.Caption(note, className="small text-muted") if note else None,
            html.Thead(html.Tr([html.Th(_("Neighborhood"), scope="col"),
                                html.Th(_("Value"), scope="col"), html.Th(_("n"), scope="col")])),
            html.Tbody([html.Tr([
                html.Td(r["neighborhood"]),
                html.Td([format_value(r["value"], unit),
                         html.Span(" " + _("(too few to judge)"), className="small")
                         if too_few else None]),
                html.Td(counted(r["request_count"], kind) if r["request_count"] is not None
                        else n_text(None, kind))],
                className="row-too-few" if too_few else None)
                for r, too_few in zip(rows, few, strict=True)]),
        ], size="sm", responsive=True),
    ], className="mb-4 neighborhoods")


def render(detail: dict | None, slug: str | None = None) -> html.Div:
    """The page from ``services.page_data.measure_page`` (None: no measure at ``slug``)."""
    if detail is None:
        return empty_state(_("Measure not found"),
                           _("No measure is published as “{slug}”.", slug=slug),
                           html.A(_("See all measures"), href="/"))
    unit = detail["unit"]
    header = html.Div([
        html.P(html.A(detail["area"], href=f"/areas/{detail['area_slug']}",
                      **english_mark(detail, "area")), className="eyebrow"),
        html.H1(detail["name"], **english_mark(detail, "name")),
        scope_notice(detail["coverage"] if detail["kind"] == "311" else None,
                     detail["scope"]),
        html.P(detail["definition"], className="definition",
               **english_mark(detail, "definition")),
        # The field rule names the export's columns and codes: for analysts, in English.
        html.Details([html.Summary(_("Exact rule (for analysts)")),
                      html.P(detail["definition_rule"], className="mb-0",
                             **({} if language() == DEFAULT_LANGUAGE else {"lang": "en"}))],
                     className="definition-rule") if detail["definition_rule"] else None,
        html.P([html.Strong(_("Caveat:") + " "),
                in_english(detail["caveat"]) if "caveat" in detail.get("english", ())
                else detail["caveat"]], className="caveat")
        if detail.get("caveat") else None,
        html.Div([
            headline_value(detail, "big-number"),
            html.Span(" " + _("in {period}", period=period_text(detail["latest_period"])) + " ",
                      className="period"),
            status_badge(detail["status"]),
            html.P(verdict_words(detail), className="verdict-words mb-1")
            if verdict_words(detail) else None,
            html.Div(headline_facts(detail), className="headline-facts"),
            html.Div(target_text(detail["target"], unit, detail["direction"]),
                     className="text-muted"),
            partial_line(detail, "partial-month mb-0 mt-2"),
        ], className="headline-value"),
    ])
    chart = (html.Section([
        html.H2(_("Trend"), className="h4"),
        html.P(chart_summary(detail), className="chart-summary", id="chart-summary"),
        dcc.Graph(id={"type": "measure-chart", "slug": detail["slug"]},
                  figure=trend_figure(detail), config={"displayModeBar": False, "responsive": True},
                  className="trend-chart"),
        data_table(detail),
    ], className="mb-4") if detail["observations"] else empty_state(
        _("No values yet"), _("This measure has no data loaded. Import 311 data to compute it.")))
    source = html.P([_("Source:") + " ", html.A(detail["source"], href=detail["source_url"])
                     if detail["source_url"] else detail["source"]], className="source")
    cite = cite_section(detail) if detail["observations"] else None
    sections = [header, chart, cite, narrative_section(detail), peers_section(detail),
                districts_section(detail), neighborhoods_section(detail), source]
    return html.Div([s for s in sections if s is not None], className="measure-page")


def title(slug: str | None = None, **_query) -> str:
    """The page's title in the request's language (Dash Pages calls it per request)."""
    return _("KCStat Dash — {page}", page=slug or _("Measure"))


def register(layout) -> None:
    """Register the page; ``layout`` (callbacks/pages.py) loads its data and calls render."""
    dash.register_page(__name__, path_template="/measures/<slug>", name="Measure", title=title,
                       layout=layout)

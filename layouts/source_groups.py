"""An area's measures grouped by where their numbers come from, each group under a heading that
names its source, so a police count never stands under a survey heading (or the reverse)."""

from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import html

from kcstat_dash.i18n import N_, _
from kcstat_dash.services.formatting import day_label
from layouts.overview import measure_row


@dataclass(frozen=True)
class SourceGroup:
    kind: str
    heading: str  # marked for the catalog; shown translated
    about: str  # what the numbers are, and what not to read into them


GROUPS = (
    SourceGroup("311", N_("From 311 service requests"),
                N_("Requests residents made to the city's 311 service; n is the number of "
                   "requests a value rests on.")),
    SourceGroup("kcpd", N_("From KCPD crime reports"),
                N_("Reports taken by the Kansas City Police Department, each report counted once "
                   "however many people it involved. A count is every report, not a sample: its "
                   "n is the count. KCPD changed its records system in 2019, so no trend is "
                   "claimed across that break.")),
    SourceGroup("fbi-ucr", N_("FBI Uniform Crime Reporting (historical, peer context)"),
                N_("Offenses KCPD reported to the FBI from 1985 to 2014, counted by the FBI's "
                   "own rules: a separate series that ends in 2014, never joined to the KCPD "
                   "reports.")),
    SourceGroup("resident-survey", N_("From the resident satisfaction survey"),
                N_("A sample of residents each quarter. Each value carries its 95% margin of "
                   "error; a gap or change within it is not a real difference. Unweighted: "
                   "computed from the survey's response files, not weighted to the city's "
                   "population as the city's published results are.")),
    SourceGroup("survey", N_("Published survey figures"),
                N_("Figures the city published from its resident satisfaction survey. The "
                   "publisher gave no sample size, so n is not known.")),
)
BY_KIND = {g.kind: g for g in GROUPS}


def grouped(summaries: list[dict]) -> list[tuple[SourceGroup, list[dict]]]:
    """The measures by source, in the groups' order (311 first); a kind this module does not
    know gets a group of its own after them, never another source's heading."""
    kinds = [g.kind for g in GROUPS]
    kinds += sorted({s["kind"] for s in summaries} - set(kinds))
    groups = []
    for kind in kinds:
        members = [s for s in summaries if s["kind"] == kind]
        if members:
            groups.append((BY_KIND.get(kind) or SourceGroup(kind, "", ""), members))
    return groups


def source_line(members: list[dict]) -> html.P:
    """The group's source (credited and linked) and how far its data runs."""
    sources: dict[str, str | None] = {}
    for summary in members:
        sources.setdefault(summary["source"], summary["source_url"])
    credits: list = [_("Source:") + " "]
    for number, (name, url) in enumerate(sources.items()):
        credits += ["; " if number else "", html.A(name, href=url) if url else name]
    through = [s["data_through"] for s in members if s.get("data_through")]
    credits.append(". " + _("Data through {day}.", day=day_label(max(through))) if through
                   else ".")
    return html.P(credits, className="small source-credit mb-2")


def heading(group: SourceGroup) -> str:
    """The group's heading in the page's language (a kind this module does not know is named
    by its code)."""
    return _(group.heading) if group.heading else _("From {kind} data", kind=group.kind)


def group_section(group: SourceGroup, members: list[dict]) -> html.Section:
    title = heading(group)
    return html.Section([
        html.H2(title, className="h4"),
        html.P(_(group.about), className="small text-muted mb-1 source-about") if group.about
        else None,
        source_line(members),
        dbc.Table([
            html.Caption(_("{heading}: latest complete value, n and status of each measure",
                           heading=title), className="visually-hidden"),
            html.Thead(html.Tr([html.Th(_(column), scope="col") for column in (
                N_("Measure"), N_("Latest"), N_("Latest complete period"), N_("Status"))])),
            html.Tbody([measure_row(s) for s in members]),
        ], responsive=True, className="measures-table align-middle"),
    ], className=f"mb-4 source-group source-{group.kind}",
        **{"data-kind": group.kind})

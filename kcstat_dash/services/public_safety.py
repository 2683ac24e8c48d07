"""Public Safety measures from police reports: KCPD's monthly counts by NIBRS category and
yearly totals (from the bundled aggregates, or from imported reports), and the FBI's UCR
series for 1985–2014 as a separate series.

A count's n is the count itself. Where the count is of reports placed in a neighborhood, each
value carries the share of that year's reports that had a location; KCPD's 2019 records-system
change is a break in every KCPD series (no trend or change is claimed across it).
"""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from kcstat_dash.i18n import N_
from kcstat_dash.models import (
    CrimeReport,
    ImportRun,
    Measure,
    NeighborhoodObservation,
    Observation,
    utcnow,
)
from kcstat_dash.services import nibrs, verdicts
from kcstat_dash.services.formatting import period_end
from kcstat_dash.services.own_scope import KIND_KCPD, KIND_UCR

KCPD_CREDIT = "KCPD Crime Data, data.kcmo.org"
FBI_CREDIT = "FBI Crime Data Explorer"
FBI_URL = "https://cde.ucr.cjis.gov/"
KCPD_URL = "https://data.kcmo.org/browse?q=KCPD%20Crime%20Data"
# KCPD Crime Data, one table a year on data.kcmo.org (fetched 2026-07-18 for the aggregates).
KCPD_TABLES = {2015: "kbzx-7ehe", 2016: "wbz8-pdv7", 2017: "98is-shjt", 2018: "dmjw-d28i",
               2019: "pxaa-ahcm", 2020: "vsgj-uufz", 2021: "w795-ffu6", 2022: "x39y-7d3m",
               2023: "bfyq-5nh6", 2024: "isbe-v4d8", 2025: "dmnp-9ajg", 2026: "f7wj-ckmw"}
RECORDS_BREAK_MONTH, RECORDS_BREAK_YEAR = "2019-01", "2019"
NEIGHBORHOOD_WINDOW_MONTHS = 12
BREAK_CAVEAT = N_("KCPD changed its records system in 2019: from then on 11–18% of reports carry "
                "no NIBRS category, so counts before and after 2019 are not like-for-like and "
                "no trend is claimed across the break.")
PLACED_CAVEAT = N_("Counts reports placed in one of the city's 240 official neighborhoods. The "
                 "share of reports with a location varies: about 95% in 2015–16 and 2018, 69% "
                 "in 2017, 73–79% in 2019–21 (missing coordinates), 92–95% from 2022. Low-"
                 "coverage years undercount.")
IMPORTED_CAVEAT = N_("Counts every imported report by its reported date; each month shows the "
                   "share of its reports that have a location.")


def table_url(year: int | str) -> str:
    table = KCPD_TABLES.get(int(str(year)[:4]))
    return f"https://data.kcmo.org/d/{table}" if table else KCPD_URL


@dataclass(frozen=True)
class SafetyMeasure:
    slug: str
    name: str
    kind: str
    definition: str
    rule: str
    category: str | None = None  # a NIBRS category, for the monthly KCPD measures
    hashtag: str | None = None
    what: str | None = None  # the category in plain words, in MONTHLY_DEFINITION


# The monthly KCPD measures' definition; ``{what}`` names the category in plain words.
MONTHLY_DEFINITION = N_("How many police reports in the month were for {what}. One report "
                        "counts once, however many people it involved. Lower is better.")


def _monthly(category: str, slug: str, name: str, what: str, hashtag: str | None = None):
    return SafetyMeasure(
        slug, name, KIND_KCPD, MONTHLY_DEFINITION.format(what=what),
        f"Distinct KCPD Report_No by month of Reported_Date whose IBRS code the FBI's NIBRS "
        f"list files under \"crimes against {category}\" (a report with offenses in several "
        "categories counts under persons, then property, then society). n = that count.",
        category, hashtag, what)


MONTHLY = (
    _monthly(nibrs.PERSONS, "kcpd-crimes-against-persons", N_("Crimes against persons reported"),
             N_("crimes against persons (homicide, assault, sex offenses, kidnapping, "
                "trafficking)"),
             "crimeagainstpersons"),
    _monthly(nibrs.PROPERTY, "kcpd-crimes-against-property", N_("Crimes against property reported"),
             N_("crimes against property (robbery, burglary, theft, vehicle theft, fraud, "
                "vandalism)")),
    _monthly(nibrs.SOCIETY, "kcpd-crimes-against-society", N_("Crimes against society reported"),
             N_("crimes against society (drugs, weapons law, prostitution, gambling, "
                "disorderly conduct)")),
    SafetyMeasure(
        "kcpd-reports-uncategorised", N_("Police reports outside the NIBRS categories"),
        KIND_KCPD,
        N_("How many police reports in the month had no NIBRS category: a blank or local "
           "offense code, or one the FBI does not file under persons, property or society. "
           "Shown so the three categories can be read honestly."),
        "Distinct KCPD Report_No by month of Reported_Date whose IBRS codes are blank, local, "
        "09C, 90I or 90Z. n = that count.", nibrs.OTHER),
)
YEARLY = SafetyMeasure(
    "kcpd-reported-incidents", N_("Police reports per year (all offenses)"), KIND_KCPD,
    N_("How many reports Kansas City police took in the year, every offense, whether or not "
       "the report has a location. Lower is better."),
    "Distinct KCPD Report_No by year of Reported_Date, all IBRS codes. n = that count.")
UCR = (
    SafetyMeasure("fbi-ucr-violent-offenses",
                  N_("Violent offenses reported to the FBI (1985–2014)"), KIND_UCR,
                  N_("Violent offenses (murder, rape, robbery, aggravated assault) KCPD "
                     "reported to the FBI's Uniform Crime Reporting program each year. A "
                     "different way of counting from the NIBRS reports above: never read the "
                     "two as one line. Lower is better."),
                  "FBI UCR Summary count of violent offenses, ORI MOKPD0000, by year. "
                  "n = that count."),
    SafetyMeasure("fbi-ucr-property-offenses",
                  N_("Property offenses reported to the FBI (1985–2014)"), KIND_UCR,
                  N_("Property offenses (burglary, larceny-theft, motor vehicle theft, arson) "
                     "KCPD reported to the FBI's Uniform Crime Reporting program each year. A "
                     "different way of counting from the NIBRS reports above. Lower is "
                     "better."),
                  "FBI UCR Summary count of property offenses, ORI MOKPD0000, by year. "
                  "n = that count."),
)
UCR_CAVEAT = N_("The FBI's Summary Reporting (UCR) counts offenses by its own hierarchy rule, not "
              "NIBRS reports: this series stops in 2014 and is not continued by the KCPD "
              "series from 2015.")
ALL = (*MONTHLY, YEARLY, *UCR)


def sync_public_safety(session: Session, areas: dict) -> dict[str, Measure]:
    """Create or update the Public Safety measures (targets set by analysts stay)."""
    existing = {m.slug: m for m in session.scalars(
        select(Measure).where(Measure.slug.in_([s.slug for s in ALL])))}
    for position, spec in enumerate(ALL):
        measure = existing.get(spec.slug)
        if measure is None:
            measure = Measure(slug=spec.slug, target=None)
            session.add(measure)
            existing[spec.slug] = measure
        measure.name, measure.kind, measure.area = spec.name, spec.kind, areas["public-safety"]
        measure.unit, measure.direction = "count", "lower"
        measure.definition, measure.definition_rule = spec.definition, spec.rule
        measure.judged_on_n = False  # a count of every report is not a sample
        measure.position = 50 + position
        measure.hashtag = spec.hashtag
        if spec.kind == KIND_UCR:
            measure.source, measure.source_url = (f"{FBI_CREDIT} (summarized agency offense "
                                                  "counts, ORI MOKPD0000)"), FBI_URL
            measure.caveat, measure.series_break = UCR_CAVEAT, None
        else:
            measure.source = KCPD_CREDIT
            measure.source_url = measure.source_url or KCPD_URL
            measure.series_break = (RECORDS_BREAK_YEAR if spec is YEARLY
                                    else RECORDS_BREAK_MONTH)
    session.flush()
    return existing


# --- From the bundled aggregates -----------------------------------------------------------


def _rows(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _month_end(period: str) -> str:
    return period_end(period).isoformat()


def _replace(session: Session, measure: Measure, rows: list[dict]) -> None:
    session.execute(delete(Observation).where(Observation.measure_id == measure.id))
    session.execute(delete(NeighborhoodObservation)
                    .where(NeighborhoodObservation.measure_id == measure.id))
    if rows:
        session.execute(Observation.__table__.insert(),
                        [{"measure_id": measure.id, "partial": False, "provisional": False,
                          **row} for row in rows])


def _count_row(period: str, count: int, run: ImportRun, **extra) -> dict:
    return {"period": period, "value": float(count), "request_count": int(count),
            "import_run_id": run.id, "source_url": table_url(period), **extra}


def load_kcpd_aggregates(session: Session, areas: dict, by_category: Path, annual: Path,
                         by_neighborhood: Path) -> int:
    """The bundled KCPD aggregates as observations; returns how many were written."""
    measures = sync_public_safety(session, areas)
    run = ImportRun(kind="kcpd-aggregates", source=f"{by_category.name}, {annual.name}, "
                    f"{by_neighborhood.name}", citywide=True)
    session.add(run)
    session.flush()
    category_rows = _rows(by_category)
    written = 0
    for spec in MONTHLY:
        measure = measures[spec.slug]
        rows = [_count_row(r["month"], int(r["placed_incidents"]), run,
                           coverage_share=float(r["year_placed_share"])
                           if r["year_placed_share"] else None)
                for r in category_rows if r["category"] == spec.category]
        _replace(session, measure, rows)
        measure.caveat = f"{PLACED_CAVEAT} {BREAK_CAVEAT}"
        measure.data_through = _month_end(max(r["period"] for r in rows))
        written += len(rows)
    yearly = measures[YEARLY.slug]
    rows = [_count_row(r["year"], int(r["reported_incidents"]), run, coverage_share=1.0)
            for r in _rows(annual)]
    _replace(session, yearly, rows)
    yearly.caveat = BREAK_CAVEAT
    yearly.data_through = f"{max(r['period'] for r in rows)}-12-31"
    written += len(rows)
    _neighborhoods_from_aggregates(session, measures, _rows(by_neighborhood))
    run.rows_read = run.rows_added = written
    run.covers_from = f"{min(r['month'] for r in category_rows)}-01"
    run.covers_through = max(m.data_through for m in measures.values() if m.data_through)
    run.finished_at = utcnow()
    session.flush()
    return written


def _neighborhoods_from_aggregates(session: Session, measures: dict[str, Measure],
                                   rows: list[dict]) -> None:
    """Each category's latest twelve months by neighborhood, for the map."""
    months = sorted({r["month"] for r in rows})[-NEIGHBORHOOD_WINDOW_MONTHS:]
    window = set(months)
    label = f"{months[0]} to {months[-1]}"
    inserts = []
    for spec in MONTHLY:
        totals: dict[str, int] = defaultdict(int)
        for row in rows:
            if row["month"] in window:
                totals[row["neighborhood"]] += int(row[spec.category])
        inserts += [{"measure_id": measures[spec.slug].id, "neighborhood": name,
                     "window": label, "value": float(total), "request_count": total}
                    for name, total in totals.items()]
    session.execute(NeighborhoodObservation.__table__.insert(), inserts)


def load_ucr(session: Session, areas: dict, path: Path) -> int:
    """The FBI's UCR violent and property counts for KCPD, 1985–2014, as their own series."""
    measures = sync_public_safety(session, areas)
    run = ImportRun(kind="fbi-ucr", source=path.name, citywide=True)
    session.add(run)
    session.flush()
    rows = _rows(path)
    for spec, column in zip(UCR, ("ucr_violent_offenses", "ucr_property_offenses"), strict=True):
        measure = measures[spec.slug]
        _replace(session, measure, [
            {"period": r["year"], "value": float(r[column]), "request_count": int(r[column]),
             "import_run_id": run.id, "source_url": FBI_URL} for r in rows])
        measure.data_through = f"{max(r['year'] for r in rows)}-12-31"
    run.rows_read = run.rows_added = len(rows)
    run.covers_from, run.covers_through = f"{rows[0]['year']}-01-01", f"{rows[-1]['year']}-12-31"
    run.finished_at = utcnow()
    session.flush()
    return 2 * len(rows)


# --- From imported reports -----------------------------------------------------------------


def recompute_kcpd_measures(session: Session, areas: dict) -> int:
    """Recompute the KCPD measures from the stored reports (they replace the aggregates).

    Counts every report, located or not; each month carries the share that had a location. A
    month (or year) ending after the last reported day is partial. The neighborhood map is left
    empty: reports are not placed in neighborhoods on import.
    """
    measures = sync_public_safety(session, areas)
    last = session.scalar(select(func.max(CrimeReport.reported_date)))
    if last is None:
        return 0
    through = date.fromisoformat(last)
    rows = session.execute(
        select(CrimeReport.period, CrimeReport.category,
               func.count(CrimeReport.id),
               func.sum(case((CrimeReport.has_location, 1), else_=0)),
               func.max(CrimeReport.import_run_id))
        .group_by(CrimeReport.period, CrimeReport.category)).all()
    by_month: dict[str, dict] = defaultdict(lambda: {"count": defaultdict(int), "located": 0,
                                                     "total": 0, "run": None})
    for period, category, count, located, run_id in rows:
        month = by_month[period]
        month["count"][category] += count
        month["located"] += int(located or 0)
        month["total"] += count
        month["run"] = max(filter(None, [month["run"], run_id]), default=None)
    written = 0
    for spec in MONTHLY:
        observations = [
            {"period": period, "value": float(month["count"][spec.category]),
             "request_count": month["count"][spec.category], "import_run_id": month["run"],
             "source_url": table_url(period), "partial": verdicts.is_partial(period, through),
             "provisional": False,
             "coverage_share": month["located"] / month["total"]}
            for period, month in sorted(by_month.items())]
        _replace_partial(session, measures[spec.slug], observations)
        measures[spec.slug].caveat = f"{IMPORTED_CAVEAT} {BREAK_CAVEAT}"
        measures[spec.slug].data_through = last
        written += len(observations)
    years: dict[str, dict] = defaultdict(lambda: {"total": 0, "run": None})
    for period, month in by_month.items():
        years[period[:4]]["total"] += month["total"]
        years[period[:4]]["run"] = max(filter(None, [years[period[:4]]["run"], month["run"]]),
                                       default=None)
    yearly = [{"period": year, "value": float(v["total"]), "request_count": v["total"],
               "import_run_id": v["run"], "source_url": table_url(year),
               "partial": verdicts.is_partial(year, through), "provisional": False,
               "coverage_share": 1.0} for year, v in sorted(years.items())]
    _replace_partial(session, measures[YEARLY.slug], yearly)
    measures[YEARLY.slug].caveat = BREAK_CAVEAT
    measures[YEARLY.slug].data_through = last
    session.flush()
    return written + len(yearly)


def _replace_partial(session: Session, measure: Measure, rows: list[dict]) -> None:
    session.execute(delete(Observation).where(Observation.measure_id == measure.id))
    session.execute(delete(NeighborhoodObservation)
                    .where(NeighborhoodObservation.measure_id == measure.id))
    if rows:
        session.execute(Observation.__table__.insert(),
                        [{"measure_id": measure.id, **row} for row in rows])

"""A 311 measure's neighborhood figures kept as month tallies: what adds up per measure, month
and neighborhood (``statistics.Statistic.tally``), so that a sync sums a twelve-month window
again without reading a year of requests. A full recompute computes the figures from the
requests themselves (``measures._neighborhood_rows``) and stores the tallies beside them."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kcstat_dash.models import Measure, NeighborhoodMonth, NeighborhoodObservation, Observation
from kcstat_dash.services.measure_catalog import CATALOG, MeasureDefinition
from kcstat_dash.services.statistics import add_tallies

NEIGHBORHOOD_WINDOW_MONTHS = 12


def combine_windows(session: Session, measures: dict[str, Measure],
                    months: set[str]) -> list[dict]:
    """The neighborhood rows of each measure whose window moved or holds one of ``months``,
    summed from the month tallies; the old rows of those measures are deleted."""
    complete = {}
    for measure_id, period in session.execute(
            select(Observation.measure_id, Observation.period).where(
                Observation.measure_id.in_([m.id for m in measures.values()]),
                Observation.partial.is_(False))):
        complete.setdefault(measure_id, []).append(period)
    stored = dict(session.execute(
        select(NeighborhoodObservation.measure_id, func.min(NeighborhoodObservation.window))
        .group_by(NeighborhoodObservation.measure_id)).all())
    stale = {}
    for definition in CATALOG:
        measure = measures[definition.slug]
        window = sorted(complete.get(measure.id, []))[-NEIGHBORHOOD_WINDOW_MONTHS:]
        label = f"{window[0]} to {window[-1]}" if window else None
        if label != stored.get(measure.id) or months.intersection(window):
            stale[measure.id] = (definition, window)
    if not stale:
        return []
    session.execute(delete(NeighborhoodObservation).where(
        NeighborhoodObservation.measure_id.in_(list(stale))))
    by_group: dict[tuple[int, str], list[dict]] = {}
    # Only the windows' months are read (the measures' windows are mostly the same twelve).
    in_windows = sorted({p for _, window in stale.values() for p in window})
    for measure_id, period, neighborhood, n, hits, days in session.execute(
            select(NeighborhoodMonth.measure_id, NeighborhoodMonth.period,
                   NeighborhoodMonth.neighborhood, NeighborhoodMonth.request_count,
                   NeighborhoodMonth.hits, NeighborhoodMonth.days)
            .where(NeighborhoodMonth.measure_id.in_(list(stale)),
                   NeighborhoodMonth.period.in_(in_windows))):
        if period in stale[measure_id][1]:
            by_group.setdefault((measure_id, neighborhood), []).append(
                {"n": n, "hits": hits, "days": days})
    rows = []
    for (measure_id, neighborhood), tallies in sorted(by_group.items()):
        definition, window = stale[measure_id]
        total = add_tallies(tallies)
        value = definition.statistic.value_of(total)
        if value is not None:
            rows.append({"measure_id": measure_id, "neighborhood": neighborhood,
                         "window": f"{window[0]} to {window[-1]}",
                         "value": round(float(value), 4), "request_count": total["n"]})
    return rows


def month_tally_rows(measure: Measure, definition: MeasureDefinition,
                     selected: pd.DataFrame) -> list[dict]:
    """The statistic's tally for each month and neighborhood, as rows to insert."""
    placed = selected[selected["neighborhood"].notna()]
    return [{"measure_id": measure.id, "period": period, "neighborhood": neighborhood,
             "request_count": tally["n"], "hits": tally["hits"], "days": tally["days"]}
            for (period, neighborhood), tally in definition.statistic.tally(
                placed, ["period", "neighborhood"]).items()]

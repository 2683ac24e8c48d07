"""Measures: keeping them in step with the catalog, computing them from 311 data, reading them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from kcstat_dash.db import fetch_columns
from kcstat_dash.models import (
    Area,
    ImportRun,
    Measure,
    MeasureTarget,
    Narrative,
    NeighborhoodObservation,
    Observation,
    PeerComparison,
    ServiceRequest,
)
from kcstat_dash.services.areas import AREAS
from kcstat_dash.services.measure_catalog import CATALOG, MeasureDefinition, RequestFilter
from kcstat_dash.services.public_input import is_clean_text

REQUEST_COLUMNS = ("period", "category", "type", "department", "status", "exceeded_timeframe",
                   "days_to_close", "neighborhood", "nbh_id")
NUMBER_COLUMNS = ("days_to_close",)
NEIGHBORHOOD_WINDOW_MONTHS = 12


class UnknownMeasure(LookupError):
    """No measure has that slug."""


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


# --- Catalog ------------------------------------------------------------------------------


def sync_areas(session: Session) -> dict[str, Area]:
    """Create or update the six areas; returns them by slug."""
    existing = {a.slug: a for a in session.scalars(select(Area))}
    for position, definition in enumerate(AREAS):
        area = existing.get(definition.slug)
        if area is None:
            area = Area(slug=definition.slug)
            session.add(area)
            existing[definition.slug] = area
        area.name, area.description, area.position = (definition.name, definition.description,
                                                      position)
    session.flush()
    return existing


def sync_catalog(session: Session) -> None:
    """Make the 311 measures in the database match the catalog (targets set by analysts stay)."""
    areas = sync_areas(session)
    existing = {m.slug: m for m in session.scalars(select(Measure))}
    for position, definition in enumerate(CATALOG):
        measure = existing.get(definition.slug)
        if measure is None:
            measure = Measure(slug=definition.slug, target=definition.target)
            session.add(measure)
        measure.name = definition.name
        measure.area = areas[definition.area]
        measure.unit = definition.unit
        measure.direction = definition.direction
        measure.definition = definition.definition_text()
        measure.source = "Kansas City 311 service requests (data.kcmo.org)"
        measure.source_url = "https://data.kcmo.org/d/7at3-sxhp"
        measure.kind = "311"
        measure.position = position
        measure.hashtag = definition.hashtag
    session.flush()


# --- Computing from 311 data --------------------------------------------------------------


def load_requests(session: Session) -> pd.DataFrame:
    """Every stored request's columns that measures read, one row per request.

    Text columns are categoricals: each has a few hundred distinct values at most, so
    selecting and grouping compare small integer codes instead of tens of thousands of strings.
    """
    values = fetch_columns(session, f"SELECT {', '.join(REQUEST_COLUMNS)} FROM service_request",
                           len(REQUEST_COLUMNS))
    return pd.DataFrame({
        name: np.array(column, dtype=float) if name in NUMBER_COLUMNS else _categorical(column)
        for name, column in zip(REQUEST_COLUMNS, values, strict=True)})


def _categorical(values: tuple) -> pd.Categorical:
    # From the codes: pd.Categorical(values) first converts and checks every value.
    codes, categories = pd.factorize(np.array(values, dtype=object), sort=True)
    return pd.Categorical.from_codes(codes, categories=categories)


def select_requests(frame: pd.DataFrame, requests: RequestFilter) -> pd.DataFrame:
    if not requests.rules or frame.empty:
        return frame
    mask = pd.Series(False, index=frame.index)
    for rule in requests.rules:
        matches = pd.Series(True, index=frame.index)
        for column, values in rule:
            matches &= frame[column].isin(values)
        mask |= matches
    return frame[mask]


def compute_statistic(frame: pd.DataFrame, statistic: str, by: str = "period") -> pd.DataFrame:
    """The statistic per group: columns ``by``, ``value``, ``request_count``."""
    if statistic == "count":
        grouped = frame.groupby(by, observed=True).size()
        return pd.DataFrame({"value": grouped.astype(float), "request_count": grouped}).reset_index()
    if statistic == "on_time_rate":
        flagged = frame[frame["exceeded_timeframe"].isin(["Y", "N"])]
        # Counted per group in one pass (a Python function per group cost ~0.3 s per import).
        grouped = (flagged["exceeded_timeframe"] == "N").groupby(flagged[by], observed=True)
        on_time, size = grouped.sum(), grouped.size()
        result = pd.DataFrame({"value": 100.0 * on_time / size, "request_count": size})
        return result.rename_axis(by).reset_index()
    if statistic == "median_days_to_close":
        resolved = frame[(frame["status"] == "RESOL") & frame["days_to_close"].notna()]
        grouped = resolved.groupby(by, observed=True)["days_to_close"]
        return pd.DataFrame({"value": grouped.median(), "request_count": grouped.size()}).reset_index()
    raise ValueError(f"unknown statistic {statistic!r}")


def recompute_311_measures(session: Session) -> int:
    """Recompute every catalog measure from the stored requests; returns observations written."""
    sync_catalog(session)
    frame = load_requests(session)
    latest_run = session.scalar(
        select(ImportRun.id).where(ImportRun.kind.in_(("311-csv", "socrata")))
        .order_by(ImportRun.id.desc()).limit(1))
    measures = {m.slug: m for m in session.scalars(select(Measure).where(Measure.kind == "311"))}
    measure_ids = [measures[definition.slug].id for definition in CATALOG]
    session.execute(delete(Observation).where(Observation.measure_id.in_(measure_ids)))
    session.execute(delete(NeighborhoodObservation)
                    .where(NeighborhoodObservation.measure_id.in_(measure_ids)))
    observations, by_neighborhood = [], []
    for definition in CATALOG:
        measure = measures[definition.slug]
        selected = select_requests(frame, definition.requests)
        rows = [{"measure_id": measure.id, "period": period, "value": value,
                 "request_count": count, "import_run_id": latest_run}
                for period, value, count in _groups(selected, definition.statistic, "period")]
        if rows:
            observations.extend(rows)
            by_neighborhood.extend(_neighborhood_rows(measure, definition, selected,
                                                      sorted(r["period"] for r in rows)))
    # All measures in one executemany each: a statement per measure cost a round trip apiece.
    if observations:
        session.execute(Observation.__table__.insert(), observations)
    if by_neighborhood:
        session.execute(NeighborhoodObservation.__table__.insert(), by_neighborhood)
    session.flush()
    return len(observations)


def _neighborhood_rows(measure: Measure, definition: MeasureDefinition, selected: pd.DataFrame,
                       periods: list[str]) -> list[dict]:
    window = periods[-NEIGHBORHOOD_WINDOW_MONTHS:]
    recent = selected[selected["period"].isin(window) & selected["neighborhood"].notna()]
    if recent.empty:
        return []
    label = f"{window[0]} to {window[-1]}"
    return [{"measure_id": measure.id, "neighborhood": neighborhood, "window": label,
             "value": value, "request_count": count}
            for neighborhood, value, count in _groups(recent, definition.statistic,
                                                      "neighborhood")]


def _groups(frame: pd.DataFrame, statistic: str, by: str) -> list[tuple[str, float, int]]:
    """(group, value to four places, request count) of each group the statistic has a value for."""
    result = compute_statistic(frame, statistic, by)
    result = result[result["value"].notna()]
    return list(zip(result[by].tolist(), [round(v, 4) for v in result["value"].tolist()],
                    result["request_count"].tolist(), strict=True))


# --- Status against target ----------------------------------------------------------------


def target_for(measure: Measure, period: str) -> float | None:
    """The target in force for a period: the latest one set from that period or before."""
    in_force = [t for t in measure.targets if t.effective_from <= period]
    if in_force:
        return in_force[-1].value
    return measure.target


def status_for(value: float | None, target: float | None, direction: str) -> str:
    """``met``, ``not met`` or ``no target``; which way is better comes from the measure."""
    if target is None or value is None:
        return "no target"
    met = value >= target if direction == "higher" else value <= target
    return "met" if met else "not met"


# --- Reading ------------------------------------------------------------------------------


def _measure_query():
    return select(Measure).options(selectinload(Measure.observations),
                                   selectinload(Measure.targets), selectinload(Measure.area))


def get_measure(session: Session, slug: str) -> Measure:
    if not is_clean_text(slug):  # PostgreSQL refuses to compare with a NUL byte
        raise UnknownMeasure(slug)
    measure = session.scalar(_measure_query().where(Measure.slug == slug))
    if measure is None:
        raise UnknownMeasure(slug)
    return measure


def narratives_by_period(session: Session, measure_ids: list[int]) -> dict[tuple[int, str], str]:
    """The narrative in force (the latest written) for each measure and period."""
    rows = session.execute(select(Narrative).where(Narrative.measure_id.in_(measure_ids))
                           .order_by(Narrative.created_at, Narrative.id)).scalars()
    return {(n.measure_id, n.period): n.body for n in rows}


def observation_points(measure: Measure) -> list[dict]:
    """Each period's value with the target in force then and the status it gives."""
    points = []
    for obs in measure.observations:
        target = target_for(measure, obs.period)
        points.append({"period": obs.period, "value": obs.value, "target": target,
                       "status": status_for(obs.value, target, measure.direction),
                       "request_count": obs.request_count})
    return points


def measure_summary(measure: Measure, narratives: dict[tuple[int, str], str]) -> dict:
    """A measure with its latest value and status, as plain data for pages and the API."""
    latest = measure.observations[-1] if measure.observations else None
    target = target_for(measure, latest.period) if latest else measure.target
    status = status_for(latest.value if latest else None, target, measure.direction)
    narrative = narratives.get((measure.id, latest.period)) if latest else None
    return {
        "slug": measure.slug, "name": measure.name, "area": measure.area.name,
        "area_slug": measure.area.slug, "unit": measure.unit, "direction": measure.direction,
        "definition": measure.definition, "source": measure.source,
        "source_url": measure.source_url, "kind": measure.kind,
        "target": target, "latest_period": latest.period if latest else None,
        "latest_value": latest.value if latest else None, "status": status,
        "narrative": narrative, "narrative_missing": status == "not met" and not narrative,
    }


def list_measures(session: Session, area_slug: str | None = None) -> list[dict]:
    query = _measure_query().join(Area).order_by(Area.position, Measure.kind, Measure.position)
    if area_slug:
        query = query.where(Area.slug == area_slug)
    measures = list(session.scalars(query))
    narratives = narratives_by_period(session, [m.id for m in measures])
    return [measure_summary(m, narratives) for m in measures]


def list_areas(session: Session) -> list[dict]:
    """The six areas in order, each with its measures' summaries."""
    summaries = list_measures(session)
    areas = session.scalars(select(Area).order_by(Area.position))
    return [{"slug": a.slug, "name": a.name, "description": a.description,
             "measures": [s for s in summaries if s["area_slug"] == a.slug]} for a in areas]


def measure_detail(session: Session, slug: str) -> dict:
    """Everything the measure page shows, as plain data."""
    measure = get_measure(session, slug)
    narratives = narratives_by_period(session, [measure.id])
    detail = measure_summary(measure, narratives)
    detail["observations"] = observation_points(measure)
    detail["narratives"] = [{"period": p, "body": b} for (_, p), b in sorted(narratives.items())]
    detail["peers"] = [{"period": p.period, "peer": p.peer_name, "value": p.value,
                        "source_url": p.source_url}
                       for p in session.scalars(select(PeerComparison)
                                                .where(PeerComparison.measure_id == measure.id)
                                                .order_by(PeerComparison.period))]
    detail["neighborhoods"] = [{"neighborhood": n.neighborhood, "value": n.value,
                                "request_count": n.request_count, "window": n.window}
                               for n in session.scalars(
                                   select(NeighborhoodObservation)
                                   .where(NeighborhoodObservation.measure_id == measure.id)
                                   .order_by(NeighborhoodObservation.value.desc()))]
    obs_sources = {o.period: o.source_url for o in measure.observations if o.source_url}
    for point in detail["observations"]:
        point["source_url"] = obs_sources.get(point["period"], measure.source_url)
    return detail


def request_total(session: Session) -> int:
    return session.scalar(select(func.count(ServiceRequest.id))) or 0


def set_target(session: Session, measure: Measure, effective_from: str, value: float | None,
               user_id: int | None = None) -> MeasureTarget:
    """Record a target in force from a period on; earlier periods keep the targets they had."""
    existing = session.scalar(select(MeasureTarget).where(
        MeasureTarget.measure_id == measure.id, MeasureTarget.effective_from == effective_from))
    if existing is None:
        existing = MeasureTarget(measure=measure, effective_from=effective_from)
        session.add(existing)
    existing.value, existing.set_by_id = value, user_id
    session.flush()
    session.refresh(measure)
    return existing

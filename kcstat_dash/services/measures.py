"""Measures: keeping them in step with the catalog, computing them from 311 data, reading them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from kcstat_dash.db import bulk_insert, fetch_column_chunks
from kcstat_dash.i18n import N_
from kcstat_dash.models import (
    Area,
    Measure,
    MeasureTarget,
    Narrative,
    NeighborhoodMonth,
    NeighborhoodObservation,
    Observation,
    PeerComparison,
    ServiceRequest,
)
from kcstat_dash.services import verdicts
from kcstat_dash.services.areas import AREAS
from kcstat_dash.services.coverage import (
    NO_311_SCOPE,
    coverage_311,
    data_through_date,
    dataset_url,
    refresh_311_coverage,
    tallies_built,
)
from kcstat_dash.services.errors import NotFound
from kcstat_dash.services.measure_catalog import CATALOG, MeasureDefinition, RequestFilter
from kcstat_dash.services.neighborhood_figures import (
    NEIGHBORHOOD_WINDOW_MONTHS,
    combine_windows,
    month_tally_rows,
)
from kcstat_dash.services.own_scope import OWN_SCOPE_KINDS, district_points, own_scope
from kcstat_dash.services.public_input import is_clean_text

REQUEST_COLUMNS = ("period", "category", "type", "department", "status", "exceeded_timeframe",
                   "import_run_id",
                   "days_to_close", "neighborhood", "nbh_id")
NUMBER_COLUMNS = ("days_to_close", "import_run_id")
# Requests read from the database at a time by a recompute: at a million and more, reading
# them all as Python rows at once would need gigabytes.
LOAD_CHUNK_ROWS = 200_000
MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
SOURCE_311 = N_("Kansas City 311 service requests (data.kcmo.org)")
SURVEY_SCOPE = N_("Citywide resident survey, as published (the publisher gave no sample size, "
                "so n is not known)")


class UnknownMeasure(NotFound):
    """No measure has that slug."""

    code = "measure_not_found"

    def __init__(self, slug: object):
        super().__init__(f"There is no measure {slug!r}.")
        self.slug = slug


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
        measure.definition_rule = definition.rule_text()
        measure.judged_on_n = definition.statistic.judged_on_n
        measure.source = SOURCE_311
        measure.source_url = measure.source_url or dataset_url("7at3-sxhp")
        measure.kind = "311"
        measure.position = position
        measure.hashtag = definition.hashtag
    session.flush()


# --- Computing from 311 data --------------------------------------------------------------


def load_requests(session: Session, periods: list[str] | None = None) -> pd.DataFrame:
    """Every stored request's columns that measures read, one row per request; with
    ``periods``, only the requests created in those months.

    Text columns are categoricals: each has a few hundred distinct values at most, so
    selecting and grouping compare small integer codes instead of tens of thousands of strings.
    """
    sql = f"SELECT {', '.join(REQUEST_COLUMNS)} FROM service_request"
    if periods is not None:
        # Periods are checked "YYYY-MM" strings (``_month``), so they can be written inline.
        sql += f" WHERE period IN ({', '.join(repr(_month(p)) for p in periods) or 'NULL'})"
    parts = {name: [] for name in REQUEST_COLUMNS}
    for columns in fetch_column_chunks(session, sql, len(REQUEST_COLUMNS), LOAD_CHUNK_ROWS):
        for name, column in zip(REQUEST_COLUMNS, columns, strict=True):
            parts[name].append(np.array(column, dtype=float) if name in NUMBER_COLUMNS
                               else _categorical(column))
    return pd.DataFrame({name: _joined(name, chunks) for name, chunks in parts.items()})


def _joined(name: str, chunks: list) -> np.ndarray | pd.Categorical:
    if not chunks:
        return np.array([], dtype=float) if name in NUMBER_COLUMNS else _categorical(())
    if name in NUMBER_COLUMNS:
        return np.concatenate(chunks)
    # Each chunk has its own categories; the union keeps the codes small and sorted.
    return union_categoricals(chunks, sort_categories=True)


def _month(period: str) -> str:
    if not MONTH.fullmatch(period):
        raise ValueError(f"not a month period: {period!r}")
    return period


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


def recompute_311_measures(session: Session) -> int:
    """Recompute every catalog measure and the data's coverage from the stored requests.

    Returns the number of observations written. A month that ends after the day the data runs
    through is stored as partial; a value with too many unknown outcomes as provisional. The
    neighborhood figures are computed from the requests themselves, and each month's
    neighborhood tallies are kept for a sync to combine later.
    """
    measures, through = _prepare_311(session, rescan=True)
    frame = load_requests(session)
    measure_ids = [m.id for m in measures.values()]
    for model in (Observation, NeighborhoodObservation, NeighborhoodMonth):
        session.execute(delete(model).where(model.measure_id.in_(measure_ids)))
    observations, by_neighborhood, months = [], [], []
    for definition in CATALOG:
        measure = measures[definition.slug]
        selected = select_requests(frame, definition.requests)
        rows = _observation_rows(measure, definition, selected, through)
        if rows:
            observations.extend(rows)
            complete = sorted(r["period"] for r in rows if not r["partial"])
            by_neighborhood.extend(_neighborhood_rows(measure, definition, selected, complete))
        months.extend(month_tally_rows(measure, definition, selected))
    # All measures in one executemany each: a statement per measure cost a round trip apiece.
    _insert(session, observations, by_neighborhood, months)
    return len(observations)


def recompute_311_periods(session: Session, periods: set[str]) -> int:
    """Recompute the catalog measures for some months only (those a sync touched), with the
    same rules and the same result as ``recompute_311_measures``, reading only the requests
    of those months.

    Besides ``periods``, every month stored as partial is recomputed (the data now runs
    further, so it may be complete). A measure's neighborhood figures are summed again from
    the stored month tallies when their twelve-month window moved or holds a recomputed month.
    The coverage is read from the kept tallies (``coverage.apply_tally_change`` keeps them).
    A database whose tallies were never built (just migrated) gets a full recompute instead.
    Returns the observations written.
    """
    if not tallies_built(session):
        return recompute_311_measures(session)
    measures, through = _prepare_311(session, rescan=False)
    measure_ids = [m.id for m in measures.values()]
    stored_partial = set(session.scalars(select(Observation.period).where(
        Observation.measure_id.in_(measure_ids), Observation.partial.is_(True))))
    months = sorted({_month(p) for p in periods} | stored_partial)
    if months:
        for model in (Observation, NeighborhoodMonth):
            session.execute(delete(model).where(model.measure_id.in_(measure_ids),
                                                model.period.in_(months)))
    frame = load_requests(session, months)
    observations, month_tallies = [], []
    for definition in CATALOG:
        measure = measures[definition.slug]
        selected = select_requests(frame, definition.requests)
        observations.extend(_observation_rows(measure, definition, selected, through))
        month_tallies.extend(month_tally_rows(measure, definition, selected))
    _insert(session, observations, [], month_tallies)
    _insert(session, [], combine_windows(session, measures, set(months)), [])
    return len(observations)


def _prepare_311(session: Session, rescan: bool) -> tuple[dict[str, Measure], object]:
    """The catalog in step, the coverage rewritten (``rescan``: from every stored request,
    else from the kept tallies); the 311 measures by slug and the day the data runs through."""
    sync_catalog(session)
    coverage = refresh_311_coverage(session, rescan=rescan)
    through = data_through_date({"data_through": coverage.data_through})
    measures = {m.slug: m for m in session.scalars(select(Measure).where(Measure.kind == "311"))}
    if coverage.source_url:
        for measure in measures.values():
            measure.source_url = coverage.source_url
    return {d.slug: measures[d.slug] for d in CATALOG}, through


def _observation_rows(measure: Measure, definition: MeasureDefinition, selected: pd.DataFrame,
                      through) -> list[dict]:
    return [{"measure_id": measure.id, "period": group["period"], "value": group["value"],
             "request_count": group["n"], "eligible_count": group["eligible"],
             "unknown_count": group["unknown"],
             "partial": verdicts.is_partial(group["period"], through),
             "provisional": verdicts.is_provisional(group["eligible"], group["unknown"]),
             "import_run_id": group["import_run_id"]}
            for group in _groups(selected, definition, "period")]


def _insert(session: Session, observations: list[dict], by_neighborhood: list[dict],
            month_tallies: list[dict]) -> None:
    for model, rows in ((Observation, observations), (NeighborhoodObservation, by_neighborhood),
                        (NeighborhoodMonth, month_tallies)):
        bulk_insert(session, model.__table__, rows)
    session.flush()


def _neighborhood_rows(measure: Measure, definition: MeasureDefinition, selected: pd.DataFrame,
                       periods: list[str]) -> list[dict]:
    """The last twelve complete months by neighborhood (a partial month would skew them)."""
    window = periods[-NEIGHBORHOOD_WINDOW_MONTHS:]
    if not window:
        return []
    recent = selected[selected["period"].isin(window) & selected["neighborhood"].notna()]
    if recent.empty:
        return []
    label = f"{window[0]} to {window[-1]}"
    return [{"measure_id": measure.id, "neighborhood": group["neighborhood"], "window": label,
             "value": group["value"], "request_count": group["n"]}
            for group in _groups(recent, definition, "neighborhood")]


def _groups(frame: pd.DataFrame, definition: MeasureDefinition, by: str) -> list[dict]:
    """Each group the statistic has a value for: the group, value to four places, n,
    eligible and unknown, and the latest import that added or changed one of its requests
    (plain Python values, ready to insert)."""
    if frame.empty:
        return []
    result = definition.statistic.compute(frame, by)
    runs = frame.groupby(by, observed=True)["import_run_id"].max()
    return [{by: key, "value": round(float(value), 4), "n": int(n), "eligible": int(eligible),
             "unknown": int(unknown), "import_run_id": _run_id(runs.get(key))}
            for key, value, n, eligible, unknown in zip(
                result[by].tolist(), result["value"].tolist(), result["n"].tolist(),
                result["eligible"].tolist(), result["unknown"].tolist(), strict=True)]


def _run_id(value) -> int | None:
    return None if value is None or np.isnan(value) else int(value)


# --- Status against target ----------------------------------------------------------------


def target_for(measure: Measure, period: str) -> float | None:
    """The target in force for a period: the latest one set from that period or before."""
    in_force = [t for t in measure.targets if t.effective_from <= period]
    if in_force:
        return in_force[-1].value
    return measure.target


def point_status(measure: Measure, observation: Observation,
                 target: float | None) -> str:
    """The status an observation has earned (``verdicts.judge``, the one rule)."""
    return verdicts.judge(observation.value, observation.request_count, target,
                          measure.direction, partial=observation.partial,
                          judged_on_n=measure.judged_on_n,
                          margin=observation.margin_of_error)


def point_change(measure: Measure, earlier: Observation | None,
                 later: Observation | None) -> str | None:
    """How a value moved since the period before (``verdicts.judge_change``): within the
    survey's margin it is no clear change, and across a series break it is not compared."""
    if earlier is None or later is None:
        return None
    return verdicts.judge_change(
        earlier.value, later.value, measure.direction,
        earlier_margin=earlier.margin_of_error, later_margin=later.margin_of_error,
        across_break=not verdicts.in_same_series(earlier.period, later.period,
                                                 measure.series_break),
        too_few=any(verdicts.is_too_few(o.request_count, measure.judged_on_n)
                    for o in (earlier, later)),
        partial=bool(earlier.partial or later.partial))


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


def narratives_in_force(session: Session,
                        measure_ids: list[int]) -> dict[tuple[int, str], Narrative]:
    """The narrative in force (the latest written) for each measure and period, with its
    Spanish version where its author wrote one (a newer English version without one has none:
    an older Spanish text would say something else)."""
    rows = session.execute(select(Narrative).where(Narrative.measure_id.in_(measure_ids))
                           .order_by(Narrative.created_at, Narrative.id)).scalars()
    return {(n.measure_id, n.period): n for n in rows}


def narratives_by_period(session: Session, measure_ids: list[int]) -> dict[tuple[int, str], str]:
    """The narrative in force (the latest written) for each measure and period."""
    return {key: n.body for key, n in narratives_in_force(session, measure_ids).items()}


def observation_points(measure: Measure) -> list[dict]:
    """Each period's value with its n, the target in force then and the status it earns."""
    points, previous = [], None
    for obs in measure.observations:
        target = target_for(measure, obs.period)
        points.append({"period": obs.period, "value": obs.value, "n": obs.request_count,
                       "target": target, "partial": bool(obs.partial),
                       "provisional": bool(obs.provisional),
                       "status": point_status(measure, obs, target),
                       "eligible": obs.eligible_count, "unknown": obs.unknown_count,
                       "numerator": obs.numerator, "margin_of_error": obs.margin_of_error,
                       "coverage_share": obs.coverage_share,
                       # Which side of a break in the series: a chart draws no line across.
                       "segment": _segment(measure, obs.period),
                       "change": point_change(measure, previous, obs)})
        previous = obs
    return points


def _segment(measure: Measure, period: str) -> int:
    if not measure.series_break:
        return 0
    return 0 if verdicts.in_same_series(period, "0000", measure.series_break) else 1


def headline_observation(measure: Measure) -> Observation | None:
    """The value a measure leads with: its latest period that is not a partial month."""
    return next((o for o in reversed(measure.observations) if not o.partial), None)


def measure_scope(measure: Measure, coverage: dict | None) -> dict:
    """Where a measure's numbers come from and how much of the city they cover."""
    if measure.kind == "311":
        return {"scope": coverage["scope"] if coverage else NO_311_SCOPE,
                "citywide": bool(coverage and coverage["citywide"]),
                "data_through": coverage["data_through"] if coverage else None,
                "coverage": coverage}
    if measure.kind in OWN_SCOPE_KINDS:
        return own_scope(measure)
    return {"scope": SURVEY_SCOPE, "citywide": True, "data_through": None, "coverage": None}


def measure_summary(measure: Measure, narratives: dict[tuple[int, str], str],
                    coverage: dict | None) -> dict:
    """A measure with its headline value, n and status, as plain data for pages and the API."""
    latest = headline_observation(measure)
    target = target_for(measure, latest.period) if latest else measure.target
    status = (point_status(measure, latest, target) if latest
              else verdicts.judge(None, None, target, measure.direction))
    narrative = narratives.get((measure.id, latest.period)) if latest else None
    before = _before(measure, latest)
    newest = measure.observations[-1] if measure.observations else None
    partial = newest if newest is not None and newest.partial else None
    return {
        "slug": measure.slug, "name": measure.name, "area": measure.area.name,
        "area_slug": measure.area.slug, "unit": measure.unit, "direction": measure.direction,
        "definition": measure.definition, "definition_rule": measure.definition_rule,
        "source": measure.source, "source_url": measure.source_url, "kind": measure.kind,
        "target": target, "latest_period": latest.period if latest else None,
        "latest_value": latest.value if latest else None,
        "n": latest.request_count if latest else None,
        "provisional": bool(latest and latest.provisional),
        "eligible": latest.eligible_count if latest else None,
        "unknown": latest.unknown_count if latest else None, "status": status,
        "judged_on_n": measure.judged_on_n, "min_n": verdicts.min_n(),
        "partial_period": partial.period if partial else None,
        "partial_value": partial.value if partial else None,
        "partial_n": partial.request_count if partial else None,
        # A survey value's margin of error and numerator; the share of records a count could
        # place; what to know before comparing; the break no trend crosses; and the change
        # since the period before (``verdicts.judge_change``).
        "margin_of_error": latest.margin_of_error if latest else None,
        "numerator": latest.numerator if latest else None,
        "coverage_share": latest.coverage_share if latest else None,
        "caveat": measure.caveat, "series_break": measure.series_break,
        "previous_period": before.period if before else None,
        "previous_value": before.value if before else None,
        "previous_margin_of_error": before.margin_of_error if before else None,
        "change": point_change(measure, before, latest),
        **measure_scope(measure, coverage),
        "narrative": narrative,
        "narrative_missing": status == verdicts.MISSED and not narrative,
    }


def _before(measure: Measure, latest: Observation | None) -> Observation | None:
    """The complete period before the headline one, for the change beside it."""
    if latest is None:
        return None
    earlier = [o for o in measure.observations if o.period < latest.period and not o.partial]
    return earlier[-1] if earlier else None


def list_measures(session: Session, area_slug: str | None = None) -> list[dict]:
    query = _measure_query().join(Area).order_by(Area.position, Measure.kind, Measure.position)
    if area_slug:
        query = query.where(Area.slug == area_slug)
    measures = list(session.scalars(query))
    narratives = narratives_by_period(session, [m.id for m in measures])
    coverage = coverage_311(session)
    return [measure_summary(m, narratives, coverage) for m in measures]


def status_counts(summaries: list[dict]) -> dict[str, int]:
    """How many measures lead with each status: the overview, area pages and the staff to-do
    list all count with this."""
    counts = dict.fromkeys(verdicts.STATUSES, 0)
    for summary in summaries:
        counts[summary["status"]] += 1
    return counts


def list_areas(session: Session) -> list[dict]:
    """The six areas in order, each with its measures' summaries."""
    summaries = list_measures(session)
    areas = session.scalars(select(Area).order_by(Area.position))
    return [{"slug": a.slug, "name": a.name, "description": a.description,
             "measures": [s for s in summaries if s["area_slug"] == a.slug]} for a in areas]


def measure_detail(session: Session, slug: str) -> dict:
    """Everything the measure page shows, as plain data."""
    measure = get_measure(session, slug)
    in_force = narratives_in_force(session, [measure.id])
    narratives = {key: n.body for key, n in in_force.items()}
    detail = measure_summary(measure, narratives, coverage_311(session))
    detail["observations"] = observation_points(measure)
    latest = in_force.get((measure.id, detail["latest_period"]))
    detail["narrative_es"] = latest.body_es if latest else None
    detail["narratives"] = [{"period": p, "body": n.body, "body_es": n.body_es}
                            for (_, p), n in sorted(in_force.items())]
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
    detail["districts"] = district_points(session, measure)
    obs_sources = {o.period: o.source_url for o in measure.observations if o.source_url}
    for point in detail["observations"]:
        point["source_url"] = obs_sources.get(point["period"], measure.source_url)
    return detail


def request_total(session: Session) -> int:
    return session.scalar(select(func.count(ServiceRequest.id))) or 0


def set_target(session: Session, measure: Measure, effective_from: str, value: float | None,
               user_id: int | None = None, note: str | None = None) -> MeasureTarget:
    """Record a target in force from a period on; earlier periods keep the targets they had."""
    existing = session.scalar(select(MeasureTarget).where(
        MeasureTarget.measure_id == measure.id, MeasureTarget.effective_from == effective_from))
    if existing is None:
        existing = MeasureTarget(measure=measure, effective_from=effective_from)
        session.add(existing)
    existing.value, existing.set_by_id, existing.note = value, user_id, note
    session.flush()
    session.refresh(measure)
    return existing

"""Neighborhood figures summed from month tallies, and the coverage kept from a request tally:
after a sync they are what the definitions give over the raw rows, and what a full recompute
and a full rescan give.

The independent side is pandas over the stored requests, written from the statistics' words
(``services/statistics.py``), not from the code that keeps the tallies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select, text

from bench.replayed_portal import ReplayedPortal
from kcstat_dash.db import db
from kcstat_dash.models import Measure, NeighborhoodObservation
from kcstat_dash.sample_data import KC311_FILES
from kcstat_dash.services import measures
from kcstat_dash.services.coverage import coverage_311, refresh_311_coverage
from kcstat_dash.services.measure_catalog import CATALOG
from kcstat_dash.services.socrata_import import DATASETS
from kcstat_dash.services.socrata_sync import sync_dataset
from kcstat_dash.services.statistics import (
    MEDIAN_DAYS_TO_CLOSE,
    ON_TIME_RATE,
    add_tallies,
)
from tests.test_socrata_sync import _full_recompute_snapshot, _snapshot

LEGACY = "7at3-sxhp"
RENAMED = "Newly Named Place"


# --- The median of summed histograms is the median of the rows -----------------------------


@pytest.mark.parametrize("seed", range(6))
def test_the_median_of_summed_month_tallies_is_the_median_of_the_rows(seed):
    """Random months of resolved requests (whole days, and some half days, odd and even
    counts): the median from the months' tallies added up equals numpy's median of all the
    rows, exactly, and so does the rate from added on-time tallies."""
    rng = np.random.default_rng(seed)
    frames = []
    for month in range(1, 13):
        size = int(rng.integers(0, 40))
        days = rng.integers(0, 60, size).astype(float)
        days[rng.random(size) < 0.2] += 0.5
        frames.append(pd.DataFrame({
            "period": f"2020-{month:02d}", "neighborhood": rng.choice(["A", "B"], size),
            "status": rng.choice(["RESOL", "RESOL", "OPEN", "CANC"], size),
            "exceeded_timeframe": rng.choice(["Y", "N", None], size),
            "days_to_close": days}))
    rows = pd.concat(frames, ignore_index=True)
    for name, group in rows.groupby("neighborhood"):
        tallies = MEDIAN_DAYS_TO_CLOSE.tally(group, ["period"])
        resolved = group[(group["status"] == "RESOL")]["days_to_close"]
        assert MEDIAN_DAYS_TO_CLOSE.value_of(add_tallies(tallies.values())) == \
            float(np.median(resolved)), name
        rate = ON_TIME_RATE.value_of(add_tallies(ON_TIME_RATE.tally(group, ["period"]).values()))
        known = group[((group["status"] == "RESOL") & group["exceeded_timeframe"].isin(["Y", "N"]))
                      | ((group["status"] == "OPEN") & (group["exceeded_timeframe"] == "Y"))]
        on_time = ((known["status"] == "RESOL") & (known["exceeded_timeframe"] == "N")).sum()
        assert rate == pytest.approx(100.0 * on_time / len(known), abs=1e-12)


# --- After a sync, on the real sample -------------------------------------------------------


def _portal(records: list[dict]) -> ReplayedPortal:
    return ReplayedPortal(records, list(DATASETS[LEGACY].required) + ["nbh_id"])


def _changes() -> list[dict]:
    """A night's changes to the sample's export: the newest 300 requests resolved (some late,
    some on time), 20 of them renamed into a neighborhood the data did not have, and 5 new
    requests there, in SODA's field names."""
    export = pd.read_csv(KC311_FILES[-1], dtype=str, keep_default_na=False)
    export["_day"] = pd.to_datetime(export["CREATION DATE"], format="%m/%d/%Y")
    newest = export.nlargest(300, "_day").drop(columns="_day").copy()
    newest["STATUS"] = "RESOL"
    newest["EXCEEDED EST TIMEFRAME"] = np.where(np.arange(len(newest)) % 3, "N", "Y")
    newest["DAYS TO CLOSE"] = [str(d % 17) for d in range(len(newest))]
    newest.iloc[:20, newest.columns.get_loc("NEIGHBORHOOD")] = RENAMED
    added = newest.iloc[:5].copy()
    added["CASE ID"] = added["CASE ID"] + "-new"
    records = []
    for number, row in enumerate(pd.concat([newest, added]).to_dict("records")):
        record = {name.lower().replace(" ", "_"): value for name, value in row.items() if value}
        record[":id"] = f"row-test-{number}"
        record[":updated_at"] = f"2026-11-28T06:00:{number % 60:02d}.000Z"
        records.append(record)
    return records


def _requests(session) -> pd.DataFrame:
    return pd.read_sql(text("SELECT period, category, type, department, status, "
                            "exceeded_timeframe, days_to_close, neighborhood "
                            "FROM service_request"), session.connection())


def _matching(rows: pd.DataFrame, definition) -> pd.DataFrame:
    if not definition.requests.rules:
        return rows
    keep = np.zeros(len(rows), dtype=bool)
    for rule in definition.requests.rules:
        match = np.ones(len(rows), dtype=bool)
        for column, values in rule:
            match &= rows[column].isin(list(values)).to_numpy()
        keep |= match
    return rows[keep]


def _from_definition(statistic: str, rows: pd.DataFrame) -> tuple[float, int] | None:
    """A neighborhood's value and n over its requests, from the statistic's words."""
    judged = rows[~rows["status"].isin(["CANC", "DUP"])]
    if statistic == "count":
        return float(len(rows)), len(rows)
    if statistic == "on_time_rate":
        flag = judged["exceeded_timeframe"]
        known = judged[((judged["status"] == "RESOL") & flag.isin(["Y", "N"]))
                       | (judged["status"].isin(["OPEN", "ASSIG"]) & (flag == "Y"))]
        if known.empty:
            return None
        on_time = ((known["status"] == "RESOL") & (known["exceeded_timeframe"] == "N")).sum()
        return 100.0 * on_time / len(known), len(known)
    closed = judged[(judged["status"] == "RESOL") & judged["days_to_close"].notna()]
    if closed.empty:
        return None
    return float(closed["days_to_close"].median()), len(closed)


def _expected_neighborhoods(session) -> dict:
    """Each 311 measure's neighborhood figures over the window each names, from the rows."""
    rows = _requests(session)
    stored = {(m.slug): m for m in session.scalars(select(Measure).where(Measure.kind == "311"))}
    windows = {o.measure_id: o.window for o in session.scalars(select(NeighborhoodObservation))}
    expected = {}
    for definition in CATALOG:
        window = windows.get(stored[definition.slug].id)
        if window is None:
            continue
        first, last = window.split(" to ")
        chosen = _matching(rows, definition)
        chosen = chosen[(chosen["period"] >= first) & (chosen["period"] <= last)
                        & chosen["neighborhood"].notna()]
        for neighborhood, group in chosen.groupby("neighborhood"):
            figure = _from_definition(definition.statistic.key, group)
            if figure is not None and figure[1] > 0:
                expected[(definition.slug, neighborhood)] = (window, round(figure[0], 4),
                                                             figure[1])
    return expected


def test_after_a_sync_each_neighborhood_figure_is_its_definition_over_the_rows(sample_session):
    """A sync that resolves, renames and adds requests in the latest months: the neighborhood
    figures summed from the month tallies are, for every measure and neighborhood, what the
    definition gives over the stored rows of the window, and what a full recompute writes;
    the coverage kept from the tally is what counting every request again gives."""
    session = sample_session
    before = _snapshot(session)
    summary = sync_dataset(db, LEGACY, client=_portal(_changes()))
    assert (summary.rows_added, summary.rows_updated) == (5, 300)
    synced = _snapshot(session)
    assert synced != before  # the changes reached the neighborhood figures
    assert any(neighborhood == RENAMED for _, neighborhood in synced[1])
    assert synced[1] == _expected_neighborhoods(session)
    session.expire_all()
    kept = coverage_311(session)
    assert RENAMED in kept["neighborhoods"]
    with db.transaction() as writing:
        refresh_311_coverage(writing, rescan=True)
    session.expire_all()
    assert coverage_311(session) == kept
    assert _full_recompute_snapshot(session) == synced


def test_a_just_migrated_database_gets_its_tallies_from_a_full_recompute(sample_session):
    """Tallies emptied (as migration 1200 leaves them): recomputing a few months rebuilds
    everything, and ends where a full recompute does."""
    session = sample_session
    full = _snapshot(session)
    with db.transaction() as writing:
        writing.execute(text("DELETE FROM neighborhood_month"))
        writing.execute(text("DELETE FROM request_tally"))
        writing.execute(text("DELETE FROM neighborhood_observation"))
    with db.transaction() as writing:
        measures.recompute_311_periods(writing, {"2020-01"})
    assert _snapshot(session) == full
    assert session.scalar(text("SELECT count(*) FROM neighborhood_month"))
    assert session.scalar(text("SELECT count(*) FROM request_tally"))

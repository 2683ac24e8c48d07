"""What the 311 data covers (dates, neighborhoods, whole city or a sample), said the same way
on every page, export and citation."""

from __future__ import annotations

import gzip
import json
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kcstat_dash import i18n
from kcstat_dash.i18n import N_, gettext
from kcstat_dash.models import DataCoverage, ImportRun, RequestTally, ServiceRequest, utcnow
from kcstat_dash.sample_data import NEIGHBORHOODS_GEOJSON
from kcstat_dash.services.case_lookup import stored_cases
from kcstat_dash.timezone import to_local

KIND_311 = "311"
IMPORT_KINDS_311 = ("311-csv", "socrata")
DATASET_NAMES = {"7at3-sxhp": "311 Call Center Service Requests, 2007 – March 2021",
                 "d4px-6rwg": "311 Service Requests, March 2021 on"}


def dataset_url(dataset_id: str) -> str:
    return f"https://data.kcmo.org/d/{dataset_id}"


@lru_cache(maxsize=1)
def city_neighborhood_count() -> int:
    """How many neighborhoods Kansas City has, from the boundaries shipped with the app."""
    with gzip.open(NEIGHBORHOODS_GEOJSON, "rt", encoding="utf-8") as handle:
        return len(json.load(handle)["features"])


def _local_day(moment) -> str | None:
    return to_local(moment).date().isoformat() if moment is not None else None


def neighborhood_names(nbh_ids, names) -> list[str]:
    """Each neighborhood once: by its id where the export has one (a name may be spelled or
    cut short in several ways), with its most frequent spelling; by name where it has none."""
    frame = pd.DataFrame({"id": pd.Series(nbh_ids, dtype=object),
                          "name": pd.Series(names, dtype=object)}).dropna(subset=["name"])
    counted = frame.groupby(["id", "name"], dropna=False).size()
    return names_from_counts((i, n, c) for (i, n), c in counted.items())


def names_from_counts(rows) -> list[str]:
    """``neighborhood_names`` from ``(nbh_id, name, count)`` rows, as a GROUP BY gives them.

    The most frequent spelling of an id wins; a tie goes to the spelling that sorts first, so
    the answer never depends on row order.
    """
    best: dict[object, tuple[int, str]] = {}
    without_id: set[str] = set()
    for nbh_id, name, count in rows:
        if name is None or (isinstance(name, float) and np.isnan(name)):
            continue
        if nbh_id is None or (isinstance(nbh_id, float) and np.isnan(nbh_id)):
            without_id.add(name)
            continue
        held = best.get(nbh_id)
        if held is None or (-count, name) < (-held[0], held[1]):
            best[nbh_id] = (count, name)
    chosen = {name for _, name in best.values()}
    return sorted(chosen | without_id)


def stored_neighborhood_names(session: Session) -> list[str]:
    """``neighborhood_names`` of every stored request, from the kept request tally."""
    rows = session.execute(select(RequestTally.nbh_id, RequestTally.neighborhood,
                                  func.sum(RequestTally.request_count))
                           .where(RequestTally.request_count > 0)
                           .group_by(RequestTally.nbh_id, RequestTally.neighborhood))
    return names_from_counts(rows)


# --- The request tally: coverage kept up to date without a scan ---------------------------

# The fields a request is counted under in the request tally.
TALLY_COLUMNS = (ServiceRequest.dataset, ServiceRequest.nbh_id, ServiceRequest.neighborhood)


def _tally_key(dataset, nbh_id, neighborhood) -> tuple:
    return (dataset, nbh_id, neighborhood)


def rebuild_request_tally(session: Session) -> None:
    """Count every stored request by dataset, neighborhood id and spelling (one scan)."""
    session.execute(delete(RequestTally))
    rows = [{"dataset": dataset, "nbh_id": nbh_id, "neighborhood": name, "request_count": n}
            for dataset, nbh_id, name, n in session.execute(
                select(ServiceRequest.dataset, ServiceRequest.nbh_id,
                       ServiceRequest.neighborhood, func.count())
                .group_by(ServiceRequest.dataset, ServiceRequest.nbh_id,
                          ServiceRequest.neighborhood))]
    if rows:
        session.execute(RequestTally.__table__.insert(), rows)
    session.flush()


def tallies_built(session: Session) -> bool:
    """Whether the kept tallies describe the stored requests: a full recompute builds them,
    and a database just migrated to them has requests but no tally yet."""
    if session.scalar(select(RequestTally.id).limit(1)) is not None:
        return True
    return session.scalar(select(ServiceRequest.id).limit(1)) is None


def count_tally(rows) -> dict[tuple, int]:
    """How many of these requests (rows of ``TALLY_COLUMNS``) fall under each key."""
    counts: dict[tuple, int] = {}
    for row in rows:
        key = _tally_key(*row)
        counts[key] = counts.get(key, 0) + 1
    return counts


def tally_of(session: Session, case_ids) -> dict[tuple, int]:
    """How many of these cases, as stored now, fall under each dataset and neighborhood."""
    return count_tally(stored_cases(session, TALLY_COLUMNS, case_ids))


def apply_tally_change(session: Session, before: dict[tuple, int],
                       after: dict[tuple, int]) -> None:
    """Move the request tally from the changed cases as they were (``before``, ``tally_of``
    ahead of the upsert) to as they are (``after``). Nothing is kept before a first full
    recompute has built the tally (``tallies_built``)."""
    if session.scalar(select(RequestTally.id).limit(1)) is None:
        return
    change = {key: after.get(key, 0) - before.get(key, 0) for key in {*before, *after}}
    change = {key: n for key, n in change.items() if n}
    if not change:
        return
    kept = {_tally_key(r.dataset, r.nbh_id, r.neighborhood): r
            for r in session.scalars(select(RequestTally))}
    for key, n in change.items():
        row = kept.get(key)
        if row is None:
            session.add(RequestTally(dataset=key[0], nbh_id=key[1], neighborhood=key[2],
                                     request_count=n))
        elif row.request_count + n:
            row.request_count += n
        else:
            session.delete(row)
    session.flush()


def _created_extremes(session: Session):
    """The first and last creation time stored. ``period`` is the creation time's local month
    (both set from the same field at import) and is indexed, so the extremes are looked for
    only in the first and last months rather than across the whole table."""
    # Two statements: SQLite answers a lone min() or max() from the index's ends, but scans the
    # whole index for both in one SELECT.
    first_month = session.scalar(select(func.min(ServiceRequest.period)))
    last_month = session.scalar(select(func.max(ServiceRequest.period)))
    if first_month is None:
        return None, None
    first = session.scalar(select(func.min(ServiceRequest.created_at))
                           .where(ServiceRequest.period == first_month))
    last = session.scalar(select(func.max(ServiceRequest.created_at))
                          .where(ServiceRequest.period == last_month))
    return first, last


def describe_import(run: ImportRun, created_at: np.ndarray, neighborhood_count: int,
                    citywide: bool, asked_through: date | None = None) -> None:
    """Record on an import run what it covers: its first and last creation day (or, for a
    Socrata import with no end, the day it asked up to), and how many neighborhoods
    (``neighborhood_names`` counted them). ``created_at`` needs only hold the extremes."""
    moments = pd.DatetimeIndex(created_at).tz_localize("UTC").tz_convert("America/Chicago")
    moments = moments[moments.notna()]
    if len(moments):
        run.covers_from = moments.min().date().isoformat()
        run.covers_through = moments.max().date().isoformat()
    if asked_through is not None:
        run.covers_through = max(filter(None, [run.covers_through, asked_through.isoformat()]))
    run.neighborhood_count = neighborhood_count
    run.citywide = citywide


def refresh_311_coverage(session: Session, rescan: bool = True) -> DataCoverage:
    """Rewrite what the stored 311 data covers: datasets and neighborhoods from the request
    tally (counted again from every stored request when ``rescan``; a sync keeps it with
    ``apply_tally_change`` instead), dates from the first and last months."""
    if rescan:
        rebuild_request_tally(session)
    first, last = _created_extremes(session)
    runs = list(session.scalars(select(ImportRun).where(ImportRun.kind.in_(IMPORT_KINDS_311))))
    asked = [r.covers_through for r in runs if r.kind == "socrata" and r.covers_through]
    through = max(filter(None, [_local_day(last), *asked]), default=None)
    datasets = sorted(d for d in session.scalars(
        select(RequestTally.dataset).where(RequestTally.request_count > 0).distinct()) if d)
    coverage = session.scalar(select(DataCoverage).where(DataCoverage.kind == KIND_311))
    if coverage is None:
        coverage = DataCoverage(kind=KIND_311)
        session.add(coverage)
    names = stored_neighborhood_names(session)
    coverage.data_from = _local_day(first)
    coverage.data_through = through
    coverage.neighborhoods = names
    coverage.neighborhood_count = len(names)
    coverage.city_neighborhood_count = city_neighborhood_count()
    coverage.citywide = any(r.citywide for r in runs)
    coverage.dataset = ", ".join(datasets)
    coverage.source_url = dataset_url(datasets[-1]) if datasets else None
    coverage.updated_at = utcnow()
    session.flush()
    return coverage


NO_311_SCOPE = N_("No 311 data loaded")


def scope_text(coverage: dict | None) -> str:
    """The data's scope in words, in the current language: the whole city, or how much of it.
    What is stored, hashed or sent as JSON carries the English (``coverage_311``); pages say it
    again in their language from the same coverage."""
    if not coverage:
        return gettext(NO_311_SCOPE)
    if coverage["citywide"]:
        return gettext("Citywide: all of Kansas City's 311 requests")
    if not coverage["neighborhood_count"]:
        return gettext("A sample of Kansas City's 311 requests (neighborhoods not recorded)")
    return gettext("{count} of Kansas City's {total} neighborhoods, a sample",
                   count=coverage["neighborhood_count"],
                   total=coverage["city_neighborhood_count"])


def coverage_311(session: Session) -> dict | None:
    """The 311 data's coverage as plain data (``None`` before any 311 import)."""
    row = session.scalar(select(DataCoverage).where(DataCoverage.kind == KIND_311))
    if row is None:
        return None
    view = {"kind": row.kind, "data_from": row.data_from, "data_through": row.data_through,
            "neighborhoods": list(row.neighborhoods or []),
            "neighborhood_count": row.neighborhood_count,
            "city_neighborhood_count": row.city_neighborhood_count, "citywide": row.citywide,
            "dataset": row.dataset,
            "dataset_names": [DATASET_NAMES.get(d.strip(), d.strip())
                              for d in row.dataset.split(",") if d.strip()],
            "source_url": row.source_url}
    with i18n.using("en"):
        view["scope"] = scope_text(view)
    return view


def data_through_date(coverage: dict | None) -> date | None:
    text = coverage and coverage.get("data_through")
    return date.fromisoformat(text) if text else None

"""What the 311 data covers (dates, neighborhoods, whole city or a sample), said the same way
on every page, export and citation."""

from __future__ import annotations

import gzip
import json
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcstat_dash import i18n
from kcstat_dash.i18n import N_, gettext
from kcstat_dash.models import DataCoverage, ImportRun, ServiceRequest, utcnow
from kcstat_dash.sample_data import NEIGHBORHOODS_GEOJSON
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
    """``neighborhood_names`` of every stored request, counted by the database."""
    rows = session.execute(select(ServiceRequest.nbh_id, ServiceRequest.neighborhood,
                                  func.count()).group_by(ServiceRequest.nbh_id,
                                                         ServiceRequest.neighborhood))
    return names_from_counts(rows)


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


def refresh_311_coverage(session: Session) -> DataCoverage:
    """Rewrite what the stored 311 data covers, from the stored requests."""
    first, last = session.execute(select(func.min(ServiceRequest.created_at),
                                         func.max(ServiceRequest.created_at))).one()
    runs = list(session.scalars(select(ImportRun).where(ImportRun.kind.in_(IMPORT_KINDS_311))))
    asked = [r.covers_through for r in runs if r.kind == "socrata" and r.covers_through]
    through = max(filter(None, [_local_day(last), *asked]), default=None)
    datasets = sorted(d for d in session.scalars(select(ServiceRequest.dataset).distinct()) if d)
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

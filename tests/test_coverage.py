"""What the 311 data covers is recorded at import and said the same way everywhere."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import datetime

from sqlalchemy import select

from kcstat_dash.db import db
from kcstat_dash.models import ImportRun
from kcstat_dash.sample_data import NEIGHBORHOODS_GEOJSON
from kcstat_dash.services import coverage, measures
from kcstat_dash.services.data_load import import_311_paths
from tests.conftest import DATA_DIR

SMALL = DATA_DIR / "kc311_small.csv"


def _rows():
    with open(SMALL, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _city_neighborhoods() -> int:
    with gzip.open(NEIGHBORHOODS_GEOJSON, "rt", encoding="utf-8") as handle:
        return len(json.load(handle)["features"])


def test_an_import_records_its_dates_and_neighborhoods(session):
    import_311_paths(db, [SMALL])
    rows = _rows()
    days = sorted(datetime.strptime(r["CREATION DATE"], "%m/%d/%Y").date() for r in rows)
    neighborhoods = {r["nbh_id"] for r in rows if r["nbh_id"].strip()}
    run = session.scalars(select(ImportRun)).one()
    assert (run.covers_from, run.covers_through) == (days[0].isoformat(), days[-1].isoformat())
    assert run.neighborhood_count == len(neighborhoods) and not run.citywide
    seen = coverage.coverage_311(session)
    assert seen["data_through"] == days[-1].isoformat()
    assert seen["neighborhood_count"] == len(neighborhoods)
    assert seen["scope"] == (f"{len(neighborhoods)} of Kansas City's {_city_neighborhoods()} "
                             "neighborhoods, a sample")


def test_a_file_declared_citywide_is_described_as_the_whole_city(session):
    import_311_paths(db, [SMALL], citywide=True)
    seen = coverage.coverage_311(session)
    assert seen["citywide"] and seen["scope"].startswith("Citywide")


def test_before_any_import_there_is_no_coverage(session):
    assert coverage.coverage_311(session) is None


def test_the_sample_is_twelve_neighborhoods(sample_session):
    seen = coverage.coverage_311(sample_session)
    assert seen["neighborhood_count"] == 12 and not seen["citywide"]
    assert seen["data_from"] == "2007-01-04" and seen["data_through"] == "2020-09-09"


def test_each_value_names_the_import_that_last_changed_its_requests(session, tmp_path):
    rows = _rows()
    months = sorted({datetime.strptime(r["CREATION DATE"], "%m/%d/%Y").strftime("%Y-%m")
                     for r in rows})
    later = months[-1]
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    with open(SMALL, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    for path, keep in ((first, lambda m: m != later), (second, lambda m: m == later)):
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, header)
            writer.writeheader()
            writer.writerows(r for r in rows if keep(
                datetime.strptime(r["CREATION DATE"], "%m/%d/%Y").strftime("%Y-%m")))
    import_311_paths(db, [first])
    import_311_paths(db, [second])
    runs = {r.source: r.id for r in session.scalars(select(ImportRun))}
    measure = measures.get_measure(session, "311-requests")
    by_period = {o.period: o.import_run_id for o in measure.observations}
    assert by_period[later] == runs["second.csv"]
    assert {by_period[m] for m in months[:-1]} == {runs["first.csv"]}


def test_an_import_and_its_recompute_are_one_unit(session, monkeypatch):
    """A failure (or a kill) during the recompute leaves no import behind, finished or not."""
    from kcstat_dash.services import data_load

    def interrupted(_session):
        raise KeyboardInterrupt("killed between the import and the recompute")

    monkeypatch.setattr(data_load, "recompute_311_measures", interrupted)
    try:
        import_311_paths(db, [SMALL])
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("the interruption did not reach the caller")
    session.rollback()
    assert session.scalars(select(ImportRun)).all() == []
    assert coverage.coverage_311(session) is None

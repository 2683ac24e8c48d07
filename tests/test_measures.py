"""The four specified measures equal an independent computation on the city's exports."""

from __future__ import annotations

import pytest

from kcstat_dash.db import db
from kcstat_dash.services import measures, verdicts
from kcstat_dash.services.data_load import import_311_paths
from tests import reference_311 as ref
from tests.conftest import DATA_DIR


def _points(session, slug) -> dict[str, dict]:
    return {p["period"]: p for p in
            measures.observation_points(measures.get_measure(session, slug))}


def _assert_same(ours: dict, theirs: dict):
    """Value and n, month by month, and no month more or fewer."""
    assert set(ours) == set(theirs)
    for period, (value, n) in theirs.items():
        assert ours[period]["value"] == pytest.approx(value, abs=1e-3), period
        assert ours[period]["n"] == n, period


def _check_all_four(session, frame):
    _assert_same(_points(session, "311-requests"), ref.requests_per_month(frame))
    _assert_same(_points(session, "311-on-time-rate"), ref.on_time_rate(frame))
    _assert_same(_points(session, "311-median-days-to-close"), ref.median_days_to_close(frame))
    _assert_same(_points(session, "pothole-on-time-rate"), ref.on_time_rate(ref.potholes(frame)))
    partial = ref.partial_months(frame)
    for slug in ("311-requests", "311-on-time-rate", "pothole-on-time-rate"):
        for period, point in _points(session, slug).items():
            assert point["partial"] == (period in partial), (slug, period)
    provisional = ref.provisional_on_time(frame)
    for period, point in _points(session, "311-on-time-rate").items():
        assert point["provisional"] == provisional[period], period


def test_measures_match_reference_on_the_whole_sample(sample_session):
    _check_all_four(sample_session, ref.read_sample())


def test_measures_match_reference_on_another_export(session):
    import_311_paths(db, [DATA_DIR / "kc311_small.csv"])
    _check_all_four(session, ref.read_export([DATA_DIR / "kc311_small.csv"]))


def test_pothole_measure_counts_both_codings(session):
    import_311_paths(db, [DATA_DIR / "kc311_small.csv"])
    frame = ref.read_export([DATA_DIR / "kc311_small.csv"])
    old = frame[frame["CATEGORY"] == "Pothole"]
    new = frame[frame["TYPE"] == "Pothole"]
    assert len(old) and len(new)
    counted = sum(p["n"] for p in measures.observation_points(
        measures.get_measure(session, "pothole-requests")))
    assert counted == len(ref.potholes(frame))


@pytest.mark.parametrize("value, target, direction, expected", [
    (85, 80, "higher", "met"), (75, 80, "higher", "missed"), (80, 80, "higher", "met"),
    (5, 7, "lower", "met"), (9, 7, "lower", "missed"), (9, None, "lower", "no-target"),
])
def test_status_respects_direction(value, target, direction, expected):
    assert verdicts.judge(value, 100, target, direction, judged_on_n=True) == expected


def test_every_area_has_a_measure(sample_session):
    areas = measures.list_areas(sample_session)
    assert len(areas) == 6
    assert all(a["measures"] for a in areas)


def test_published_figures_become_measures_with_peers_and_sources(sample_session):
    detail = measures.measure_detail(sample_session,
                                     "satisfaction-with-overall-quality-of-city-services")
    values = {p["period"]: p["value"] for p in detail["observations"]}
    assert values == {"FY2005": 41, "FY2012": 50, "FY2015": 60}
    peers = {(p["period"], p["peer"]): p["value"] for p in detail["peers"]}
    assert peers[("FY2015", "Missouri/Kansas cities average")] == 53
    assert peers[("FY2015", "U.S. cities over 250K average")] == 50
    assert all(p["source_url"].startswith("http") for p in detail["observations"])


def test_a_later_target_does_not_change_past_status(sample_session):
    measure = measures.get_measure(sample_session, "311-on-time-rate")
    before = {p["period"]: p["status"] for p in measures.observation_points(measure)}
    measures.set_target(sample_session, measure, "2020-01", 99.0)
    after = {p["period"]: (p["status"], p["target"]) for p in measures.observation_points(measure)}
    assert all(after[p][0] == s for p, s in before.items() if p < "2020-01")
    assert all(after[p][1] == 99.0 for p in after if p >= "2020-01")

"""The read-only JSON API for areas and measures."""

from __future__ import annotations

import pytest

from tests import reference_311 as ref
from tests.conftest import SAMPLE_DIR
from tests.honest_numbers import expected_status


def test_areas_lists_the_six_goal_areas(client):
    names = [a["name"] for a in client.get("/api/areas").get_json()]
    assert names == ["Neighborhoods and Healthy Communities", "Finance and Governance",
                     "Infrastructure and Transportation", "Economic Development",
                     "Public Safety", "Customer Service"]


def test_observations_match_the_raw_export(client, tmp_path):
    import gzip
    import shutil

    plain = tmp_path / "one.csv"
    with gzip.open(SAMPLE_DIR / "kc311_6_neighborhood.csv.gz", "rb") as src, open(plain, "wb") as d:
        shutil.copyfileobj(src, d)
    body = client.get("/api/measures/311-requests/observations").get_json()
    assert set(body[0]) >= {"period", "value", "target"}
    total = sum(p["value"] for p in body)
    # The whole sample is 45,584 requests (shared/data/README.md); one file is a subset.
    assert total == 45584
    assert len(ref.read_export([plain])) < total


@pytest.mark.parametrize("slug, compute, rate_or_median", [
    ("311-requests", ref.requests_per_month, False),
    ("311-on-time-rate", ref.on_time_rate, True),
    ("311-median-days-to-close", ref.median_days_to_close, True),
    ("pothole-on-time-rate", lambda f: ref.on_time_rate(ref.potholes(f)), True),
])
def test_the_api_matches_an_independent_recomputation_month_by_month(client, tmp_path, slug,
                                                                     compute, rate_or_median):
    frame = ref.read_sample()
    expected = compute(frame)
    partial = ref.partial_months(frame)
    body = client.get(f"/api/measures/{slug}/observations").get_json()
    assert [p["period"] for p in body] == sorted(expected)
    for point in body:
        assert set(point) >= {"period", "value", "n", "target", "partial", "provisional",
                              "status"}
        value, n = expected[point["period"]]
        assert point["value"] == pytest.approx(value, abs=1e-3), point["period"]
        assert point["n"] == n, point["period"]
        assert point["partial"] == (point["period"] in partial)
        assert point["status"] == expected_status(
            point["value"], n, point["target"], "higher" if "on-time" in slug else "lower",
            partial=point["period"] in partial, rate_or_median=rate_or_median), point["period"]
    # The sample ends on 9 September 2020: that month is partial and never judged.
    assert ref.data_through(frame).isoformat() == "2020-09-09"
    last = body[-1]
    if last["period"] == "2020-09":
        assert last["partial"] and last["status"] == "partial"


def test_the_headline_is_the_latest_complete_month_with_its_n(client, tmp_path):
    frame = ref.read_sample()
    detail = client.get("/api/measures/311-on-time-rate").get_json()
    assert detail["latest_period"] == "2020-08"  # September 2020 is partial
    value, n = ref.on_time_rate(frame)["2020-08"]
    assert detail["latest_value"] == pytest.approx(value, abs=1e-3)
    assert detail["n"] == n
    assert detail["data_through"] == "2020-09-09"
    assert detail["scope"] == "12 of Kansas City's 246 neighborhoods, a sample"


def test_a_small_count_is_too_few_to_judge_and_the_threshold_is_a_setting(client, monkeypatch):
    points = client.get("/api/measures/board-up-on-time-rate/observations").get_json()
    small = [p for p in points if not p["partial"] and p["n"] < 30]
    assert small and all(p["status"] == "too-few" for p in small)
    monkeypatch.setenv("KCSTAT_MIN_N", "1")
    points = client.get("/api/measures/board-up-on-time-rate/observations").get_json()
    assert {p["status"] for p in points if not p["partial"]} <= {"met", "missed"}


def test_measure_detail_and_list(client):
    listed = client.get("/api/measures").get_json()
    assert "pothole-on-time-rate" in {m["slug"] for m in listed}
    one = client.get("/api/measures/pothole-on-time-rate").get_json()
    assert one["direction"] == "higher" and one["area"] == "Infrastructure and Transportation"


def test_unknown_slug_is_a_json_404(client):
    for path in ("/api/measures/no-such-thing", "/api/measures/no-such-thing/observations"):
        response = client.get(path)
        assert response.status_code == 404
        assert "no-such-thing" in response.get_json()["error"]["message"]


def test_healthz_reports_the_database(client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"


def test_survey_observations_carry_their_margin_of_error_and_numerator(client):
    """Each wave of a resident-survey measure, as the API gives it, against the city's survey
    file shipped with the app (kc_resident_survey_quarterly.csv, question q2_01)."""
    import csv

    with open(SAMPLE_DIR / "kc_resident_survey_quarterly.csv", newline="") as handle:
        waves = [r for r in csv.DictReader(handle) if r["question_id"] == "q2_01"]
    points = client.get("/api/measures/survey-quality-of-services/observations").get_json()
    assert len(points) == len(waves) == 3
    got = sorted((p["n"], p["numerator"], p["margin_of_error"], p["value"]) for p in points)
    assert got == sorted((int(w["n_valid"]), int(w["numerator"]), float(w["moe95_pct"]),
                          round(100 * int(w["numerator"]) / int(w["n_valid"]), 1))
                         for w in waves)

"""The read-only JSON API for areas and measures."""

from __future__ import annotations

from tests import reference_311 as ref
from tests.conftest import SAMPLE_DIR


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

"""Citations: immutable snapshots, a hash anyone can check, verification after data changes."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from kcstat_dash import settings
from kcstat_dash.db import db
from kcstat_dash.models import Citation, Narrative
from kcstat_dash.services import citations, measures
from kcstat_dash.services.data_load import import_311_paths
from tests.conftest import DATA_DIR

SMALL = DATA_DIR / "kc311_small.csv"


def _rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _independent_hash(snapshot: dict) -> str:
    # Written from the documented rule (RFC 8785 for these values), not from the service.
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _requests_in(rows, month: str) -> int:
    # CREATION DATE is MM/DD/YYYY; the measure counts requests by month of creation.
    mm, yyyy = month[5:], month[:4]
    return sum(1 for r in rows if r["CREATION DATE"][:2] == mm and r["CREATION DATE"][6:] == yyyy)


def test_snapshot_survives_a_reimport_that_changes_the_value(session, tmp_path):
    rows = _rows(SMALL)
    month = "2020-01"
    assert _requests_in(rows, month) > 0
    import_311_paths(db, [SMALL])
    citation = citations.create_citation(session, "311-requests", month)
    session.commit()
    cited_id, cited_hash = citation.id, citation.content_hash
    cited_snapshot = json.loads(json.dumps(citation.snapshot))
    assert cited_snapshot["value"] == _requests_in(rows, month)

    # The city revises its export: one more January request appears in a later file.
    extra = dict(rows[0], **{"CASE ID": "2099000001", "CREATION DATE": "01/20/2020"})
    revised = tmp_path / "kc311_revised.csv"
    _write(revised, rows + [extra])
    report = import_311_paths(db, [revised])
    assert not report.errors and report.imported[0].rows_added == 1

    session.expire_all()
    stored = session.get(Citation, cited_id)
    assert stored.snapshot == cited_snapshot
    assert stored.content_hash == cited_hash == _independent_hash(stored.snapshot)
    result = citations.verify(session, stored)
    assert result["state"] == "changed"
    assert result["current"]["value"] == _requests_in(rows, month) + 1
    value_change = next(d for d in result["differences"] if d["field"] == "value")
    assert value_change["then"] == f"{_requests_in(rows, month):,}"
    assert value_change["now"] == f"{_requests_in(rows, month) + 1:,}"
    assert "revised data" in value_change["reason"]
    assert "kc311_revised.csv" in value_change["reason"]


def test_unchanged_data_verifies_as_the_same(sample_session):
    citation = citations.create_citation(sample_session, "pothole-on-time-rate", "2019-03")
    result = citations.verify(sample_session, citation)
    assert result["state"] == "same" and result["differences"] == [] and result["hash_ok"]


def test_changed_target_and_narrative_are_reported_with_the_value_unchanged(sample_session):
    measure = measures.get_measure(sample_session, "pothole-on-time-rate")
    citation = citations.create_citation(sample_session, measure.slug, "2019-03")
    cited_target = citation.snapshot["target"]
    measures.set_target(sample_session, measure, "2019-01", 90.0)
    sample_session.add(Narrative(measure_id=measure.id, period="2019-03",
                                 body="Crews were moved to snow removal."))
    sample_session.flush()
    result = citations.verify(sample_session, citation)
    # The value did not move, but what a reader relies on did: it reads as changed.
    assert result["state"] == "changed" and result["label"] == "Changed since it was cited"
    fields = {d["field"]: d for d in result["differences"]}
    assert set(fields) == {"target", "narrative"}  # 29.3% misses 80% and 90% alike
    assert fields["target"]["now"] == "90%" and cited_target != 90
    assert "changed target" in fields["target"]["reason"]
    assert fields["narrative"]["now"] == "Crews were moved to snow removal."
    assert citation.snapshot["target"] == cited_target  # the snapshot itself never moves


def test_snapshot_holds_everything_that_was_published(sample_session):
    measure = measures.get_measure(sample_session, "pothole-on-time-rate")
    sample_session.add(Narrative(measure_id=measure.id, period="2019-03", body="Wet spring."))
    sample_session.flush()
    observation = next(o for o in measure.observations if o.period == "2019-03")
    now = datetime(2026, 11, 26, 15, 30, tzinfo=UTC)
    snapshot = citations.create_citation(sample_session, measure.slug, "2019-03", now=now).snapshot
    assert snapshot["measure"]["name"] == "Pothole requests closed on time"
    assert snapshot["area"]["name"] == "Infrastructure and Transportation"
    assert snapshot["period"] == "2019-03" and snapshot["period_label"] == "March 2019"
    assert snapshot["value"] == pytest.approx(observation.value)
    assert snapshot["measure"]["unit"] == "percent"
    assert snapshot["target"] == 80 and snapshot["status"] == "missed"  # 80% catalog default
    assert snapshot["n"] == observation.request_count and snapshot["partial"] is False
    assert snapshot["data_through"] == "2020-09-09"  # the sample's last creation day
    assert snapshot["coverage"]["citywide"] is False
    assert snapshot["narrative"] == "Wet spring."
    assert snapshot["source"]["url"] == "https://data.kcmo.org/d/7at3-sxhp"
    assert snapshot["source"]["import_source"].startswith("kc311_")
    assert snapshot["source"]["imported_at"].endswith("Z")
    assert snapshot["cited_at"] == "2026-11-26T15:30:00Z"
    assert snapshot["series"][-1]["period"] == "2019-03" and len(snapshot["series"]) == 12


def test_citation_text_short_and_full_forms(sample_session, monkeypatch):
    monkeypatch.delenv("KCSTAT_PUBLISHER", raising=False)
    now = datetime(2026, 11, 26, 15, 30, tzinfo=UTC)
    citation = citations.create_citation(sample_session, "pothole-on-time-rate", "2019-03",
                                         now=now)
    value = citation.snapshot["value"]
    view = citations.public_view(citation, "https://kcstat.example.org/")
    url = f"https://kcstat.example.org/cite/{citation.id}"
    n = citation.snapshot["n"]
    assert view["text"]["short"] == (
        f"{settings.DEFAULT_PUBLISHER}: Pothole requests closed on time (Infrastructure and "
        f"Transportation), March 2019: {value:.1f}% (n = {n}; data through 2020-09-09; "
        "12 of Kansas City's 246 neighborhoods, a sample; target 80%, target missed). "
        f"Retrieved 2026-11-26 from {url}.")
    full = view["text"]["full"]
    assert "target at least 80% (target missed)" in full
    assert citation.content_hash in full and full.endswith(f"from {url}.")
    assert "Kansas City 311 service requests (data.kcmo.org)" in full


def test_ids_are_random_and_well_formed(sample_session):
    made = {citations.create_citation(sample_session, "pothole-on-time-rate", "2019-03").id
            for _ in range(20)}
    assert len(made) == 20
    assert all(citations.ID_PATTERN.fullmatch(i) for i in made)


def test_whole_numbers_hash_the_same_as_javascript_would_write_them():
    # JSON.stringify({b: 80.0, a: "é"}) with sorted keys is '{"a":"é","b":80}'.
    expected = hashlib.sha256('{"a":"é","b":80}'.encode()).hexdigest()
    assert citations.content_hash({"b": 80.0, "a": "é"}) == expected


@pytest.mark.parametrize("slug, period", [
    (None, "2019-03"), ("", "2019-03"), ("pothole-on-time-rate", None),
    ("pothole-on-time-rate", "March 2019"), ("pothole-on-time-rate", "2019-13"),
    ("Pothole On Time", "2019-03"), ("x" * 200, "2019-03"), (["a"], "2019-03"),
    ("pothole-on-time-rate", 201903),
])
def test_malformed_requests_are_refused_before_anything_is_stored(sample_session, slug, period):
    with pytest.raises(citations.CitationInputError):
        citations.create_citation(sample_session, slug, period)
    assert sample_session.scalars(select(Citation)).first() is None

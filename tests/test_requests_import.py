"""The 311 import: real CSV parsing, idempotence by CASE ID, the city's mess, bad files."""

from __future__ import annotations

import csv
import shutil

import pytest
from sqlalchemy import func, select

from kcstat_dash.models import ImportRun, ServiceRequest
from kcstat_dash.services.data_load import import_311_paths
from kcstat_dash.services.requests_import import ImportFileError, read_311_file
from tests.conftest import DATA_DIR

SMALL = DATA_DIR / "kc311_small.csv"


def _rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path, rows, fieldnames=None):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames or list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _count(session) -> int:
    return session.scalar(select(func.count(ServiceRequest.id)))


def test_import_reads_every_row_including_multiline_fields(session):
    from kcstat_dash.extensions import db

    expected = len(_rows(SMALL))
    report = import_311_paths(db, [SMALL])
    assert not report.errors
    assert report.imported[0].rows_added == expected
    assert _count(session) == expected
    # ADDRESS WITH GEOCODE spans two lines; the row after it must still parse as its own case.
    case_ids = {r["CASE ID"] for r in _rows(SMALL)}
    stored = set(session.scalars(select(ServiceRequest.case_id)))
    assert stored == case_ids


def test_reimport_adds_nothing_and_changed_row_is_updated(session, tmp_path):
    from kcstat_dash.extensions import db

    import_311_paths(db, [SMALL])
    again = import_311_paths(db, [SMALL])
    assert (again.imported[0].rows_added, again.imported[0].rows_updated) == (0, 0)

    rows = _rows(SMALL)
    changed = rows[0]["CASE ID"]
    rows[0]["STATUS"] = "OPEN" if rows[0]["STATUS"] != "OPEN" else "RESOL"
    revised = tmp_path / "revised.csv"
    _write(revised, rows)
    third = import_311_paths(db, [revised])
    assert (third.imported[0].rows_added, third.imported[0].rows_updated) == (0, 1)
    session.expire_all()
    stored = session.scalar(select(ServiceRequest).where(ServiceRequest.case_id == changed))
    assert stored.status == rows[0]["STATUS"]
    assert _count(session) == len(rows)


def test_truncated_neighborhood_names_are_repaired(session):
    from kcstat_dash.extensions import db

    import_311_paths(db, [SMALL])
    names = set(session.scalars(select(ServiceRequest.neighborhood).distinct()))
    assert "18th And Vine And Downtown East" in names
    assert "18th And Vine And Downtown Eas" not in names


def test_rows_without_timeframe_flag_are_kept_without_one(session):
    from kcstat_dash.extensions import db

    missing = [r["CASE ID"] for r in _rows(SMALL) if r["EXCEEDED EST TIMEFRAME"] not in ("Y", "N")]
    assert missing, "the fixture must contain rows lacking the flag"
    import_311_paths(db, [SMALL])
    flags = session.scalars(select(ServiceRequest.exceeded_timeframe)
                            .where(ServiceRequest.case_id.in_(missing))).all()
    assert flags == [None] * len(missing)


def test_gzipped_export_reads_like_the_plain_one(tmp_path):
    import gzip

    packed = tmp_path / "small.csv.gz"
    with open(SMALL, "rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    assert read_311_file(packed) == read_311_file(SMALL)


@pytest.mark.parametrize("content, line, words", [
    ("name,age\nAda,36\n", 1, "not a Kansas City 311 export"),
    ("", None, "not a Kansas City 311 export"),
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", None, "not a text"),
])
def test_a_file_that_is_not_an_export_is_refused_by_name(tmp_path, content, line, words):
    bad = tmp_path / "upload.csv"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(ImportFileError) as caught:
        read_311_file(bad)
    assert "upload.csv" in str(caught.value)
    assert words in str(caught.value)
    if line:
        assert caught.value.line == line


def test_a_bad_row_names_its_line_and_nothing_from_the_file_is_stored(session, tmp_path):
    from kcstat_dash.extensions import db

    rows = _rows(SMALL)
    rows[40]["CREATION DATE"] = "31/31/2019"
    bad = tmp_path / "broken.csv"
    _write(bad, rows)
    report = import_311_paths(db, [bad, SMALL])
    assert len(report.errors) == 1
    error = report.errors[0]
    assert error.path == "broken.csv"
    # Count physical lines up to that row: multi-line fields push the line number down.
    with open(bad, newline="") as handle:
        reader = csv.reader(handle)
        for index, _ in enumerate(reader):
            if index == 41:
                expected_line = reader.line_num
                break
    assert error.line == expected_line
    assert "CREATION DATE" in str(error)
    # The good file in the same call still imported; the broken one added nothing.
    assert _count(session) == len(rows)
    runs = session.scalars(select(ImportRun.source)).all()
    assert "broken.csv" not in runs


def test_current_dataset_fields_are_read(tmp_path, session):
    from kcstat_dash.extensions import db

    current = tmp_path / "d4px.csv"
    _write(current, [
        {"case_id": "2021100001", "open_date_time": "2021-04-03T08:15:00.000",
         "resolved_date": "2021-04-06T10:00:00.000", "current_status": "Resolved",
         "reported_issue": "Pothole", "issue_type": "Streets / Roadways / Alleys",
         "issue_sub_type": "Pothole", "department": "Public Works",
         "department_work_group": "Street and Traffic", "report_source": "PHONE",
         "source_category": "Call", "incident_address": "100 Main St", "council_district": "4",
         "neighborhood": "Hospital Hill", "lat_long": "(39.08, -94.57)"},
    ])
    report = import_311_paths(db, [current])
    assert not report.errors
    stored = session.scalar(select(ServiceRequest).where(ServiceRequest.case_id == "2021100001"))
    assert (stored.period, stored.status, stored.type, stored.days_to_close) == (
        "2021-04", "RESOL", "Pothole", 3.0)
    assert (stored.latitude, stored.longitude) == (39.08, -94.57)

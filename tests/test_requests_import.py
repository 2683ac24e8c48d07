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
    from kcstat_dash.db import db

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
    from kcstat_dash.db import db

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
    from kcstat_dash.db import db

    import_311_paths(db, [SMALL])
    names = set(session.scalars(select(ServiceRequest.neighborhood).distinct()))
    assert "18th And Vine And Downtown East" in names
    assert "18th And Vine And Downtown Eas" not in names


def test_rows_without_timeframe_flag_are_kept_without_one(session):
    from kcstat_dash.db import db

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
    assert read_311_file(packed).records() == read_311_file(SMALL).records()


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


@pytest.mark.parametrize("chunk_rows, bad_first", [(None, True), (16, True), (16, False)])
def test_a_bad_row_names_its_line_and_nothing_from_the_file_is_stored(
        session, tmp_path, monkeypatch, chunk_rows, bad_first):
    """Whole, or read in chunks of 16 rows so that two chunks of the broken file were stored
    before its bad row (the 41st) is read: either way none of it stays."""
    from kcstat_dash.db import db
    from kcstat_dash.services import requests_import

    if chunk_rows:
        monkeypatch.setattr(requests_import, "CHUNK_ROWS", chunk_rows)
    rows = _rows(SMALL)
    rows[40]["CREATION DATE"] = "31/31/2019"
    bad = tmp_path / "broken.csv"
    _write(bad, rows)
    report = import_311_paths(db, [bad, SMALL] if bad_first else [SMALL, bad])
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


def test_a_file_read_in_chunks_stores_what_it_stores_read_whole(session, tmp_path):
    from kcstat_dash.db import db
    from kcstat_dash.services.requests_import import import_311_file

    def imported(chunk_rows):
        with db.transaction() as writing:
            summary = import_311_file(writing, SMALL, chunk_rows=chunk_rows)
            run = writing.get(ImportRun, summary.run_id)
            described = (run.rows_read, run.rows_added, run.covers_from, run.covers_through,
                         run.neighborhood_count)
        stored = _stored(session)
        with db.transaction() as writing:
            writing.execute(ServiceRequest.__table__.delete())
        session.expire_all()
        return stored, described

    whole, chunked = imported(10_000), imported(7)
    assert whole[1][0] == len(_rows(SMALL)) > 7 * 3
    assert chunked == whole


def test_current_dataset_fields_are_read(tmp_path, session):
    from kcstat_dash.db import db

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


def _stored(session) -> dict[str, dict]:
    from kcstat_dash.services.request_records import FIELDS

    session.expire_all()
    return {r.case_id: {f: getattr(r, f) for f in FIELDS}
            for r in session.scalars(select(ServiceRequest))}


def test_stored_rows_read_back_as_parsed_including_awkward_text(session, tmp_path):
    from kcstat_dash.db import db

    rows = _rows(SMALL)
    # Characters COPY's text format escapes, a quote and a non-ASCII name.
    rows[3]["DETAIL"] = "tab\there, back\\slash, line\nbreak, \\N, \"quoted\""
    rows[4]["STREET ADDRESS"] = "1200 Côte Brillante\r\nAve"
    awkward = tmp_path / "awkward.csv"
    _write(awkward, rows)
    report = import_311_paths(db, [awkward])
    assert not report.errors
    expected = {r["case_id"]: r for r in read_311_file(awkward).records()}
    assert _stored(session) == expected
    assert expected[rows[3]["CASE ID"]]["detail"] == rows[3]["DETAIL"]


def test_times_in_the_hours_the_clocks_change_are_stored_as_local_to_utc_gives_them(session,
                                                                                   tmp_path):
    from datetime import datetime

    from kcstat_dash.db import db
    from kcstat_dash.timezone import local_to_utc

    rows = _rows(SMALL)[:4]
    local = [datetime(2019, 3, 10, 2, 30), datetime(2019, 11, 3, 1, 30),
             datetime(2019, 11, 3, 2, 0), datetime(2019, 3, 10, 3, 0)]  # skipped, repeated ...
    for row, moment in zip(rows, local, strict=True):
        row["CREATION DATE"] = moment.strftime("%m/%d/%Y")
        row["CREATION TIME"] = moment.strftime("%I:%M %p")
    edges = tmp_path / "edges.csv"
    _write(edges, rows)
    assert not import_311_paths(db, [edges]).errors
    stored = _stored(session)
    assert [stored[r["CASE ID"]]["created_at"] for r in rows] == [local_to_utc(m) for m in local]
    assert [stored[r["CASE ID"]]["period"] for r in rows] == ["2019-03", "2019-11", "2019-11",
                                                              "2019-03"]


def test_a_case_listed_twice_in_one_file_keeps_the_later_row(session, tmp_path):
    from kcstat_dash.db import db

    rows = _rows(SMALL)
    later = dict(rows[0], STATUS="OPEN" if rows[0]["STATUS"] != "OPEN" else "RESOL")
    twice = tmp_path / "twice.csv"
    _write(twice, rows + [later])
    summary = import_311_paths(db, [twice]).imported[0]
    assert (summary.rows_read, summary.rows_added, summary.rows_updated) == (
        len(rows) + 1, len(rows), 0)
    assert _stored(session)[later["CASE ID"]]["status"] == later["STATUS"]
    again = import_311_paths(db, [twice]).imported[0]
    assert (again.rows_added, again.rows_updated) == (0, 0)


def test_a_bad_row_after_blank_lines_names_its_own_line(tmp_path):
    rows = _rows(SMALL)[:12]
    rows[9]["CREATION DATE"] = "13/45/2019"
    bad = tmp_path / "blank_lines.csv"
    _write(bad, rows)
    text = bad.read_text()
    lines = text.split("\n")
    # Blank and blank-looking lines between records: readers skip them, the line count does not.
    lines.insert(1, "")
    lines.insert(5, "   ")
    bad.write_text("\n".join(lines))
    with open(bad, newline="") as handle:
        reader = csv.reader(handle)
        expected_line = next(reader.line_num for fields in reader if "13/45/2019" in fields)
    with pytest.raises(ImportFileError) as caught:
        read_311_file(bad)
    assert caught.value.line == expected_line
    assert "CREATION DATE '13/45/2019'" in str(caught.value)


@pytest.mark.parametrize("row", [0, 7])
def test_a_row_with_more_fields_than_the_header_is_refused_by_line(tmp_path, row):
    rows = _rows(SMALL)[:10]
    bad = tmp_path / "long_row.csv"
    _write(bad, rows)
    with open(bad, newline="") as handle:
        records = list(csv.reader(handle))
    records[row + 1].append("surplus")
    with open(bad, "w", newline="") as handle:
        csv.writer(handle).writerows(records)
    with open(bad, newline="") as handle:
        reader = csv.reader(handle)
        expected_line = next(reader.line_num for fields in reader if "surplus" in fields)
    with pytest.raises(ImportFileError) as caught:
        read_311_file(bad)
    assert (caught.value.path, caught.value.line) == ("long_row.csv", expected_line)
    assert "more fields than the header" in str(caught.value)


def test_a_failure_while_storing_leaves_nothing_of_the_file(session, tmp_path, monkeypatch):
    from sqlalchemy.exc import DBAPIError

    from kcstat_dash.db import db
    from kcstat_dash.services import requests_store

    first = tmp_path / "first.csv"
    _write(first, _rows(SMALL)[:20])
    assert not import_311_paths(db, [first]).errors
    # The merge fails after the rows reached the staging table.
    monkeypatch.setattr(requests_store, "UPSERT",
                        requests_store.UPSERT.replace("service_request (", "no_such_table ("))
    with pytest.raises(DBAPIError):
        import_311_paths(db, [SMALL])
    session.expire_all()
    assert _count(session) == 20
    assert session.scalars(select(ImportRun.source)).all() == ["first.csv"]
    monkeypatch.undo()
    # The staging table went with the transaction: the next import on the pool works.
    report = import_311_paths(db, [SMALL])
    assert report.imported[0].rows_added == len(_rows(SMALL)) - 20
    assert _count(session) == len(_rows(SMALL))


def test_sqlite_times_are_written_as_sqlalchemy_writes_them():
    from datetime import UTC, datetime

    import numpy as np
    from sqlalchemy.dialects import sqlite

    from kcstat_dash.models import UTC_DT
    from kcstat_dash.services.requests_store import _sqlite_times

    moments = [datetime(2019, 12, 17, 16, 16), datetime(2007, 1, 2, 3, 4, 5, 600700),
               datetime(2021, 3, 14, 8, 0, 59)]
    dialect = sqlite.dialect()
    process = UTC_DT().dialect_impl(dialect).bind_processor(dialect)
    assert _sqlite_times(np.array(moments, dtype="datetime64[us]")) == [
        process(m.replace(tzinfo=UTC)) for m in moments]


# --- Cut-off downloads and NUL bytes: refused by file and line, nothing stored ---------------


def _physical_lines(text: str) -> int:
    """How many lines ``text`` spans, counting a last line with no line break."""
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def _cut(tmp_path, name: str, keep) -> tuple:
    """SMALL cut off where ``keep(text)`` says (a byte count), and the line the cut lands on."""
    text = SMALL.read_text(encoding="utf-8-sig")
    cut = text[:keep(text)]
    path = tmp_path / name
    path.write_text(cut, encoding="utf-8")
    return path, _physical_lines(cut)


@pytest.mark.parametrize("where", ["mid_row", "inside_quotes"])
def test_a_file_cut_off_in_the_middle_of_a_row_is_refused_and_stores_nothing(
        session, tmp_path, where):
    from kcstat_dash.db import db

    if where == "mid_row":
        # Cut just after the first comma of the 21st line: that row has one field and a bit.
        def keep(text):
            start = [i for i, c in enumerate(text) if c == "\n"][19] + 1
            return text.index(",", start) + 2
    else:
        # Cut inside the first quoted field that spans lines (a multi-line description).
        def keep(text):
            return text.index('"', text.index("\n")) + 5
    truncated, line = _cut(tmp_path, f"cut_{where}.csv", keep)
    report = import_311_paths(db, [truncated])
    [error] = report.errors
    assert (error.path, error.line) == (truncated.name, line)
    assert "cut off" in str(error)
    assert _count(session) == 0
    assert session.scalars(select(ImportRun.source)).all() == []


def test_a_short_row_in_the_middle_is_refused_by_line(tmp_path):
    lines = SMALL.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    records = list(csv.reader(lines))
    width = len(records[0])
    assert all(len(r) == width for r in records)
    short_at = 7
    bad = tmp_path / "short_row.csv"
    with open(bad, "w", newline="") as handle:
        writer = csv.writer(handle)
        for index, record in enumerate(records):
            writer.writerow(record[:width - 3] if index == short_at else record)
    with open(bad, newline="") as handle:
        reader = csv.reader(handle)
        expected_line = next(reader.line_num for r in reader if len(r) == width - 3)
    with pytest.raises(ImportFileError) as caught:
        read_311_file(bad)
    assert (caught.value.path, caught.value.line) == ("short_row.csv", expected_line)


def test_a_nul_byte_is_the_same_clear_error_on_every_database(session, tmp_path):
    from kcstat_dash.db import db

    rows = _rows(SMALL)
    rows[9]["DESCRIPTION" if "DESCRIPTION" in rows[9] else next(iter(rows[9]))] += "\x00"
    bad = tmp_path / "nul.csv"
    _write(bad, rows)
    text = bad.read_text()
    expected_line = text[:text.index("\x00")].count("\n") + 1
    report = import_311_paths(db, [bad])
    [error] = report.errors
    assert (error.path, error.line) == ("nul.csv", expected_line)
    assert "NUL" in str(error)
    assert _count(session) == 0


def _statements(engine) -> list[str]:
    """Every SQL statement the engine sends from now on (a list that grows)."""
    from sqlalchemy import event

    sent: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _conn, _cursor, statement, *_args: sent.append(statement))
    return sent



def test_a_first_load_goes_straight_in_and_stores_what_a_merge_stores(session, tmp_path):
    """Into an empty table the rows are bulk-loaded with no staging table; into a table that
    holds requests they are merged. Both store the same fields and row hashes."""
    from kcstat_dash.db import db

    def stored_hashes():
        return dict(session.execute(
            select(ServiceRequest.case_id, ServiceRequest.row_hash)).all())

    sent = _statements(db.engine)
    first = import_311_paths(db, [SMALL]).imported[0]
    assert not [s for s in sent if "service_request_incoming" in s]
    direct, direct_hashes = _stored(session), stored_hashes()
    assert set(session.scalars(select(ServiceRequest.import_run_id))) == {first.run_id}
    assert (first.rows_added, first.rows_updated) == (len(_rows(SMALL)), 0)

    with db.transaction() as writing:
        writing.execute(ServiceRequest.__table__.delete())
    one = tmp_path / "one.csv"
    _write(one, _rows(SMALL)[:1])
    import_311_paths(db, [one])  # the table now holds a request: the next import merges
    sent.clear()
    merged = import_311_paths(db, [SMALL]).imported[0]
    assert [s for s in sent if "service_request_incoming" in s]
    assert (merged.rows_added, merged.rows_updated) == (len(direct) - 1, 0)
    assert _stored(session) == direct
    assert stored_hashes() == direct_hashes


def test_a_first_load_with_a_case_again_in_a_later_chunk_keeps_the_later_row(session, tmp_path):
    """A case already written by this first load is merged, not loaded twice: the later row
    wins and counts as an update."""
    from kcstat_dash.db import db
    from kcstat_dash.services.requests_import import import_311_file

    rows = _rows(SMALL)
    later = dict(rows[0], STATUS="OPEN" if rows[0]["STATUS"] != "OPEN" else "RESOL")
    again = tmp_path / "again.csv"
    _write(again, rows + [later])
    with db.transaction() as writing:
        summary = import_311_file(writing, again, chunk_rows=7)
    assert (summary.rows_read, summary.rows_added, summary.rows_updated) == (
        len(rows) + 1, len(rows), 1)
    stored = _stored(session)
    assert len(stored) == len(rows)
    assert stored[later["CASE ID"]]["status"] == later["STATUS"]


def test_a_first_load_that_fails_inside_the_bulk_load_leaves_nothing(session, tmp_path,
                                                                      monkeypatch):
    """The server refuses a chunk in the middle of the one COPY: the import raises, nothing of
    it stays, and the connection goes back to the pool fit for the next import."""
    import psycopg

    from kcstat_dash.db import db
    from kcstat_dash.services import requests_import, requests_store

    if db.engine.dialect.name != "postgresql":
        pytest.skip("the one COPY across chunks is PostgreSQL's; SQLite inserts each chunk")
    monkeypatch.setattr(requests_import, "CHUNK_ROWS", 16)
    payloads = []
    real = requests_store.copy_payload

    def second_broken(*args):
        payloads.append(real(*args))
        return payloads[-1] if len(payloads) != 2 else b"not\tenough columns\n"

    monkeypatch.setattr(requests_store, "copy_payload", second_broken)
    with pytest.raises(psycopg.errors.BadCopyFileFormat):
        import_311_paths(db, [SMALL])
    assert len(payloads) >= 2
    assert _count(session) == 0
    assert session.scalars(select(ImportRun.source)).all() == []
    monkeypatch.undo()
    assert import_311_paths(db, [SMALL]).imported[0].rows_added == len(_rows(SMALL))
    assert _count(session) == len(_rows(SMALL))

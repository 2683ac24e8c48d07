"""The column-wise 311 parser against the row-by-row rules it replaced."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from kcstat_dash.services.request_columns import DAY_FORMATS, MOMENT_FORMATS, RowError
from kcstat_dash.services.request_records import FIELDS, row_hashes
from kcstat_dash.services.requests_import import read_311_file
from kcstat_dash.services.requests_parse import parse_current, parse_legacy
from kcstat_dash.services.socrata_import import DATASETS
from kcstat_dash.timezone import local_to_utc
from tests.conftest import DATA_DIR


def _strptime_first(text: str, formats: tuple[str, ...]) -> datetime | None:
    """The rule as the row-by-row import wrote it: the first format strptime accepts."""
    for fmt in formats:
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    return None


DATE_TEXTS = ["12/17/2019", "1/5/2019", " 02/29/2020 ", "02/29/2019", "13/01/2019", "31/31/2019",
              "2019-12-17T00:00:00.000", "2019-12-17T00:00:00", "2019-12-17", "2019-1-5",
              "12/17/19", "2019/12/17", "December 17, 2019", "12-17-2019", "0"]
CLOCK_TEXTS = ["10:16 AM", "10:16 am", "12:00 AM", "12:30 PM", "1:05 PM", "13:05 PM", "10:16",
               "", "noon", "00:10 AM"]


def _legacy_table(dates, clocks) -> pd.DataFrame:
    return pd.DataFrame({"CASE ID": [str(2019000000 + i) for i in range(len(dates))],
                         "CREATION DATE": dates, "CREATION TIME": clocks, "STATUS": "RESOL",
                         "CATEGORY": "Trash", "TYPE": "City", "CLOSED DATE": dates})


def test_dates_and_clock_times_read_as_strptime_reads_them():
    dates = [d for d in DATE_TEXTS for _ in CLOCK_TEXTS]
    clocks = CLOCK_TEXTS * len(DATE_TEXTS)
    readable = [i for i, d in enumerate(dates) if _strptime_first(d, DAY_FORMATS)]
    parsed = parse_legacy(_legacy_table([dates[i] for i in readable],
                                        [clocks[i] for i in readable]))
    expected_created, expected_closed = [], []
    for i in readable:
        day = _strptime_first(dates[i], DAY_FORMATS)
        clock = _strptime_first(clocks[i].upper(), ("%I:%M %p",)) if clocks[i] else None
        local = day.replace(hour=clock.hour, minute=clock.minute) if clock else day
        expected_created.append(local_to_utc(local))
        expected_closed.append(day.date().isoformat())
    records = parsed.records()
    assert [r["created_at"] for r in records] == expected_created
    assert [r["closed_date"] for r in records] == expected_closed
    assert [r["period"] for r in records] == [
        f"{_strptime_first(dates[i], DAY_FORMATS):%Y-%m}" for i in readable]


@pytest.mark.parametrize("text", [t for t in DATE_TEXTS if not _strptime_first(t, DAY_FORMATS)])
def test_a_date_strptime_refuses_is_refused_with_the_row(text):
    table = _legacy_table(["12/17/2019", "12/18/2019", text, "31/31/2019"], ["10:16 AM"] * 4)
    for _ in range(2):  # the second time from the parsed-dates cache
        with pytest.raises(RowError) as caught:
            parse_legacy(table)
        assert caught.value.row == 2
        assert f"CREATION DATE {text.strip()!r} is not MM/DD/YYYY" == str(caught.value)


def test_the_first_failing_check_of_the_first_bad_row_is_reported():
    table = _legacy_table(["12/17/2019", "not a date", ""], ["10:16 AM"] * 3)
    table.loc[2, "CASE ID"] = " "
    with pytest.raises(RowError) as caught:
        parse_legacy(table)
    assert (caught.value.row, str(caught.value)) == (
        1, "CREATION DATE 'not a date' is not MM/DD/YYYY")
    table.loc[1, "CASE ID"] = ""
    with pytest.raises(RowError) as caught:
        parse_legacy(table)
    assert (caught.value.row, str(caught.value)) == (1, "CASE ID is empty")


def test_current_moments_read_as_strptime_reads_them():
    texts = ["2021-04-03T08:15:00.000", "2021-04-03T08:15:00.5", "2021-04-03T08:15:00",
             "04/03/2021 08:15:00 PM", "04/03/2021 08:15:00 pm", "04/03/2021 20:15",
             "2021-04-03 08:15:00", "2021-11-07T01:30:00", "2021-03-14T02:30:00"]
    table = pd.DataFrame({"case_id": [str(i) for i in range(len(texts))],
                          "open_date_time": texts, "current_status": "open"})
    records = parse_current(table).records()
    assert [r["created_at"] for r in records] == [
        local_to_utc(_strptime_first(t, MOMENT_FORMATS)) for t in texts]


def _sha256_of_values(record: dict) -> str:
    """The row hash as the README's words define it: sha256 of the row's fields, in order, as
    compact JSON, the creation time as ISO 8601 UTC with microseconds."""
    values = [record[name].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
              if name == "created_at" and record[name] is not None else record[name]
              for name in FIELDS]
    return hashlib.sha256(json.dumps(values, separators=(",", ":"),
                                     ensure_ascii=False).encode()).hexdigest()


def _small_export() -> pd.DataFrame:
    table = pd.read_csv(DATA_DIR / "kc311_small.csv", dtype=str, na_filter=False)
    table.columns = [c.strip() for c in table.columns]
    return table


def test_row_hash_is_the_digest_of_the_values_as_json():
    parsed = parse_legacy(_small_export())
    records = parsed.records()
    assert list(records[0]) == list(FIELDS)
    assert row_hashes(parsed) == [_sha256_of_values(r) for r in records]
    # Microseconds, whole seconds and missing numbers.
    current = parse_current(pd.DataFrame({"case_id": ["1", "2"], "current_status": ["open"] * 2,
                                          "open_date_time": ["2021-04-03T08:15:00.123",
                                                             "2021-04-03T08:15:00"],
                                          "days_to_close": ["", "2.5"]}))
    assert row_hashes(current) == [_sha256_of_values(r) for r in current.records()]


def test_soda_records_and_the_csv_export_parse_to_the_same_requests(tmp_path):
    """The current dataset as SODA JSON and as a CSV export (points written as text)."""
    pages = [json.loads((DATA_DIR / "socrata" / f"d4px-6rwg_page{n}.json").read_text())
             for n in (1, 2)]
    records = pages[0] + pages[1]
    from_soda = [DATASETS["d4px-6rwg"].parse(page).records() for page in pages]
    columns = sorted({key for record in records for key in record})
    rows = []
    for record in records:
        row = {key: record.get(key, "") for key in columns}
        if isinstance(row["lat_long"], dict):
            lon, lat = row["lat_long"]["coordinates"]
            row["lat_long"] = f"({lat}, {lon})"
        rows.append(row)
    path = tmp_path / "d4px.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    assert read_311_file(path).records() == from_soda[0] + from_soda[1]

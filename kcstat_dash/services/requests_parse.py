"""Reads the city's two 311 layouts into ``ServiceRequest`` fields, a whole table at a time."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from functools import partial

import numpy as np
import pandas as pd

from kcstat_dash.services.neighborhoods import canonical_name
from kcstat_dash.timezone import local_array_to_utc

LEGACY_DATASET = "7at3-sxhp"
CURRENT_DATASET = "d4px-6rwg"
LEGACY_REQUIRED = ("CASE ID", "CREATION DATE", "STATUS", "CATEGORY", "TYPE")
CURRENT_REQUIRED = ("open_date_time", "current_status")
# The current dataset has named its id column several ways; the live SODA API serves the case
# number in ``reported_issue`` (and the work order in ``workorder_``), so that comes last.
CURRENT_ID_FIELDS = ("case_id", "reported_issue_id", "id", "reported_issue")

# ``ServiceRequest``'s imported fields. The order is part of the row hash: keep it.
FIELDS = ("case_id", "dataset", "source", "department", "work_group", "request_type", "category",
          "type", "detail", "created_at", "period", "status", "exceeded_timeframe", "closed_date",
          "days_to_close", "street_address", "zip_code", "neighborhood", "nbh_id",
          "council_district", "police_district", "latitude", "longitude", "case_url")
NUMBER_FIELDS = ("days_to_close", "latitude", "longitude")

# A date as the CSV export writes it (MM/DD/YYYY) or as SODA serves it (ISO timestamp).
DAY_FORMATS = ("%m/%d/%Y", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
CLOCK_FORMAT = "%I:%M %p"
MOMENT_FORMATS = ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y %I:%M:%S %p",
                  "%m/%d/%Y %H:%M", "%Y-%m-%d %H:%M:%S")

# The current dataset's statuses are mixed case and spelled out; measures use the legacy codes.
CURRENT_STATUS_CODES = {"resolved": "RESOL", "closed": "RESOL", "open": "OPEN", "new": "OPEN",
                        "received": "OPEN", "canceled": "CANC", "cancelled": "CANC",
                        "duplicate": "DUP", "assigned": "ASSIG", "in progress": "ASSIG",
                        "referred": "ASSIG", "active": "ASSIG"}


class RowError(ValueError):
    """A row that cannot be read; ``row`` counts from 0 in the table that was given."""

    def __init__(self, row: int, message: str):
        self.row = row
        super().__init__(message)


@dataclass(frozen=True, eq=False)
class ParsedRequests:
    """Requests as one array per field: the shape bulk writing and hashing take as it is.

    Text fields are object arrays (None where the export has nothing), numbers float arrays
    (NaN where empty), ``created_at`` naive UTC ``datetime64[us]``.
    """

    columns: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.columns["case_id"])

    def take(self, rows: np.ndarray) -> ParsedRequests:
        return ParsedRequests({name: values[rows] for name, values in self.columns.items()})

    @classmethod
    def concat(cls, parts: Iterable[ParsedRequests]) -> ParsedRequests:
        parts = list(parts)
        if not parts:
            return cls({name: _empty(name) for name in FIELDS})
        return cls({name: np.concatenate([p.columns[name] for p in parts]) for name in FIELDS})

    def records(self) -> list[dict]:
        """Each row as ``ServiceRequest`` field values: str, float or None, aware UTC times."""
        columns = []
        for name in FIELDS:
            values = self.columns[name].tolist()
            if name == "created_at":
                values = [m and m.replace(tzinfo=UTC) for m in values]
            elif name in NUMBER_FIELDS:
                values = [None if np.isnan(v) else v for v in values]
            columns.append(values)
        return [dict(zip(FIELDS, row, strict=True)) for row in zip(*columns, strict=True)]


def _empty(name: str) -> np.ndarray:
    if name == "created_at":
        return np.array([], dtype="datetime64[us]")
    return np.array([], dtype=float if name in NUMBER_FIELDS else object)


# --- The rules, each over a list of values (a column's distinct values, or every row's) ------


def _texts(values) -> list[str | None]:
    """Surrounding blanks dropped; None where nothing is left."""
    return [str(value).strip() or None for value in values]


def _codes(values) -> list[str | None]:
    """Codes the export writes as floats ("64108.0", "3.0") back to their written form."""
    return [text[:-2] if text and text.endswith(".0") and text[:-2].isdigit() else text
            for text in _texts(values)]


def _number(text: str | None) -> float:
    try:
        return float(text) if text else np.nan
    except ValueError:
        return np.nan


def _numbers(values) -> list[float]:
    """Numbers as floats; NaN where empty or not a number."""
    return [_number(text) for text in _texts(values)]


def _flags(values) -> list[str | None]:
    """Y or N (from "Y", "yes", "n" ...); None for anything else."""
    return [text if text in ("Y", "N") else None
            for text in ((text or "").upper()[:1] for text in _texts(values))]


def _statuses(values) -> list[str | None]:
    return [text.upper() if text else None for text in _texts(values)]


def _current_statuses(values) -> list[str | None]:
    """The current dataset's statuses under the legacy codes the measures use."""
    lowered = ((text or "").lower() for text in _texts(values))
    return [CURRENT_STATUS_CODES.get(text, text.upper() or None) for text in lowered]


def _neighborhoods(values) -> list[str | None]:
    return [canonical_name(value) for value in values]


def _lat_long(value) -> tuple[float, float]:
    """SODA gives a point as {"latitude": ..} or GeoJSON; the CSV export as "(lat, lon)"."""
    if isinstance(value, dict):
        if "coordinates" in value:
            lon, lat = value["coordinates"][:2]
            return float(lat), float(lon)
        return tuple(_numbers([value.get("latitude", ""), value.get("longitude", "")]))
    (text,) = _texts([value])
    if text and "(" in text:
        inner = text[text.rindex("(") + 1 : text.rindex(")")]
        if inner.upper().startswith("POINT"):
            return np.nan, np.nan
        parts = inner.split(",")
        if len(parts) == 2:
            return tuple(_numbers(parts))
    if text and text.upper().startswith("POINT"):
        lon, lat = text[text.index("(") + 1 : text.index(")")].split()
        return tuple(_numbers([lat, lon]))
    return np.nan, np.nan


# --- Whole columns --------------------------------------------------------------------------


def _column(table: pd.DataFrame, name: str) -> np.ndarray:
    """The column's values (a table has "" where a row has nothing; so has a missing column)."""
    if name not in table:
        return _constant("", len(table))
    return table[name].to_numpy(dtype=object)


def _objects(values: list) -> np.ndarray:
    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column


def _constant(value, length: int) -> np.ndarray:
    column = np.empty(length, dtype=object)
    column[:] = value
    return column


def _each(column: np.ndarray, rule: Callable[[list], list]) -> np.ndarray:
    """``rule`` over every row, computed once per distinct value (an export repeats most)."""
    codes, distinct = pd.factorize(column)
    return _objects(rule(distinct))[codes]


def _every(column: np.ndarray, rule: Callable[[list], list]) -> np.ndarray:
    """``rule`` over every row, for columns whose values are nearly all different."""
    return _objects(rule(column))


# An export repeats the same few thousand dates and clock times across tens of thousands of
# rows, and so do the files of one import: each distinct text is parsed once per process
# (up to a bound, since a web worker lives long). Values are datetime64[us] as integers.
_PARSED: dict[tuple[str, ...], dict[str, int]] = {}
_PARSED_LIMIT = 200_000


def _parse(texts: list[str], formats: tuple[str, ...]) -> np.ndarray:
    """Each text by the first of ``formats`` that fits it (as ``strptime``), else NaT."""
    series = pd.Series(texts, dtype=object)
    found = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[us]")
    for fmt in formats:
        todo = np.isnat(found) & (series != "").to_numpy()
        if not todo.any():
            break
        parsed = pd.to_datetime(series[todo], format=fmt, errors="coerce")
        found[todo] = parsed.to_numpy(dtype="datetime64[us]")
    return found


def _moments(column: np.ndarray, formats: tuple[str, ...]) -> np.ndarray:
    """Each row's text as ``datetime64[us]`` by the first of ``formats`` that fits, else NaT.

    Surrounding blanks are ignored, as everywhere else.
    """
    codes, distinct = pd.factorize(column)
    texts = [text or "" for text in _texts(distinct)]
    known = _PARSED.setdefault(formats, {})
    found = {text: known.get(text) for text in texts}
    new = [text for text, value in found.items() if value is None]
    if new:
        parsed = dict(zip(new, _parse(new, formats).astype(np.int64).tolist(), strict=True))
        found.update(parsed)
        if len(known) + len(new) > _PARSED_LIMIT:
            known.clear()
        known.update(parsed)
    values = np.fromiter((found[text] for text in texts), dtype=np.int64, count=len(texts))
    return values.astype("datetime64[us]")[codes]


def _with_clock(days: np.ndarray, clocks: np.ndarray) -> np.ndarray:
    """The day with the clock's hour and minute (as ``datetime.replace``); no clock, the day.

    A missing or odd time still leaves the date, which is what measures use.
    """
    midnight = days.astype("datetime64[D]").astype("datetime64[us]")
    below_minute = (days - midnight) % np.timedelta64(60, "s")
    clock = clocks - clocks.astype("datetime64[D]").astype("datetime64[us]")
    return np.where(np.isnat(clocks), days, midnight + clock + below_minute)


def _months(moments: np.ndarray) -> np.ndarray:
    """``YYYY-MM`` of each time (none may be NaT)."""
    codes, distinct = pd.factorize(moments.astype("datetime64[M]").astype(np.int64))
    return np.datetime_as_string(distinct.astype("datetime64[M]")).astype(object)[codes]


def _iso_days(moments: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD`` of each time, None for NaT."""
    codes, distinct = pd.factorize(moments.astype("datetime64[D]").astype(np.int64))
    days = distinct.astype("datetime64[D]")
    texts = np.datetime_as_string(days).astype(object)
    texts[np.isnat(days)] = None
    return texts[codes]


def _refuse_first_bad_row(*checks: tuple[np.ndarray, Callable[[int], str]]) -> None:
    """``RowError`` for the first row that fails a check, named by the first check it fails."""
    failing = [int(bad.argmax()) for bad, _ in checks if bad.any()]
    if failing:
        row = min(failing)
        raise RowError(row, next(describe(row) for bad, describe in checks if bad[row]))


def _floats(column: np.ndarray) -> np.ndarray:
    return _each(column, _numbers).astype(float)


def parse_legacy(table: pd.DataFrame) -> ParsedRequests:
    """Rows of the 2007–2021 export (``7at3-sxhp``), under its CSV column names."""
    column = partial(_column, table)
    text = lambda name: _each(column(name), _texts)  # noqa: E731
    code = lambda name: _each(column(name), _codes)  # noqa: E731
    case_id = _every(column("CASE ID"), _codes)
    date_text = text("CREATION DATE")
    days = _moments(column("CREATION DATE"), DAY_FORMATS)
    _refuse_first_bad_row(
        (pd.isna(case_id), lambda row: "CASE ID is empty"),
        (pd.isna(date_text), lambda row: "CREATION DATE is empty"),
        (np.isnat(days), lambda row: f"CREATION DATE {date_text[row]!r} is not MM/DD/YYYY"))
    local_created = _with_clock(days, _moments(column("CREATION TIME"), (CLOCK_FORMAT,)))
    return ParsedRequests({
        "case_id": case_id,
        "dataset": _constant(LEGACY_DATASET, len(table)),
        "source": text("SOURCE"),
        "department": text("DEPARTMENT"),
        "work_group": text("WORK GROUP"),
        "request_type": text("REQUEST TYPE"),
        "category": text("CATEGORY"),
        "type": text("TYPE"),
        "detail": text("DETAIL"),
        "created_at": local_array_to_utc(local_created),
        "period": _months(local_created),
        "status": _each(column("STATUS"), _statuses),
        "exceeded_timeframe": _each(column("EXCEEDED EST TIMEFRAME"), _flags),
        # An unreadable closing date is left out rather than refusing the row.
        "closed_date": _iso_days(_moments(column("CLOSED DATE"), DAY_FORMATS)),
        "days_to_close": _floats(column("DAYS TO CLOSE")),
        "street_address": text("STREET ADDRESS"),
        "zip_code": code("ZIP CODE"),
        "neighborhood": _each(column("NEIGHBORHOOD"), _neighborhoods),
        "nbh_id": code("nbh_id"),
        "council_district": code("COUNCIL DISTRICT"),
        "police_district": text("POLICE DISTRICT"),
        "latitude": _floats(column("LATITUDE")),
        "longitude": _floats(column("LONGITUDE")),
        "case_url": _every(column("CASE URL"), _texts),
    })


def parse_current(table: pd.DataFrame) -> ParsedRequests:
    """Records of the March 2021 onward dataset (``d4px-6rwg``), under its field names."""
    column = partial(_column, table)
    text = lambda name: _each(column(name), _texts)  # noqa: E731
    length = len(table)
    case_id, id_field = _constant(None, length), _constant(None, length)
    for name in CURRENT_ID_FIELDS:  # the first id field a row fills names its case
        values = _every(column(name), _codes)
        fill = pd.isna(case_id) & ~pd.isna(values)
        case_id[fill], id_field[fill] = values[fill], name
    open_text = text("open_date_time")
    local_created = _moments(column("open_date_time"), MOMENT_FORMATS)
    _refuse_first_bad_row(
        (pd.isna(case_id), lambda row: "case_id is empty"),
        (pd.isna(open_text), lambda row: "open_date_time is empty"),
        (np.isnat(local_created),
         lambda row: f"open_date_time {open_text[row]!r} is not a date and time"))
    resolved = _moments(column("resolved_date"), MOMENT_FORMATS)
    days_to_close = _floats(column("days_to_close"))
    days_between = (resolved.astype("datetime64[D]")
                    - local_created.astype("datetime64[D]")).astype("timedelta64[D]")
    derive = np.isnan(days_to_close) & ~np.isnat(resolved)
    days_to_close[derive] = days_between[derive].astype(float)
    points = [_lat_long(value) for value in column("lat_long")]
    # ``reported_issue`` names the issue only where another field carries the case number.
    request_type = text("reported_issue")
    request_type[id_field == "reported_issue"] = None
    return ParsedRequests({
        "case_id": case_id,
        "dataset": _constant(CURRENT_DATASET, length),
        "source": text("report_source"),
        "department": text("department"),
        "work_group": text("department_work_group"),
        "request_type": request_type,
        "category": text("issue_type"),
        "type": text("issue_sub_type"),
        "detail": text("issue_detail"),
        "created_at": local_array_to_utc(local_created),
        "period": _months(local_created),
        "status": _each(column("current_status"), _current_statuses),
        "exceeded_timeframe": _each(column("exceeded_est_timeframe"), _flags),
        "closed_date": _iso_days(resolved),
        "days_to_close": days_to_close,
        "street_address": text("incident_address"),
        "zip_code": _each(column("zip_code"), _codes),
        "neighborhood": _each(column("neighborhood"), _neighborhoods),
        "nbh_id": _constant(None, length),
        "council_district": _each(column("council_district"), _codes),
        "police_district": text("police_district"),
        "latitude": np.array([lat for lat, _ in points], dtype=float),
        "longitude": np.array([lon for _, lon in points], dtype=float),
        "case_url": _constant(None, length),
    })


def parser_for(header: list[str]) -> Callable[[pd.DataFrame], ParsedRequests] | None:
    """The parser for a table with these column names, or None when it is neither layout."""
    if all(c in header for c in LEGACY_REQUIRED):
        return parse_legacy
    if all(c in header for c in CURRENT_REQUIRED) and any(c in header for c in CURRENT_ID_FIELDS):
        return parse_current
    return None


# --- The row hash ---------------------------------------------------------------------------


def field_texts(parsed: ParsedRequests, name: str) -> np.ndarray:
    """Each row's value for the field as text for PostgreSQL's COPY (floats as ``repr``, times
    as "YYYY-MM-DD HH:MM:SS[.ffffff]+00:00"); None where there is none."""
    values = parsed.columns[name]
    if name == "created_at":
        seconds = np.datetime_as_string(values, unit="s").tolist()
        texts = _objects([f"{text[:10]} {text[11:]}+00:00" for text in seconds])
        missing = np.isnat(values)
        for row in np.flatnonzero((values.astype("datetime64[s]") != values) & ~missing):
            texts[row] = str(values[row].item().replace(tzinfo=UTC))
        texts[missing] = None
        return texts
    if name in NUMBER_FIELDS:
        codes, distinct = pd.factorize(values)  # NaN gets code -1: None, placed last
        return _objects([str(float(value)) for value in distinct] + [None])[codes]
    return values


def hash_values(parsed: ParsedRequests, name: str) -> list:
    """A field's values as the row hash reads them: text as is, numbers as floats, the
    creation time as ISO 8601 UTC to the microsecond, None where there is none."""
    values = parsed.columns[name]
    if name == "created_at":
        texts = np.datetime_as_string(values, unit="us").astype(object)
        texts[np.isnat(values)] = None
        return texts.tolist()
    if name in NUMBER_FIELDS:
        return np.where(np.isnan(values), None, values.astype(object)).tolist()
    return values.tolist()


def row_hashes(parsed: ParsedRequests) -> list[str]:
    """A digest of each normalised row, to tell a changed row from an unchanged one on re-import.

    ``sha256`` of the row's ``FIELDS`` values, in order, as compact JSON (``hash_values``'
    forms; UTF-8, no ASCII escaping). Migration 0710 computed the stored rows' hashes the same
    way from the database.
    """
    columns = [hash_values(parsed, name) for name in FIELDS]
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
    return [hashlib.sha256(dumps(row).encode()).hexdigest()
            for row in zip(*columns, strict=True)]  # a tuple encodes as a JSON array

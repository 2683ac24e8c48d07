"""How one column of a 311 export reads into stored values: text, codes, numbers, Y/N flags,
statuses, neighborhoods, dates and times, each rule over a whole column at once."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from kcstat_dash.services.neighborhoods import canonical_name

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


# --- The rules, each over a list of values (a column's distinct values, or every row's) ------


def texts(values) -> list[str | None]:
    """Surrounding blanks dropped; None where nothing is left."""
    return [str(value).strip() or None for value in values]


def codes(values) -> list[str | None]:
    """Codes the export writes as floats ("64108.0", "3.0") back to their written form."""
    return [text[:-2] if text and text.endswith(".0") and text[:-2].isdigit() else text
            for text in texts(values)]


def number(text: str | None) -> float:
    try:
        return float(text) if text else np.nan
    except ValueError:
        return np.nan


def numbers(values) -> list[float]:
    """Numbers as floats; NaN where empty or not a number."""
    return [number(text) for text in texts(values)]


def flags(values) -> list[str | None]:
    """Y or N (from "Y", "yes", "n" ...); None for anything else."""
    return [text if text in ("Y", "N") else None
            for text in ((text or "").upper()[:1] for text in texts(values))]


def statuses(values) -> list[str | None]:
    return [text.upper() if text else None for text in texts(values)]


def current_statuses(values) -> list[str | None]:
    """The current dataset's statuses under the legacy codes the measures use."""
    lowered = ((text or "").lower() for text in texts(values))
    return [CURRENT_STATUS_CODES.get(text, text.upper() or None) for text in lowered]


def neighborhoods(values) -> list[str | None]:
    return [canonical_name(value) for value in values]


def lat_long(value) -> tuple[float, float]:
    """SODA gives a point as {"latitude": ..} or GeoJSON; the CSV export as "(lat, lon)"."""
    if isinstance(value, dict):
        if "coordinates" in value:
            lon, lat = value["coordinates"][:2]
            return float(lat), float(lon)
        return tuple(numbers([value.get("latitude", ""), value.get("longitude", "")]))
    (text,) = texts([value])
    if text and "(" in text:
        inner = text[text.rindex("(") + 1 : text.rindex(")")]
        if inner.upper().startswith("POINT"):
            return np.nan, np.nan
        parts = inner.split(",")
        if len(parts) == 2:
            return tuple(numbers(parts))
    if text and text.upper().startswith("POINT"):
        lon, lat = text[text.index("(") + 1 : text.index(")")].split()
        return tuple(numbers([lat, lon]))
    return np.nan, np.nan


# --- Whole columns --------------------------------------------------------------------------


def column(table: pd.DataFrame, name: str) -> np.ndarray:
    """The column's values (a table has "" where a row has nothing; so has a missing column)."""
    if name not in table:
        return constant("", len(table))
    return table[name].to_numpy(dtype=object)


def objects(values: list) -> np.ndarray:
    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column


def constant(value, length: int) -> np.ndarray:
    column = np.empty(length, dtype=object)
    column[:] = value
    return column


def each(column: np.ndarray, rule: Callable[[list], list]) -> np.ndarray:
    """``rule`` over every row, computed once per distinct value (an export repeats most)."""
    codes, distinct = pd.factorize(column)
    return objects(rule(distinct))[codes]


def every(column: np.ndarray, rule: Callable[[list], list]) -> np.ndarray:
    """``rule`` over every row, for columns whose values are nearly all different."""
    return objects(rule(column))


# An export repeats the same few thousand dates and clock times across tens of thousands of
# rows, and so do the files of one import: each distinct text is parsed once per process
# (up to a bound, since a web worker lives long). Values are datetime64[us] as integers.
_PARSED: dict[tuple[str, ...], dict[str, int]] = {}
_PARSED_LIMIT = 200_000


def parse(values: list[str], formats: tuple[str, ...]) -> np.ndarray:
    """Each text by the first of ``formats`` that fits it (as ``strptime``), else NaT."""
    series = pd.Series(values, dtype=object)
    found = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[us]")
    for fmt in formats:
        todo = np.isnat(found) & (series != "").to_numpy()
        if not todo.any():
            break
        parsed = pd.to_datetime(series[todo], format=fmt, errors="coerce")
        found[todo] = parsed.to_numpy(dtype="datetime64[us]")
    return found


def moments(column: np.ndarray, formats: tuple[str, ...]) -> np.ndarray:
    """Each row's text as ``datetime64[us]`` by the first of ``formats`` that fits, else NaT.

    Surrounding blanks are ignored, as everywhere else.
    """
    positions, distinct = pd.factorize(column)
    words = [text or "" for text in texts(distinct)]
    known = _PARSED.setdefault(formats, {})
    found = {text: known.get(text) for text in words}
    new = [text for text, value in found.items() if value is None]
    if new:
        parsed = dict(zip(new, parse(new, formats).astype(np.int64).tolist(), strict=True))
        found.update(parsed)
        if len(known) + len(new) > _PARSED_LIMIT:
            known.clear()
        known.update(parsed)
    values = np.fromiter((found[text] for text in words), dtype=np.int64, count=len(words))
    return values.astype("datetime64[us]")[positions]


def with_clock(days: np.ndarray, clocks: np.ndarray) -> np.ndarray:
    """The day with the clock's hour and minute (as ``datetime.replace``); no clock, the day.

    A missing or odd time still leaves the date, which is what measures use.
    """
    midnight = days.astype("datetime64[D]").astype("datetime64[us]")
    below_minute = (days - midnight) % np.timedelta64(60, "s")
    clock = clocks - clocks.astype("datetime64[D]").astype("datetime64[us]")
    return np.where(np.isnat(clocks), days, midnight + clock + below_minute)


def months(moments: np.ndarray) -> np.ndarray:
    """``YYYY-MM`` of each time (none may be NaT)."""
    codes, distinct = pd.factorize(moments.astype("datetime64[M]").astype(np.int64))
    return np.datetime_as_string(distinct.astype("datetime64[M]")).astype(object)[codes]


def iso_days(moments: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD`` of each time, None for NaT."""
    codes, distinct = pd.factorize(moments.astype("datetime64[D]").astype(np.int64))
    days = distinct.astype("datetime64[D]")
    written = np.datetime_as_string(days).astype(object)
    written[np.isnat(days)] = None
    return written[codes]


def refuse_first_bad_row(*checks: tuple[np.ndarray, Callable[[int], str]]) -> None:
    """``RowError`` for the first row that fails a check, named by the first check it fails."""
    failing = [int(bad.argmax()) for bad, _ in checks if bad.any()]
    if failing:
        row = min(failing)
        raise RowError(row, next(describe(row) for bad, describe in checks if bad[row]))


def floats(column: np.ndarray) -> np.ndarray:
    return each(column, numbers).astype(float)

"""An independent computation of the 311 measures, straight from a raw export.

Written from the words of issue 13's definitions with pandas alone, sharing no code with
kcstat_dash, so that the app's measures are checked against a second reading of the rules:

- requests received: requests created in the month, every status; n = that count.
- on time: among the month's requests whose outcome is known (resolved, STATUS RESOL, with an
  EXCEEDED EST TIMEFRAME flag of Y or N; or still open or assigned, OPEN or ASSIG, and already
  flagged Y), the percent resolved with flag N; CANC and DUP left out; n = that denominator.
- median days to close: median DAYS TO CLOSE of the month's resolved requests; n = how many.
- data through: the latest creation date; a month that ends after it is partial.
- provisional: more than 10% of the month's requests (less CANC/DUP) have no known outcome.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from pathlib import Path

import pandas as pd


def read_export(paths) -> pd.DataFrame:
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths]
    frame = pd.concat(frames, ignore_index=True).drop_duplicates("CASE ID", keep="last")
    for column in ("STATUS", "EXCEEDED EST TIMEFRAME", "DAYS TO CLOSE", "TYPE", "CATEGORY"):
        frame[column] = frame[column].str.strip()
    frame["day"] = frame["CREATION DATE"].map(
        lambda d: datetime.strptime(d.strip(), "%m/%d/%Y").date())
    frame["month"] = frame["day"].map(lambda d: d.strftime("%Y-%m"))
    return frame


def read_sample() -> pd.DataFrame:
    """The bundled sample's raw files (pandas reads the gzip itself)."""
    sample = Path(__file__).resolve().parent.parent / "kcstat_dash" / "sample"
    return read_export(sorted(sample.glob("kc311_*.csv.gz")))


def data_through(frame) -> date:
    return max(frame["day"])


def partial_months(frame) -> set[str]:
    """Months whose last day comes after the last day the data covers."""
    last = data_through(frame)
    months = set()
    for month in frame["month"].unique():
        year, number = int(month[:4]), int(month[5:])
        if date(year, number, calendar.monthrange(year, number)[1]) > last:
            months.add(month)
    return months


def requests_per_month(frame) -> dict[str, tuple[float, int]]:
    """month -> (value, n)."""
    return {month: (float(len(group)), len(group)) for month, group in frame.groupby("month")}


def _outcome_known(row) -> bool:
    if row["STATUS"] == "RESOL":
        return row["EXCEEDED EST TIMEFRAME"] in ("Y", "N")
    if row["STATUS"] in ("OPEN", "ASSIG"):
        return row["EXCEEDED EST TIMEFRAME"] == "Y"
    return False


def on_time_rate(frame) -> dict[str, tuple[float, int]]:
    """month -> (percent on time, n), for months with at least one known outcome."""
    result = {}
    for month, group in frame.groupby("month"):
        known = group[group.apply(_outcome_known, axis=1)]
        if len(known):
            resolved = known["STATUS"] == "RESOL"
            on_time = (resolved & (known["EXCEEDED EST TIMEFRAME"] == "N")).sum()
            result[month] = (100.0 * on_time / len(known), len(known))
    return result


def median_days_to_close(frame) -> dict[str, tuple[float, int]]:
    resolved = frame[(frame["STATUS"] == "RESOL") & (frame["DAYS TO CLOSE"] != "")].copy()
    resolved["days"] = resolved["DAYS TO CLOSE"].astype(float)
    return {month: (group["days"].median(), len(group))
            for month, group in resolved.groupby("month")}


def provisional_on_time(frame) -> dict[str, bool]:
    """month -> whether over 10% of its requests (less CANC and DUP) have no known outcome."""
    result = {}
    for month, group in frame.groupby("month"):
        counted = group[~group["STATUS"].isin(["CANC", "DUP"])]
        if len(counted):
            unknown = (~counted.apply(_outcome_known, axis=1)).sum()
            result[month] = unknown / len(counted) > 0.10
    return result


def potholes(frame) -> pd.DataFrame:
    return frame[(frame["TYPE"] == "Pothole") | (frame["CATEGORY"] == "Pothole")]

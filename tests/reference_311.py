"""An independent computation of the four specified 311 measures, straight from a raw export.

Written from the issue's words with pandas alone, sharing no code with kcstat_dash, so that the
app's measures are checked against a second reading of the definitions.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd


def read_export(paths) -> pd.DataFrame:
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths]
    frame = pd.concat(frames, ignore_index=True).drop_duplicates("CASE ID", keep="last")
    frame["month"] = frame["CREATION DATE"].map(
        lambda d: datetime.strptime(d.strip(), "%m/%d/%Y").strftime("%Y-%m"))
    return frame


def requests_per_month(frame) -> dict[str, float]:
    return frame.groupby("month").size().astype(float).to_dict()


def on_time_rate(frame) -> dict[str, float]:
    flagged = frame[frame["EXCEEDED EST TIMEFRAME"].str.strip().isin(["Y", "N"])]
    result = {}
    for month, group in flagged.groupby("month"):
        on_time = (group["EXCEEDED EST TIMEFRAME"].str.strip() == "N").sum()
        result[month] = 100.0 * on_time / len(group)
    return result


def median_days_to_close(frame) -> dict[str, float]:
    resolved = frame[(frame["STATUS"].str.strip() == "RESOL")
                     & (frame["DAYS TO CLOSE"].str.strip() != "")].copy()
    resolved["days"] = resolved["DAYS TO CLOSE"].astype(float)
    return resolved.groupby("month")["days"].median().to_dict()


def potholes(frame) -> pd.DataFrame:
    return frame[(frame["TYPE"].str.strip() == "Pothole")
                 | (frame["CATEGORY"].str.strip() == "Pothole")]

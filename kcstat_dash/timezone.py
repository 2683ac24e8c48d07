"""Kansas City's time zone: times are stored in UTC and shown in America/Chicago."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

CITY_TZ = ZoneInfo("America/Chicago")


def to_local(moment: datetime) -> datetime:
    """A stored UTC time as Kansas City's wall-clock time."""
    return moment.astimezone(CITY_TZ)


def local_to_utc(moment: datetime) -> datetime:
    """A naive Kansas City wall-clock time (as the city's exports give it) in UTC."""
    return moment.replace(tzinfo=CITY_TZ).astimezone(UTC)


def local_array_to_utc(moments: np.ndarray) -> np.ndarray:
    """``local_to_utc`` over naive wall-clock times (``datetime64[us]``), as naive UTC ones.

    NaT stays NaT. The hour the clocks repeat in autumn and the hour they skip in spring have
    no single reading, and pandas' choices for them are not zoneinfo's (fold=0), so the few
    times that fall in those hours are converted one by one with ``local_to_utc`` itself.
    """
    local = pd.DatetimeIndex(moments).as_unit("us")
    utc = (local.tz_localize(CITY_TZ, ambiguous="NaT", nonexistent="NaT")
           .tz_convert(UTC).tz_localize(None).to_numpy(copy=True))
    for row in np.flatnonzero(np.isnat(utc) & ~np.isnat(local.to_numpy())):
        moment = local_to_utc(local[row].to_pydatetime())
        utc[row] = np.datetime64(moment.replace(tzinfo=None), "us")
    return utc


def format_local(moment: datetime, fmt: str = "%a %b %-d, %Y, %-I:%M %p %Z") -> str:
    return to_local(moment).strftime(fmt)

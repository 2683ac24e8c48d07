"""Kansas City wall-clock times to UTC, one at a time and a whole array at once."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from kcstat_dash.timezone import CITY_TZ, local_array_to_utc, local_to_utc


def _clock_changes(first_year: int, last_year: int) -> list[datetime]:
    """Every local midnight before a day on which Chicago's UTC offset changes."""
    days = []
    day = datetime(first_year, 1, 1)
    while day.year <= last_year:
        following = day + timedelta(days=1)
        if (day.replace(tzinfo=CITY_TZ).utcoffset()
                != following.replace(tzinfo=CITY_TZ).utcoffset()):
            days.append(day)
        day = following
    return days


def test_local_array_to_utc_agrees_with_local_to_utc_through_every_clock_change():
    changes = _clock_changes(2007, 2026)
    assert len(changes) == 40  # a spring and an autumn change each year
    moments = [day + timedelta(minutes=minute) for day in changes
               for minute in range(0, 36 * 60, 5)]
    moments += [datetime(2019, 7, 4, 12, 30, 15, 250), datetime(2020, 1, 1)]
    expected = [local_to_utc(moment).replace(tzinfo=None) for moment in moments]
    converted = local_array_to_utc(np.array(moments, dtype="datetime64[us]"))
    assert converted.tolist() == expected


def test_local_array_to_utc_keeps_missing_times_missing():
    converted = local_array_to_utc(np.array(["2019-03-10T02:30", "NaT"], dtype="datetime64[us]"))
    assert converted.tolist() == [local_to_utc(datetime(2019, 3, 10, 2, 30)).replace(tzinfo=None),
                                  None]

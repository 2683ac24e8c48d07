"""The issue's rules for what a value may claim, restated for tests without kcstat_dash's code.

From issue 13: a month that ends after the last day the data covers is partial and gets no
verdict; a rate or median on fewer than 30 requests is too few to judge; otherwise a value is
judged against the target in force, which way is better coming from the measure.
"""

from __future__ import annotations

import calendar
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from kcstat_dash.models import ServiceRequest

MIN_N = 30


def data_through(session) -> date:
    """The latest creation day of the stored requests, in Kansas City."""
    latest = session.scalar(select(func.max(ServiceRequest.created_at)))
    return latest.astimezone(ZoneInfo("America/Chicago")).date()


def month_is_partial(period: str, through: date) -> bool:
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, calendar.monthrange(year, month)[1]) > through


def expected_status(value, n, target, direction, *, partial: bool, rate_or_median: bool) -> str:
    if partial:
        return "partial"
    if rate_or_median and (n or 0) < MIN_N:
        return "too-few"
    if target is None:
        return "no-target"
    met = value >= target if direction == "higher" else value <= target
    return "met" if met else "missed"

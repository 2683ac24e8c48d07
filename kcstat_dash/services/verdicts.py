"""The one rule for what a value may claim: partial month, too few, provisional, met or missed.

Every page, export, citation and the staff to-do list asks this module, so a value never reads
"Target met" on one surface and "Too few to judge" on another.

- **Partial**: a month that ends after the day the data runs through. A partial month is shown
  but never judged.
- **Too few to judge**: a rate or median computed from fewer than ``KCSTAT_MIN_N`` requests
  (default 30). Shown greyed with its n; no met/missed call.
- **Provisional**: a rate or median where more than 10% of the month's requests (less cancelled
  and duplicate ones) have no known outcome yet. It may still be judged, and says so.
- Otherwise **met** or **missed** against the target in force, or **no target**.
"""

from __future__ import annotations

import calendar
from datetime import date

from kcstat_dash.services.formatting import MONTH_PERIOD
from kcstat_dash.settings import min_n_from_env

MET, MISSED, NO_TARGET, TOO_FEW, PARTIAL = "met", "missed", "no-target", "too-few", "partial"
STATUSES = (MET, MISSED, NO_TARGET, TOO_FEW, PARTIAL)
STATUS_LABELS = {MET: "Target met", MISSED: "Target missed", NO_TARGET: "No target",
                 TOO_FEW: "Too few to judge", PARTIAL: "Partial month"}
# Citations made before these words were settled keep them in their (hashed) snapshots.
LEGACY_STATUSES = {"not met": MISSED, "no target": NO_TARGET}

PROVISIONAL_SHARE = 0.10
STALE_AFTER_DAYS = 60


def min_n() -> int:
    """The fewest requests a rate or median is judged on (``KCSTAT_MIN_N``, default 30)."""
    return min_n_from_env()


def canonical_status(status: str) -> str:
    """A status in today's words, whether it was written now or in an older snapshot."""
    return LEGACY_STATUSES.get(status, status)


def status_label(status: str) -> str:
    return STATUS_LABELS[canonical_status(status)]


def month_end(period: str) -> date | None:
    """The last day of a ``YYYY-MM`` period; ``None`` for other periods (survey years)."""
    if not MONTH_PERIOD.match(period):
        return None
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, calendar.monthrange(year, month)[1])


def is_partial(period: str, data_through: date | None) -> bool:
    """A month that ends after the last day the data covers."""
    end = month_end(period)
    return end is not None and data_through is not None and end > data_through


def is_provisional(eligible: int | None, unknown: int | None) -> bool:
    """More than 10% of the month's requests (less cancelled and duplicates) lack an outcome."""
    if not eligible or unknown is None:
        return False
    return unknown / eligible > PROVISIONAL_SHARE


def is_too_few(n: int | None, judged_on_n: bool) -> bool:
    """A rate or median on fewer than ``min_n()`` requests (counts and published figures are
    not samples of anything, so they are never too few)."""
    return judged_on_n and (n or 0) < min_n()


def judge(value: float | None, n: int | None, target: float | None, direction: str, *,
          partial: bool = False, judged_on_n: bool = False) -> str:
    """The status a value has earned: partial, too few, no target, met or missed."""
    if partial:
        return PARTIAL
    if value is None or is_too_few(n, judged_on_n):
        return TOO_FEW
    if target is None:
        return NO_TARGET
    met = value >= target if direction == "higher" else value <= target
    return MET if met else MISSED


def is_verdict(status: str) -> bool:
    return canonical_status(status) in (MET, MISSED)


def is_stale(data_through: date | None, today: date) -> bool:
    """Data last updated more than 60 days before ``today`` (warned about at a live meeting)."""
    return data_through is not None and (today - data_through).days > STALE_AFTER_DAYS


def provisional_reason(eligible: int | None, unknown: int | None) -> str:
    """Why a value is provisional, in words a resident can repeat."""
    if not eligible or unknown is None:
        return "some requests have no known outcome yet"
    return (f"{unknown:,} of the month's {eligible:,} requests ({unknown / eligible:.0%}) have "
            f"no known outcome yet; more than {PROVISIONAL_SHARE:.0%} is provisional")

"""The one rule for what a value may claim: partial month, too few, provisional, met or missed.

Every page, export, citation and the staff to-do list asks this module, so a value never reads
"Target met" on one surface and "Too few to judge" on another.

- **Partial**: a month that ends after the day the data runs through. A partial month is shown
  but never judged.
- **Too few to judge**: a rate or median computed from fewer than ``KCSTAT_MIN_N`` requests
  (default 30). Shown greyed with its n; no met/missed call.
- **Provisional**: a rate or median where more than 10% of the month's requests (less cancelled
  and duplicate ones) have no known outcome yet. It may still be judged, and says so.
- **Within the margin of error**: a survey value whose gap from the target is no larger than
  its 95% margin of error: the sample cannot tell met from missed.
- Otherwise **met** or **missed** against the target in force, or **no target**.

Change between two periods (``judge_change``) follows the same spirit: a survey change counts
only when it is larger than the margin of the difference, and no change is claimed across a
break in the series (KCPD's 2019 records-system change).
"""

from __future__ import annotations

from datetime import date

from kcstat_dash.i18n import N_, gettext
from kcstat_dash.services.formatting import format_value, number, period_end
from kcstat_dash.settings import min_n_from_env

MET, MISSED, NO_TARGET, TOO_FEW, PARTIAL = "met", "missed", "no-target", "too-few", "partial"
WITHIN_MARGIN = "within-margin"
STATUSES = (MET, MISSED, NO_TARGET, TOO_FEW, PARTIAL, WITHIN_MARGIN)
# English, as citations and exports store them; pages show ``status_words`` (translated).
STATUS_LABELS = {MET: N_("Target met"), MISSED: N_("Target missed"), NO_TARGET: N_("No target"),
                 TOO_FEW: N_("Too few to judge"), PARTIAL: N_("Partial month"),
                 WITHIN_MARGIN: N_("Within the margin of error")}

# Change from one period to the next (``judge_change``).
IMPROVED, WORSENED, NO_CLEAR_CHANGE, ACROSS_BREAK = (
    "improved", "worsened", "no-clear-change", "across-break")
CHANGES = (IMPROVED, WORSENED, NO_CLEAR_CHANGE, ACROSS_BREAK)
CHANGE_LABELS = {IMPROVED: N_("Better than the period before"),
                 WORSENED: N_("Worse than the period before"),
                 NO_CLEAR_CHANGE: N_("No change beyond the margin of error"),
                 ACROSS_BREAK: N_("Not comparable: a break in the series lies between")}
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
    """The status in English words, as citations, exports and the CLI keep it."""
    return STATUS_LABELS[canonical_status(status)]


def status_words(status: str) -> str:
    """The status in the page's language."""
    return gettext(status_label(status))


def is_partial(period: str, data_through: date | None) -> bool:
    """A period (a month, a year) that ends after the last day the data covers."""
    end = period_end(period)
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
          partial: bool = False, judged_on_n: bool = False,
          margin: float | None = None) -> str:
    """The status a value has earned: partial, too few, no target, within the margin of
    error (a sample's value whose gap from the target is no larger than ``margin``), met or
    missed."""
    if partial:
        return PARTIAL
    if value is None or is_too_few(n, judged_on_n):
        return TOO_FEW
    if target is None:
        return NO_TARGET
    if margin is not None and abs(value - target) <= margin:
        return WITHIN_MARGIN
    met = value >= target if direction == "higher" else value <= target
    return MET if met else MISSED


def in_same_series(earlier: str, later: str, series_break: str | None) -> bool:
    """Both periods on the same side of a break in the series (``series_break`` is the first
    period of the new series: ``2019-01`` or ``2019``). Periods compare as text, so a year
    ``2019`` is compared by its first four characters against a month break and vice versa."""
    if not series_break:
        return True
    width = min(len(series_break), len(earlier), len(later))
    cut = series_break[:width]
    return (earlier[:width] < cut) == (later[:width] < cut)


def change_margin(earlier_margin: float | None, later_margin: float | None) -> float | None:
    """The 95% margin of error of a difference between two independent samples:
    √(m₁² + m₂²). ``None`` when neither value is a sample (counts have no margin)."""
    if earlier_margin is None and later_margin is None:
        return None
    return ((earlier_margin or 0.0) ** 2 + (later_margin or 0.0) ** 2) ** 0.5


def judge_change(earlier: float | None, later: float | None, direction: str, *,
                 earlier_margin: float | None = None, later_margin: float | None = None,
                 across_break: bool = False, too_few: bool = False,
                 partial: bool = False) -> str | None:
    """Whether a value moved for the better or the worse since the period before.

    No claim across a break in the series; for survey values, only a change larger than the
    margin of the difference counts (``change_margin``). ``None`` (nothing to say) when either
    value is missing, too few to judge, or a partial month.
    """
    if earlier is None or later is None:
        return None
    if across_break:
        return ACROSS_BREAK
    if too_few or partial:
        return None
    difference = later - earlier
    margin = change_margin(earlier_margin, later_margin)
    if difference == 0 or (margin is not None and abs(difference) <= margin):
        return NO_CLEAR_CHANGE
    better = difference > 0 if direction == "higher" else difference < 0
    return IMPROVED if better else WORSENED


def change_label(change: str) -> str:
    """The change in the page's language."""
    return gettext(CHANGE_LABELS[change])


def is_verdict(status: str) -> bool:
    """Met or missed: a claim about the target (within the margin of error is not one)."""
    return canonical_status(status) in (MET, MISSED)


def is_stale(data_through: date | None, today: date) -> bool:
    """Data last updated more than 60 days before ``today`` (warned about at a live meeting)."""
    return data_through is not None and (today - data_through).days > STALE_AFTER_DAYS


def provisional_reason(eligible: int | None, unknown: int | None) -> str:
    """Why a value is provisional, in words a resident can repeat."""
    if not eligible or unknown is None:
        return gettext("some requests have no known outcome yet")
    return gettext("{unknown} of the month's {eligible} requests ({share}) have no known outcome "
                   "yet; more than {limit} is provisional", unknown=number(unknown),
                   eligible=number(eligible),
                   share=format_value(round(100 * unknown / eligible), "percent"),
                   limit=format_value(round(100 * PROVISIONAL_SHARE), "percent"))

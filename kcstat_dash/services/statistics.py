"""The three 311 statistics, each one object: unit, plain words, exact field rule, calculation.

The rules are the ones a resident can check against the city's export (by month of CREATION
DATE, cancelled and duplicate requests set aside where an outcome matters):

- **count**: requests created in the month, every status; ``n`` is that count.
- **on-time rate**: among the month's requests whose outcome is known (resolved with an EXCEEDED
  EST TIMEFRAME flag of Y or N, or still open or assigned and already flagged Y), the percent
  resolved with flag N; ``n`` is that denominator. An open request's flag is N until it runs
  late, so an open N is not yet "on time": its outcome is unknown.
- **median days to close**: the median DAYS TO CLOSE of the month's resolved requests; ``n`` is
  how many.

Each calculation also returns, per group, ``eligible`` (requests less CANC and DUP) and
``unknown`` (eligible requests with no known outcome yet), from which ``verdicts`` decides
whether a value is provisional. The current dataset (d4px-6rwg) is stored under the same codes
(``request_columns.CURRENT_STATUS_CODES``), so these rules read both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from kcstat_dash.i18n import N_

SET_ASIDE = ("CANC", "DUP")  # cancelled and duplicate requests have no outcome to judge
STILL_OPEN = ("OPEN", "ASSIG")
RESOLVED = "RESOL"

RESULT_COLUMNS = ("value", "n", "eligible", "unknown")


@dataclass(frozen=True)
class Statistic:
    """What a statistic means and how it is computed from the month's requests."""

    key: str
    unit: str  # count | percent | days
    judged_on_n: bool  # whether "too few to judge" applies (rates and medians)
    plain_words: str  # for residents; ``{what}`` names the requests ("pothole requests")
    field_rule: str  # for analysts; ``{which}`` is the exact request filter
    calculate: Callable[[pd.DataFrame, str], pd.DataFrame]

    def describe(self, what: str) -> str:
        return self.plain_words.format(what=what)

    def rule(self, which: str) -> str:
        return self.field_rule.format(which=which)

    def compute(self, frame: pd.DataFrame, by: str = "period") -> pd.DataFrame:
        """One row per group with a value: ``by``, value, n, eligible, unknown."""
        result = self.calculate(frame, by).reset_index()
        result = result[result["value"].notna() & (result["n"] > 0)]
        return result[[by, *RESULT_COLUMNS]]


def _eligible(frame: pd.DataFrame) -> pd.Series:
    return ~frame["status"].isin(SET_ASIDE)


def _per_group(frame: pd.DataFrame, by: str, **columns: pd.Series) -> pd.DataFrame:
    """Sums of boolean columns per group, in one pass (a function per group is far slower)."""
    table = pd.DataFrame({name: series.astype("int64") for name, series in columns.items()})
    return table.groupby(frame[by], observed=True).sum()


def _count(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    size = frame.groupby(by, observed=True).size()
    return pd.DataFrame({"value": size.astype(float), "n": size, "eligible": size,
                         "unknown": 0}).rename_axis(by)


def _on_time_rate(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    status, flag = frame["status"], frame["exceeded_timeframe"]
    eligible = _eligible(frame)
    resolved_flagged = (status == RESOLVED) & flag.isin(("Y", "N"))
    open_and_late = status.isin(STILL_OPEN) & (flag == "Y")
    known = eligible & (resolved_flagged | open_and_late)
    on_time = known & (status == RESOLVED) & (flag == "N")
    sums = _per_group(frame, by, n=known, on_time=on_time, eligible=eligible)
    value = (100.0 * sums["on_time"] / sums["n"]).where(sums["n"] > 0)
    return pd.DataFrame({"value": value, "n": sums["n"], "eligible": sums["eligible"],
                         "unknown": sums["eligible"] - sums["n"]})


def _median_days_to_close(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    eligible = _eligible(frame)
    resolved = eligible & (frame["status"] == RESOLVED) & frame["days_to_close"].notna()
    sums = _per_group(frame, by, n=resolved, eligible=eligible)
    median = frame[resolved].groupby(by, observed=True)["days_to_close"].median()
    return pd.DataFrame({"value": median.reindex(sums.index), "n": sums["n"],
                         "eligible": sums["eligible"], "unknown": sums["eligible"] - sums["n"]})


COUNT = Statistic(
    "count", "count", judged_on_n=False,
    plain_words=N_("How many {what} residents made in the month, whatever became of them."),
    field_rule="Count of {which} with CREATION DATE in the month, every STATUS. "
               "n = that count.",
    calculate=_count)

ON_TIME_RATE = Statistic(
    "on_time_rate", "percent", judged_on_n=True,
    plain_words=N_("Of the month's {what} whose outcome is known, the share closed within the "
                "city's estimated time. Requests still open count only once they are late."),
    field_rule="Among {which} with CREATION DATE in the month, STATUS CANC and DUP left out: "
               "the outcome is known when STATUS is RESOL and EXCEEDED EST TIMEFRAME is Y or N, "
               "or STATUS is OPEN or ASSIG and the flag is already Y. Value = percent of those "
               "with STATUS RESOL and flag N. n = requests with a known outcome. Provisional "
               "when more than 10% of the month's requests (less CANC and DUP) have no known "
               "outcome.",
    calculate=_on_time_rate)

MEDIAN_DAYS_TO_CLOSE = Statistic(
    "median_days_to_close", "days", judged_on_n=True,
    plain_words=N_("How long the month's {what} took to close, in days: half of the resolved "
                "ones closed faster than this, half slower."),
    field_rule="Median DAYS TO CLOSE of {which} with CREATION DATE in the month and STATUS "
               "RESOL. n = how many. Provisional when more than 10% of the month's requests "
               "(less CANC and DUP) are not resolved yet.",
    calculate=_median_days_to_close)

BY_KEY = {s.key: s for s in (COUNT, ON_TIME_RATE, MEDIAN_DAYS_TO_CLOSE)}

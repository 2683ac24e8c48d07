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
    tally_groups: Callable[[pd.DataFrame, list[str]], dict[tuple, dict]]
    value_from_tally: Callable[[dict], float | None]

    def describe(self, what: str) -> str:
        return self.plain_words.format(what=what)

    def rule(self, which: str) -> str:
        return self.field_rule.format(which=which)

    def compute(self, frame: pd.DataFrame, by: str = "period") -> pd.DataFrame:
        """One row per group with a value: ``by``, value, n, eligible, unknown."""
        result = self.calculate(frame, by).reset_index()
        result = result[result["value"].notna() & (result["n"] > 0)]
        return result[[by, *RESULT_COLUMNS]]

    def tally(self, frame: pd.DataFrame, by: list[str]) -> dict[tuple, dict]:
        """Per group of ``by``, the parts that add up across groups (``add_tallies``):
        ``n``, ``hits`` (on-time requests of a rate) and ``days`` (the median's histogram)."""
        if frame.empty:
            return {}
        return self.tally_groups(frame, by)

    def value_of(self, tally: dict) -> float | None:
        """The statistic's value from a (summed) tally: what ``compute`` gives for the same
        requests (tests/test_neighborhood_months.py checks both against pandas)."""
        if not tally["n"]:
            return None
        return self.value_from_tally(tally)


def _eligible(frame: pd.DataFrame) -> pd.Series:
    return ~frame["status"].isin(SET_ASIDE)


def _per_group(frame: pd.DataFrame, by: str | list[str], **columns: pd.Series) -> pd.DataFrame:
    """Sums of boolean columns per group (of one column, or several), in one pass (a function
    per group is far slower)."""
    table = pd.DataFrame({name: series.astype("int64") for name, series in columns.items()})
    keys = frame[by] if isinstance(by, str) else [frame[column] for column in by]
    return table.groupby(keys, observed=True).sum()


def _count(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    size = frame.groupby(by, observed=True).size()
    return pd.DataFrame({"value": size.astype(float), "n": size, "eligible": size,
                         "unknown": 0}).rename_axis(by)


def _on_time_parts(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Each request's part in the on-time rate: eligible, outcome known, on time."""
    status, flag = frame["status"], frame["exceeded_timeframe"]
    eligible = _eligible(frame)
    resolved_flagged = (status == RESOLVED) & flag.isin(("Y", "N"))
    open_and_late = status.isin(STILL_OPEN) & (flag == "Y")
    known = eligible & (resolved_flagged | open_and_late)
    on_time = known & (status == RESOLVED) & (flag == "N")
    return eligible, known, on_time


def _on_time_rate(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    eligible, known, on_time = _on_time_parts(frame)
    sums = _per_group(frame, by, n=known, on_time=on_time, eligible=eligible)
    value = (100.0 * sums["on_time"] / sums["n"]).where(sums["n"] > 0)
    return pd.DataFrame({"value": value, "n": sums["n"], "eligible": sums["eligible"],
                         "unknown": sums["eligible"] - sums["n"]})


def _resolved(frame: pd.DataFrame) -> pd.Series:
    """The requests a median of days to close reads: resolved, with a number of days."""
    return _eligible(frame) & (frame["status"] == RESOLVED) & frame["days_to_close"].notna()


def _median_days_to_close(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    eligible = _eligible(frame)
    resolved = _resolved(frame)
    sums = _per_group(frame, by, n=resolved, eligible=eligible)
    median = frame[resolved].groupby(by, observed=True)["days_to_close"].median()
    return pd.DataFrame({"value": median.reindex(sums.index), "n": sums["n"],
                         "eligible": sums["eligible"], "unknown": sums["eligible"] - sums["n"]})


# --- Tallies: additive parts of a statistic, for figures summed over months ---------------
#
# A tally holds per group what adds up across groups: n, the on-time requests of a rate
# (``hits``) and, for the median, a histogram of days to close keyed by the exact stored value
# (so nothing is binned away: the median of the summed histogram is the median of the rows).


def _count_tally(frame: pd.DataFrame, by: list[str]) -> dict[tuple, dict]:
    size = frame.groupby(by, observed=True).size()
    return {_key(key): {"n": int(n), "hits": None, "days": None} for key, n in size.items()}


def _on_time_tally(frame: pd.DataFrame, by: list[str]) -> dict[tuple, dict]:
    _, known, on_time = _on_time_parts(frame)
    sums = _per_group(frame, by, n=known, hits=on_time)
    return {_key(key): {"n": int(n), "hits": int(hits), "days": None}
            for key, n, hits in zip(sums.index, sums["n"], sums["hits"], strict=True)}


def _median_tally(frame: pd.DataFrame, by: list[str]) -> dict[tuple, dict]:
    resolved = frame[_resolved(frame)]
    tallies: dict[tuple, dict] = {}
    counted = resolved.groupby([*by, "days_to_close"], observed=True).size()
    for key, count in counted.items():
        group = tallies.setdefault(_key(key[:-1]), {"n": 0, "hits": None, "days": []})
        group["n"] += int(count)
        group["days"].append([float(key[-1]), int(count)])
    return tallies


def _key(key) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def add_tallies(tallies) -> dict:
    """Several groups' tallies (months of one neighborhood) as one."""
    total = {"n": 0, "hits": None, "days": None}
    days: dict[float, int] = {}
    for tally in tallies:
        total["n"] += tally["n"]
        if tally["hits"] is not None:
            total["hits"] = (total["hits"] or 0) + tally["hits"]
        for value, count in tally["days"] or ():
            days[value] = days.get(value, 0) + count
    if days:
        total["days"] = sorted(days.items())
    return total


def _count_from_tally(tally: dict) -> float | None:
    return float(tally["n"])


def _rate_from_tally(tally: dict) -> float | None:
    return 100.0 * tally["hits"] / tally["n"] if tally["n"] else None


def _median_from_tally(tally: dict) -> float | None:
    """The median of the histogram's values, as pandas takes it from the rows: the middle
    value, or the mean of the two middle values when their number is even."""
    pairs = sorted(tally["days"] or ())
    total = sum(count for _, count in pairs)
    if not total:
        return None
    lower, upper = (total - 1) // 2, total // 2  # 0-based positions of the middle value(s)
    seen, low_value = 0, None
    for value, count in pairs:
        if low_value is None and seen + count > lower:
            low_value = value
        if seen + count > upper:
            return (low_value + value) / 2 if lower != upper else value
        seen += count
    raise AssertionError("unreachable: the histogram holds `total` values")


COUNT = Statistic(
    "count", "count", judged_on_n=False,
    plain_words=N_("How many {what} residents made in the month, whatever became of them."),
    field_rule="Count of {which} with CREATION DATE in the month, every STATUS. "
               "n = that count.",
    calculate=_count, tally_groups=_count_tally, value_from_tally=_count_from_tally)

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
    calculate=_on_time_rate, tally_groups=_on_time_tally,
    value_from_tally=_rate_from_tally)

MEDIAN_DAYS_TO_CLOSE = Statistic(
    "median_days_to_close", "days", judged_on_n=True,
    plain_words=N_("How long the month's {what} took to close, in days: half of the resolved "
                "ones closed faster than this, half slower."),
    field_rule="Median DAYS TO CLOSE of {which} with CREATION DATE in the month and STATUS "
               "RESOL. n = how many. Provisional when more than 10% of the month's requests "
               "(less CANC and DUP) are not resolved yet.",
    calculate=_median_days_to_close, tally_groups=_median_tally,
    value_from_tally=_median_from_tally)

BY_KEY = {s.key: s for s in (COUNT, ON_TIME_RATE, MEDIAN_DAYS_TO_CLOSE)}

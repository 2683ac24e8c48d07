"""A citation's measure, period and value said in the page's language, for the pages that show
it (the snapshot itself, hashed, stays English)."""

from __future__ import annotations

from kcstat_dash.i18n import gettext
from kcstat_dash.services.formatting import format_value, is_period, period_label
from kcstat_dash.services.measure_words import say


def cited_names(snapshot: dict) -> dict:
    """``measure`` and ``period``: the cited measure's name and its period, translated."""
    period = snapshot["period"]
    return {"measure": say(snapshot["measure"]["name"]),
            "period": period_label(period) if is_period(period) else snapshot["period_label"]}


def cited_value(snapshot: dict, field: str = "value") -> str:
    """The cited value (or target) written the page's way ("4,5 días") from the number the
    snapshot holds; the snapshot's own text where it holds none."""
    number = snapshot.get(field)
    if number is None:
        return snapshot.get(f"{field}_text") or ""
    return format_value(number, snapshot["measure"]["unit"])


def cited_heading(snapshot: dict) -> str:
    """"Pothole requests closed on time, March 2019: 62%" in the page's language."""
    return gettext("{measure}, {period}: {value}", **cited_names(snapshot),
                   value=cited_value(snapshot))

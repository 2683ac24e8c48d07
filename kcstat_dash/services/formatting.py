"""How values and periods read to people: one place for pages, citations and exports."""

from __future__ import annotations

import re
from datetime import datetime

MONTH_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
FISCAL_PERIOD = re.compile(r"^FY(\d{4})$")


def is_period(text: str) -> bool:
    return bool(MONTH_PERIOD.match(text) or FISCAL_PERIOD.match(text))


def period_label(period: str) -> str:
    """``2019-03`` → ``March 2019``; ``FY2012`` → ``FY2012 (July 2011 – June 2012)``."""
    if MONTH_PERIOD.match(period):
        return datetime.strptime(period, "%Y-%m").strftime("%B %Y")
    fiscal = FISCAL_PERIOD.match(period)
    if fiscal:
        year = int(fiscal.group(1))
        return f"FY{year} (July {year - 1} – June {year})"
    return period


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    if unit == "percent":
        return f"{value:.0f}%" if float(value).is_integer() else f"{value:.1f}%"
    if unit == "days":
        return f"{value:.1f} days" if not float(value).is_integer() else f"{value:.0f} days"
    return f"{value:,.0f}"


def day_label(day: str | None) -> str:
    """``2020-09-09`` → ``9 Sep 2020`` (the day written out, never ambiguous between countries)."""
    if not day:
        return "not known"
    moment = datetime.strptime(day[:10], "%Y-%m-%d")
    return f"{moment.day} {moment.strftime('%b %Y')}"


def requests_text(count: int) -> str:
    return f"{count:,} request" + ("" if count == 1 else "s")


def n_text(n: int | None) -> str:
    """What a value is computed from: ``n = 345 requests``; a published survey figure whose
    publisher gave no sample size says so."""
    return "n not published" if n is None else f"n = {requests_text(n)}"

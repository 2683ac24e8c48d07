"""How values and periods read to people: one place for pages, citations and exports."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

MONTH_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
FISCAL_PERIOD = re.compile(r"^FY(\d{4})$")
# A calendar year, for yearly counts (police reports, the FBI's annual series).
YEAR_PERIOD = re.compile(r"^(19|20)\d{2}$")


def is_period(text: str) -> bool:
    return bool(MONTH_PERIOD.match(text) or FISCAL_PERIOD.match(text)
                or YEAR_PERIOD.match(text))


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
        number = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
        return f"{number} day" if number == "1" else f"{number} days"
    return f"{value:,.0f}"


# Spreadsheet number formats that read as format_value does: 66.7% (not 66.6667), 4.5 days,
# 1,234 requests. Percent values are stored as 0–100, so the % sign is literal text.
EXCEL_NUMBER_FORMATS = {"percent": '0.0"%"', "days": "0.0", "count": "#,##0"}


def excel_number_format(unit: str) -> str:
    return EXCEL_NUMBER_FORMATS.get(unit, "General")


def period_end(period: str) -> date | None:
    """The last day a period covers: a month's last day, 31 December of a calendar year, 30 June
    of a fiscal year (FY2012 ends 30 June 2012). Charts place periods by it, and a period that
    ends after the data does is partial (``verdicts.is_partial``)."""
    if MONTH_PERIOD.match(period):
        year, month = int(period[:4]), int(period[5:7])
        return date(year, month, calendar.monthrange(year, month)[1])
    if YEAR_PERIOD.match(period):
        return date(int(period), 12, 31)
    fiscal = FISCAL_PERIOD.match(period)
    if fiscal:
        return date(int(fiscal.group(1)), 6, 30)
    return None


def day_label(day: str | None) -> str:
    """``2020-09-09`` → ``9 Sep 2020`` (the day written out, never ambiguous between countries)."""
    if not day:
        return "not known"
    moment = datetime.strptime(day[:10], "%Y-%m-%d")
    return f"{moment.day} {moment.strftime('%b %Y')}"


# What a measure's n counts, by the measure's kind (its source).
N_NOUNS = {"311": ("request", "requests"), "kcpd": ("report", "reports"),
           "fbi-ucr": ("offense", "offenses"), "resident-survey": ("respondent", "respondents"),
           "survey": ("respondent", "respondents")}


def counted(count: int, kind: str = "311") -> str:
    """``345 requests``, ``939 respondents``: a count in the words of what it counts."""
    one, many = N_NOUNS.get(kind, ("record", "records"))
    return f"{count:,} {one if count == 1 else many}"


def n_text(n: int | None, kind: str = "311") -> str:
    """What a value is computed from: ``n = 345 requests``; a published figure whose publisher
    gave no sample size says so."""
    return "n not published" if n is None else f"n = {counted(n, kind)}"

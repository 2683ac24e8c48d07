"""How values and periods read to people: one place for pages, citations and exports."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from babel.dates import format_date, format_skeleton
from babel.numbers import get_decimal_symbol, get_group_symbol

from kcstat_dash.i18n import N_plural, format_number, gettext, locale, ngettext
from kcstat_dash.timezone import to_local

MONTH_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
FISCAL_PERIOD = re.compile(r"^FY(\d{4})$")
# A calendar year, for yearly counts (police reports, the FBI's annual series).
YEAR_PERIOD = re.compile(r"^(19|20)\d{2}$")


def is_period(text: str) -> bool:
    return bool(MONTH_PERIOD.match(text) or FISCAL_PERIOD.match(text)
                or YEAR_PERIOD.match(text))


def month_label(year: int, month: int) -> str:
    """``March 2019`` (``marzo de 2019``): a month as the page's language writes it."""
    return format_skeleton("yMMMM", date(year, month, 1), locale=locale())


def short_month_label(year: int, month: int) -> str:
    """``Mar 2019`` (``mar 2019``), for chart axes."""
    return format_skeleton("yMMM", date(year, month, 1), locale=locale())


def period_label(period: str) -> str:
    """``2019-03`` → ``March 2019``; ``FY2012`` → ``FY2012 (July 2011 – June 2012)``."""
    if MONTH_PERIOD.match(period):
        return month_label(int(period[:4]), int(period[5:7]))
    fiscal = FISCAL_PERIOD.match(period)
    if fiscal:
        year = int(fiscal.group(1))
        return gettext("FY{year} ({start} – {end})", year=year,
                       start=month_label(year - 1, 7), end=month_label(year, 6))
    return period


def number(value: float, decimals: int = 0) -> str:
    """``1,234`` / ``4.5`` in English, ``1234`` / ``4,5`` in Spanish: the language's digits."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_number(value, pattern)


def plotly_separators() -> str:
    """Plotly's ``layout.separators`` for the numbers it writes itself (axis ticks, a colour
    bar): the language's decimal sign, then its thousands separator (``.,``; ``,.``)."""
    return get_decimal_symbol(locale()) + get_group_symbol(locale())


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return gettext("no data")
    whole = float(value).is_integer()
    if unit == "percent":
        return gettext("{number}%", number=number(value, 0 if whole else 1))
    if unit == "days":
        # "1 day" only for exactly one (1.0 rounds to "1"; 1.04 reads "1.0 days").
        shown = number(value, 0 if whole else 1)
        return ngettext("{number} day", "{number} days", 1 if shown == "1" else 2,
                        number=shown)
    return number(value)


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
        return gettext("not known")
    moment = datetime.strptime(day[:10], "%Y-%m-%d").date()
    return format_date(moment, "d MMM y", locale=locale())


# What a measure's n counts, by the measure's kind (its source).
N_NOUNS = {"311": N_plural("request", "requests"), "kcpd": N_plural("report", "reports"),
           "fbi-ucr": N_plural("offense", "offenses"),
           "resident-survey": N_plural("respondent", "respondents"),
           "survey": N_plural("respondent", "respondents")}
OTHER_NOUNS = N_plural("record", "records")


def noun(kind: str = "311", count: int = 2) -> str:
    """What a measure of this kind counts, in the page's language (``requests``)."""
    return ngettext(*N_NOUNS.get(kind, OTHER_NOUNS), count)


def counted(count: int, kind: str = "311") -> str:
    """``345 requests``, ``939 respondents``: a count in the words of what it counts."""
    return f"{number(count)} {noun(kind, count)}"


def n_text(n: int | None, kind: str = "311") -> str:
    """What a value is computed from: ``n = 345 requests``; a published figure whose publisher
    gave no sample size says so."""
    if n is None:
        return gettext("n not published")
    return gettext("n = {counted}", counted=counted(n, kind))


def moment_label(moment: datetime) -> str:
    """``Thu, Nov 26, 2026, 12:00 PM CST`` (``jue, 26 nov 2026, 12:00 p. m. CST``): a stored UTC
    time as Kansas City's clocks show it, in the page's language."""
    local = to_local(moment)
    return gettext("{day}, {time} {zone}", day=format_skeleton("yMMMEd", local, locale=locale()),
                   time=clock_label(moment), zone=local.strftime("%Z"))


def clock_label(moment: datetime) -> str:
    """``12:00 PM`` (``12:00 p. m.``): the time of day in Kansas City, the language's way."""
    return format_skeleton("hm", to_local(moment), locale=locale())

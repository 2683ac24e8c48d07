"""Reads the city's two 311 layouts into ``ServiceRequest`` fields, a whole table at a time."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from kcstat_dash.services import request_columns as read
from kcstat_dash.services.request_columns import CLOCK_FORMAT, DAY_FORMATS, MOMENT_FORMATS
from kcstat_dash.services.request_records import ParsedRequests
from kcstat_dash.timezone import local_array_to_utc

LEGACY_DATASET = "7at3-sxhp"
CURRENT_DATASET = "d4px-6rwg"
LEGACY_REQUIRED = ("CASE ID", "CREATION DATE", "STATUS", "CATEGORY", "TYPE")
CURRENT_REQUIRED = ("open_date_time", "current_status")
# The current dataset has named its id column several ways; the live SODA API serves the case
# number in ``reported_issue`` (and the work order in ``workorder_``), so that comes last.
CURRENT_ID_FIELDS = ("case_id", "reported_issue_id", "id", "reported_issue")


def parse_legacy(table: pd.DataFrame) -> ParsedRequests:
    """Rows of the 2007–2021 export (``7at3-sxhp``), under its CSV column names."""
    column = partial(read.column, table)
    text = lambda name: read.each(column(name), read.texts)  # noqa: E731
    code = lambda name: read.each(column(name), read.codes)  # noqa: E731
    case_id = read.every(column("CASE ID"), read.codes)
    date_text = text("CREATION DATE")
    days = read.moments(column("CREATION DATE"), DAY_FORMATS)
    read.refuse_first_bad_row(
        (pd.isna(case_id), lambda row: "CASE ID is empty"),
        (pd.isna(date_text), lambda row: "CREATION DATE is empty"),
        (np.isnat(days), lambda row: f"CREATION DATE {date_text[row]!r} is not MM/DD/YYYY"))
    local_created = read.with_clock(days, read.moments(column("CREATION TIME"), (CLOCK_FORMAT,)))
    return ParsedRequests({
        "case_id": case_id,
        "dataset": read.constant(LEGACY_DATASET, len(table)),
        "source": text("SOURCE"),
        "department": text("DEPARTMENT"),
        "work_group": text("WORK GROUP"),
        "request_type": text("REQUEST TYPE"),
        "category": text("CATEGORY"),
        "type": text("TYPE"),
        "detail": text("DETAIL"),
        "created_at": local_array_to_utc(local_created),
        "period": read.months(local_created),
        "status": read.each(column("STATUS"), read.statuses),
        "exceeded_timeframe": read.each(column("EXCEEDED EST TIMEFRAME"), read.flags),
        # An unreadable closing date is left out rather than refusing the row.
        "closed_date": read.iso_days(read.moments(column("CLOSED DATE"), DAY_FORMATS)),
        "days_to_close": read.floats(column("DAYS TO CLOSE")),
        "street_address": text("STREET ADDRESS"),
        "zip_code": code("ZIP CODE"),
        "neighborhood": read.each(column("NEIGHBORHOOD"), read.neighborhoods),
        "nbh_id": code("nbh_id"),
        "council_district": code("COUNCIL DISTRICT"),
        "police_district": text("POLICE DISTRICT"),
        "latitude": read.floats(column("LATITUDE")),
        "longitude": read.floats(column("LONGITUDE")),
        "case_url": read.every(column("CASE URL"), read.texts),
    })


def parse_current(table: pd.DataFrame) -> ParsedRequests:
    """Records of the March 2021 onward dataset (``d4px-6rwg``), under its field names."""
    column = partial(read.column, table)
    text = lambda name: read.each(column(name), read.texts)  # noqa: E731
    length = len(table)
    case_id, id_field = read.constant(None, length), read.constant(None, length)
    for name in CURRENT_ID_FIELDS:  # the first id field a row fills names its case
        values = read.every(column(name), read.codes)
        fill = pd.isna(case_id) & ~pd.isna(values)
        case_id[fill], id_field[fill] = values[fill], name
    open_text = text("open_date_time")
    local_created = read.moments(column("open_date_time"), MOMENT_FORMATS)
    read.refuse_first_bad_row(
        (pd.isna(case_id), lambda row: "case_id is empty"),
        (pd.isna(open_text), lambda row: "open_date_time is empty"),
        (np.isnat(local_created),
         lambda row: f"open_date_time {open_text[row]!r} is not a date and time"))
    resolved = read.moments(column("resolved_date"), MOMENT_FORMATS)
    days_to_close = read.floats(column("days_to_close"))
    days_between = (resolved.astype("datetime64[D]")
                    - local_created.astype("datetime64[D]")).astype("timedelta64[D]")
    derive = np.isnan(days_to_close) & ~np.isnat(resolved)
    days_to_close[derive] = days_between[derive].astype(float)
    points = [read.lat_long(value) for value in column("lat_long")]
    # ``reported_issue`` names the issue only where another field carries the case number.
    request_type = text("reported_issue")
    request_type[id_field == "reported_issue"] = None
    return ParsedRequests({
        "case_id": case_id,
        "dataset": read.constant(CURRENT_DATASET, length),
        "source": text("report_source"),
        "department": text("department"),
        "work_group": text("department_work_group"),
        "request_type": request_type,
        "category": text("issue_type"),
        "type": text("issue_sub_type"),
        "detail": text("issue_detail"),
        "created_at": local_array_to_utc(local_created),
        "period": read.months(local_created),
        "status": read.each(column("current_status"), read.current_statuses),
        "exceeded_timeframe": read.each(column("exceeded_est_timeframe"), read.flags),
        "closed_date": read.iso_days(resolved),
        "days_to_close": days_to_close,
        "street_address": text("incident_address"),
        "zip_code": read.each(column("zip_code"), read.codes),
        "neighborhood": read.each(column("neighborhood"), read.neighborhoods),
        "nbh_id": read.constant(None, length),
        "council_district": read.each(column("council_district"), read.codes),
        "police_district": text("police_district"),
        "latitude": np.array([lat for lat, _ in points], dtype=float),
        "longitude": np.array([lon for _, lon in points], dtype=float),
        "case_url": read.constant(None, length),
    })


def parser_for(header: list[str]) -> Callable[[pd.DataFrame], ParsedRequests] | None:
    """The parser for a table with these column names, or None when it is neither layout."""
    if all(c in header for c in LEGACY_REQUIRED):
        return parse_legacy
    if all(c in header for c in CURRENT_REQUIRED) and any(c in header for c in CURRENT_ID_FIELDS):
        return parse_current
    return None

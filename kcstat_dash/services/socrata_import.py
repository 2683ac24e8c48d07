"""Imports 311 requests straight from data.kcmo.org's SODA API, page by page, all or nothing."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
import requests
from sodapy import Socrata

from kcstat_dash.db import Database
from kcstat_dash.services.measures import recompute_311_measures
from kcstat_dash.services.request_columns import RowError
from kcstat_dash.services.request_records import ParsedRequests
from kcstat_dash.services.requests_import import ImportSummary, import_records
from kcstat_dash.services.requests_parse import (
    CURRENT_DATASET,
    CURRENT_ID_FIELDS,
    CURRENT_REQUIRED,
    LEGACY_DATASET,
    LEGACY_REQUIRED,
    parse_current,
    parse_legacy,
)
from kcstat_dash.timezone import to_local

DOMAIN = "data.kcmo.org"
PAGE_SIZE = 5000
# SODA pages are only stable under an explicit order; the row id never changes between pages.
STABLE_ORDER = ":id"
DATASET_ID = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}$")
# The portal's busy signals; anything else it refuses with is final.
RETRIED_STATUSES = (429, 503)
RETRIES = 4
MAX_RETRY_WAIT = 60.0


class SocrataImportError(RuntimeError):
    """The portal refused, failed or sent something that is not 311 data; nothing was stored."""


def _table(records: list[dict]) -> pd.DataFrame:
    """Records as a table like a read export's: a field a record leaves out is "". Socrata's
    system fields (``:id``, ``:updated_at``) are not the city's columns and are left out."""
    table = pd.DataFrame.from_records(records)
    return table.drop(columns=[c for c in table.columns if str(c).startswith(":")]).fillna("")


def _nested(column: pd.Series) -> pd.Series:
    """Which cells hold a SODA structure (a url, a location) rather than text."""
    if pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
        return pd.Series(False, index=column.index)
    return column.map(lambda value: isinstance(value, dict | list))


def _legacy_table(records: list[dict]) -> pd.DataFrame:
    """7at3-sxhp SODA records as a table under the CSV export's column names, for
    ``parse_legacy``: a SODA url column gives its url, a location its latitude and longitude
    where the record has none of its own, and any other structure is left out.

    Whole columns at a time: a sync reads thousands of records, and reshaping each record
    on its own cost more than parsing them."""
    table = _table(records)
    for name in table.columns:
        nested = _nested(table[name])
        if not nested.any():
            continue
        cells = table.loc[nested, name]
        if name == "case_url":
            table.loc[nested, name] = cells.map(lambda v: v.get("url") if isinstance(v, dict)
                                                else None)
        elif name == "address_with_geocode":
            for part in ("latitude", "longitude"):
                point = cells.map(lambda v, p=part: v.get(p) if isinstance(v, dict) else None)
                own = table[part] if part in table.columns else pd.Series("", index=table.index)
                table[part] = own.where(~nested | (own != ""), point)
            table.loc[nested, name] = ""
        else:
            table.loc[nested, name] = ""
    table.columns = [str(name).upper().replace("_", " ") for name in table.columns]
    return table.fillna("")


@dataclass(frozen=True)
class DatasetShape:
    """How one of the city's 311 datasets is read over SODA."""

    created_field: str  # the floating timestamp that ``--since`` filters on
    parse: Callable[[list[dict]], ParsedRequests]
    # Field names the dataset must have (a missing one means the city changed its shape), and
    # of which at least one (its case id has had several names).
    required: tuple[str, ...]
    one_of: tuple[str, ...] = ()


DATASETS = {
    LEGACY_DATASET: DatasetShape(
        "creation_date", lambda page: parse_legacy(_legacy_table(page)),
        tuple(c.lower().replace(" ", "_") for c in LEGACY_REQUIRED)),
    CURRENT_DATASET: DatasetShape("open_date_time", lambda page: parse_current(_table(page)),
                                  CURRENT_REQUIRED, CURRENT_ID_FIELDS),
}


def parse_page(dataset_id: str, offset: int, page: list[dict]) -> ParsedRequests:
    """One page of records, parsed as the CSV import parses its export."""
    try:
        return DATASETS[dataset_id].parse(page)
    except RowError as exc:
        raise SocrataImportError(f"{dataset_id}, record {offset + exc.row + 1}: {exc}") from exc


def check_shape(dataset_id: str, field_names: list[str]) -> None:
    """Refuse a dataset whose columns (from the portal's metadata) lack what the import reads:
    the city renamed or dropped one, and reading on would store empty fields."""
    shape = DATASETS[dataset_id]
    missing = [f for f in shape.required if f not in field_names]
    if shape.one_of and not any(f in field_names for f in shape.one_of):
        missing.append(" or ".join(shape.one_of))
    if missing:
        raise SocrataImportError(
            f"{dataset_id} on {DOMAIN} no longer has the field(s) {', '.join(missing)}: the "
            f"dataset changed shape, and this app must learn the new one before it reads it")


def build_where(dataset_id: str, where: str | None, since: date | None) -> str | None:
    """The SoQL ``$where``: the caller's clause and, with ``since``, requests created from then."""
    clauses = []
    if where and where.strip():
        clauses.append(f"({where.strip()})")
    if since is not None:
        clauses.append(f"{DATASETS[dataset_id].created_field} >= '{since.isoformat()}T00:00:00'")
    return " AND ".join(clauses) or None


def fetch_pages(client: Socrata, dataset_id: str, where: str | None,
                page_size: int = PAGE_SIZE, order: str = STABLE_ORDER, select: str | None = None,
                sleep: Callable[[float], None] | None = None
                ) -> Iterator[tuple[int, list[dict]]]:
    """Each page of records with its offset, until a short (or empty) page ends the data.

    A page the portal answers with 429 (too many requests) or 503 is asked for again after the
    wait it names (``Retry-After``, at most a minute), up to ``RETRIES`` times.
    """
    offset = 0
    options = {"select": select} if select else {}
    while True:
        page = _get_page(client, dataset_id, sleep, where=where, order=order,
                         limit=page_size, offset=offset, **options)
        if not isinstance(page, list) or not all(isinstance(r, dict) for r in page):
            raise SocrataImportError(f"{DOMAIN} sent a page of dataset {dataset_id} (offset "
                                     f"{offset}) that is not a list of records")
        if page:
            yield offset, page
        if len(page) < page_size:
            return
        offset += page_size


def _retry_after(exc: requests.HTTPError, attempt: int) -> float | None:
    """Seconds to wait before asking again, or None when the refusal is not a busy signal."""
    response = exc.response
    if response is None or response.status_code not in RETRIED_STATUSES or attempt >= RETRIES:
        return None
    named = response.headers.get("Retry-After", "")
    wait = float(named) if named.isdigit() else 2.0 ** attempt
    return min(wait, MAX_RETRY_WAIT)


def _get_page(client: Socrata, dataset_id: str, sleep, **query):
    return ask_portal(lambda: client.get(dataset_id, **query),
                      f"dataset {dataset_id} at offset {query['offset']}", sleep)


def ask_portal(request: Callable[[], object], what: str, sleep=None):
    """``request()``'s answer; the portal's busy signals retried, every failure a
    ``SocrataImportError`` that says ``what`` was asked for."""
    sleep = sleep or time.sleep
    for attempt in range(RETRIES + 1):
        try:
            return request()
        except requests.HTTPError as exc:
            wait = _retry_after(exc, attempt)
            if wait is None:
                raise SocrataImportError(f"{DOMAIN} refused the request for {what}: "
                                         f"{' '.join(str(exc).split())}") from exc
            sleep(wait)
        except ValueError as exc:  # requests' JSONDecodeError is a ValueError
            raise SocrataImportError(f"{DOMAIN} sent an answer for {what} that is not valid "
                                     f"JSON") from exc
        except requests.RequestException as exc:
            raise SocrataImportError(f"could not reach {DOMAIN} ({exc.__class__.__name__}: "
                                     f"{exc})") from exc
        except Exception as exc:  # sodapy raises a bare Exception for an unknown content type
            raise SocrataImportError(f"{DOMAIN} sent an unexpected response for {what}: "
                                     f"{exc}") from exc
    raise AssertionError("unreachable: the last attempt returns or raises")


def read_dataset(client: Socrata, dataset_id: str, where: str | None = None,
                 page_size: int = PAGE_SIZE, progress=None) -> ParsedRequests:
    """Every record of the query, parsed with the CSV import's own parsers, page by page."""
    pages = []
    for offset, page in fetch_pages(client, dataset_id, where, page_size):
        pages.append(parse_page(dataset_id, offset, page))
        if progress is not None:
            progress.update(len(page))
    return ParsedRequests.concat(pages)


def check_dataset(dataset_id: str) -> str:
    dataset_id = dataset_id.strip().lower()
    if dataset_id not in DATASETS:
        known = " or ".join(f"{d}" for d in DATASETS)
        shape = "" if DATASET_ID.match(dataset_id) else " (a dataset id looks like abcd-1234)"
        raise SocrataImportError(f"{dataset_id!r} is not one of the city's 311 datasets this "
                                 f"app reads: use {known}{shape}")
    return dataset_id


def import_socrata(db: Database, dataset_id: str, where: str | None = None,
                   since: date | None = None, app_token: str | None = None,
                   page_size: int = PAGE_SIZE, progress=None,
                   client: Socrata | None = None) -> tuple[ImportSummary, int]:
    """Fetch every page, then store them as one import run and recompute the measures.

    Everything is fetched and parsed before the transaction opens, so a refused page, bad JSON
    or a malformed record leaves the database as it was. Returns the summary and the number of
    observations written by the recompute.
    """
    dataset_id = check_dataset(dataset_id)
    query = build_where(dataset_id, where, since)
    own_client = client is None
    client = client or Socrata(DOMAIN, app_token, timeout=60)
    try:
        parsed = read_dataset(client, dataset_id, query, page_size, progress)
    finally:
        if own_client:
            client.close()
    source = f"{DOMAIN}/{dataset_id}" + (f" where {query}" if query else "")
    # With no filter of the caller's, the import asked for the whole city up to today.
    with db.transaction() as session:
        summary = import_records(session, parsed, source, "socrata",
                                 citywide=not (where and where.strip()),
                                 asked_through=to_local(datetime.now(UTC)).date())
        observations = recompute_311_measures(session) if len(parsed) else 0
    return summary, observations

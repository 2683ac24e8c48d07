"""``kcstat sync``: bring in only what changed on data.kcmo.org since the last sync, by Socrata's
``:updated_at`` system field, and recompute only the months it touched.

The cursor (the latest ``:updated_at`` stored) lives in the database, in ``sync_cursor``. A
sync fetches and parses every changed record before it writes anything, then stores them, the
recompute and the new cursor in one transaction: a refused page, a network cut halfway or a
record that cannot be read leaves the data and the cursor as they were, and the next sync asks
again from the same place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sodapy import Socrata

from kcstat_dash.db import Database
from kcstat_dash.models import ServiceRequest, SyncCursor, utcnow
from kcstat_dash.services.case_lookup import stored_cases
from kcstat_dash.services.coverage import (
    TALLY_COLUMNS,
    apply_tally_change,
    count_tally,
    coverage_311,
    tally_of,
)
from kcstat_dash.services.measures import recompute_311_periods
from kcstat_dash.services.request_records import ParsedRequests
from kcstat_dash.services.requests_import import import_records
from kcstat_dash.services.socrata_import import (
    DOMAIN,
    PAGE_SIZE,
    SocrataImportError,
    ask_portal,
    check_dataset,
    check_shape,
    fetch_pages,
    parse_page,
)
from kcstat_dash.timezone import to_local

UPDATED_AT = ":updated_at"
# The system fields come only when asked for; ordering by them keeps pages stable while the
# portal is written to (a record changed mid-sync moves to the end, and is seen next time).
SELECT = ":*, *"
ORDER = ":updated_at, :id"
# Socrata writes :updated_at as 2024-05-01T12:34:56.789Z; a cursor is only ever one of those.
CURSOR = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z?")


@dataclass
class SyncSummary:
    dataset: str
    cursor_before: str | None
    cursor_after: str | None
    data_through_before: str | None
    data_through_after: str | None
    rows_read: int = 0
    rows_added: int = 0
    rows_updated: int = 0
    months_touched: int = 0

    def __str__(self) -> str:
        since = f"changes since {self.cursor_before}" if self.cursor_before else "first sync"
        return (f"{DOMAIN}/{self.dataset} ({since}): {self.rows_read} records read, "
                f"{self.rows_added} added, {self.rows_updated} updated; "
                f"{self.months_touched} month{'' if self.months_touched == 1 else 's'} "
                f"touched; data through "
                f"{self.data_through_before or 'nothing'} → {self.data_through_after or 'nothing'}")


def changes_where(cursor: str | None) -> str | None:
    """The SoQL filter for what changed at or after the cursor (``>=``: a record written in the
    same millisecond as the last one stored is not missed; storing it again changes nothing)."""
    if cursor is None:
        return None
    if not CURSOR.fullmatch(cursor):
        raise SocrataImportError(f"the stored sync cursor {cursor!r} is not a Socrata time")
    return f"{UPDATED_AT} >= '{cursor}'"


def read_changes(client: Socrata, dataset_id: str, cursor: str | None, page_size: int,
                 sleep=None) -> tuple[ParsedRequests, str | None]:
    """Every record changed since the cursor, parsed, and the latest ``:updated_at`` seen."""
    metadata = ask_portal(lambda: client.get_metadata(dataset_id),
                          f"the description of dataset {dataset_id}", sleep)
    columns = metadata.get("columns", []) if isinstance(metadata, dict) else []
    check_shape(dataset_id, [c.get("fieldName", "") for c in columns if isinstance(c, dict)])
    pages, latest = [], cursor
    for offset, page in fetch_pages(client, dataset_id, changes_where(cursor), page_size,
                                    order=ORDER, select=SELECT, sleep=sleep):
        stamps = [r.get(UPDATED_AT) for r in page]
        if not all(isinstance(s, str) and CURSOR.fullmatch(s) for s in stamps):
            raise SocrataImportError(f"{dataset_id}, records {offset + 1}–{offset + len(page)}:"
                                     f" a record has no {UPDATED_AT} time")
        pages.append(parse_page(dataset_id, offset, page))
        latest = max([s for s in [latest, *stamps] if s])
    return ParsedRequests.concat(pages), latest


def sync_dataset(db: Database, dataset_id: str, app_token: str | None = None,
                 page_size: int = PAGE_SIZE, client: Socrata | None = None,
                 sleep=None) -> SyncSummary:
    """Fetch what changed since the last sync, store it, recompute the months it touched and
    move the cursor, all or nothing."""
    dataset_id = check_dataset(dataset_id)
    with db.transaction() as session:
        stored = session.get(SyncCursor, dataset_id)
        cursor = stored.updated_through if stored else None
        through_before = (coverage_311(session) or {}).get("data_through")
    own_client = client is None
    client = client or Socrata(DOMAIN, app_token, timeout=60)
    try:
        parsed, latest = read_changes(client, dataset_id, cursor, page_size, sleep)
    finally:
        if own_client:
            client.close()
    summary = SyncSummary(dataset_id, cursor, latest, through_before, through_before,
                          rows_read=len(parsed))
    with db.transaction() as session:
        case_ids = parsed.columns["case_id"].tolist()
        stored = stored_cases(session, (ServiceRequest.period, *TALLY_COLUMNS), case_ids)
        # The months the stored copies fall in: a changed creation date moves a case to
        # another month, and the month it left must be recomputed too.
        touched = {row[0] for row in stored if row[0]}
        # The coverage's tally moves from these cases as stored to as stored after the upsert:
        # the whole table is never counted again.
        tally_before = count_tally(row[1:] for row in stored)
        touched.update(p for p in parsed.columns["period"].tolist() if p)
        where = changes_where(cursor)
        source = f"{DOMAIN}/{dataset_id} sync" + (f" where {where}" if where else "")
        # A first sync asks for the whole dataset, later ones for every change since: either way
        # the stored data is then the whole city's, as of today.
        result = import_records(session, parsed, source, "socrata", citywide=True,
                                asked_through=to_local(datetime.now(UTC)).date())
        summary.rows_added, summary.rows_updated = result.rows_added, result.rows_updated
        apply_tally_change(session, tally_before, tally_of(session, case_ids))
        # Unchanged records (read again at the cursor's edge) touch nothing; the months stored
        # as partial are recomputed every time, as the data now runs to today.
        if not (result.rows_added or result.rows_updated):
            touched = set()
        summary.months_touched = len(touched)
        recompute_311_periods(session, touched)
        if latest is not None:
            cursor_row = session.get(SyncCursor, dataset_id) or SyncCursor(dataset=dataset_id)
            cursor_row.updated_through = latest
            cursor_row.synced_at = utcnow()
            cursor_row.import_run_id = result.run_id
            session.add(cursor_row)
        session.flush()
        summary.data_through_after = (coverage_311(session) or {}).get("data_through")
    return summary

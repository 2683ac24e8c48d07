"""Stores parsed 311 requests by CASE ID in bulk: COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

from contextlib import ExitStack, suppress

import numpy as np
import pandas as pd
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import text
from sqlalchemy.orm import Session

from kcstat_dash.db import driver_cursor
from kcstat_dash.services.request_records import (
    FIELDS,
    NUMBER_FIELDS,
    ParsedRequests,
    field_texts,
    row_hashes,
)

STAGING = "service_request_incoming"
COLUMNS = (*FIELDS, "row_hash")
_NAMES = ", ".join(f'"{c}"' for c in COLUMNS)
# A first load writes the rows with their import run straight into the table.
_STORED_NAMES = f'{_NAMES}, "import_run_id"'
# One statement for both databases (SQLite needs the ``WHERE true`` to tell its upsert from a
# join). An unchanged row fails the DO UPDATE's WHERE, so it is neither written nor counted.
UPSERT = (
    f'INSERT INTO service_request ({_NAMES}, "import_run_id") '
    f"SELECT {_NAMES}, :run_id FROM {STAGING} WHERE true "
    "ON CONFLICT (case_id) DO UPDATE SET "
    + ", ".join(f'"{c}" = excluded."{c}"' for c in (*COLUMNS[1:], "import_run_id"))
    + " WHERE service_request.row_hash <> excluded.row_hash")
# COPY's text format: a tab between fields, \N for NULL, and these escaped within a value.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def latest_rows(case_ids: np.ndarray) -> np.ndarray:
    """Positions of the rows to keep: a case listed twice in one import, the later row wins."""
    return np.flatnonzero(~pd.Series(case_ids).duplicated(keep="last").to_numpy())


def _copy_field(texts: np.ndarray) -> list[str]:
    """One column in COPY's text format."""
    present = texts[~pd.isna(texts)].tolist()
    joined = "".join(present)
    if any(special in joined for special in "\\\t\n\r"):
        codes, distinct = pd.factorize(texts)
        escaped = [value.translate(_COPY_ESCAPES) for value in distinct]
        return np.array([*escaped, "\\N"], dtype=object)[codes].tolist()
    return np.where(pd.isna(texts), "\\N", texts).tolist()


def copy_payload(parsed: ParsedRequests, hashes: list[str], run_id: int | None = None) -> bytes:
    """The rows, with their hashes (and, given one, their import run), as PostgreSQL's COPY
    text format takes them."""
    columns = [_copy_field(field_texts(parsed, name)) for name in FIELDS] + [hashes]
    if run_id is not None:
        columns.append([str(run_id)] * len(hashes))
    lines = map("\t".join, zip(*columns, strict=True))  # one tuple, reused by zip
    return ("\n".join(lines) + "\n").encode()


def _copy_postgresql(cursor, table: str, names: str, payload: bytes) -> None:
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        copy.write(payload)


def _sqlite_times(moments: np.ndarray) -> list[str]:
    """UTC times as SQLAlchemy's SQLite DATETIME stores them ("YYYY-MM-DD HH:MM:SS.ffffff")."""
    return [f"{text[:10]} {text[11:]}" for text in
            np.datetime_as_string(moments, unit="us").tolist()]


def sqlite_rows(parsed: ParsedRequests, hashes: list[str], run_id: int | None = None):
    """The rows, with their hashes (and, given one, their import run), as tuples of the values
    SQLite stores."""
    columns = []
    for name in FIELDS:
        values = parsed.columns[name]
        if name == "created_at":
            columns.append(_sqlite_times(values))
        elif name in NUMBER_FIELDS:
            columns.append(np.where(np.isnan(values), None, values.astype(object)).tolist())
        else:
            columns.append(values.tolist())
    columns.append(hashes)
    if run_id is not None:
        columns.append([run_id] * len(hashes))
    return zip(*columns, strict=True)


def _insert_sqlite(cursor, table: str, names: str, rows) -> None:
    marks = ", ".join("?" for _ in names.split(", "))
    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _write(session: Session, table: str, parsed: ParsedRequests, hashes: list[str],
           run_id: int | None) -> None:
    """Bulk-write the rows into ``table``: with their import run when one is given (straight
    into ``service_request``), without it into the staging table."""
    names = _NAMES if run_id is None else _STORED_NAMES
    with driver_cursor(session) as cursor:
        if session.get_bind().dialect.name == "postgresql":
            _copy_postgresql(cursor, table, names, copy_payload(parsed, hashes, run_id))
        else:
            _insert_sqlite(cursor, table, names, sqlite_rows(parsed, hashes, run_id))


def _merge(session: Session, latest: ParsedRequests, hashes: list[str],
           run_id: int) -> tuple[int, int]:
    """Stage the rows in a temporary table, then merge them by CASE ID in one statement, so
    the database does the per-row work; unchanged rows are left alone."""
    session.execute(text(f"CREATE TEMPORARY TABLE {STAGING} AS "
                         f"SELECT {_NAMES} FROM service_request WHERE false"))
    _write(session, STAGING, latest, hashes, None)
    existing = session.scalar(text(
        f"SELECT count(*) FROM {STAGING} JOIN service_request "
        f"ON service_request.case_id = {STAGING}.case_id"))
    written = session.execute(text(UPSERT), {"run_id": run_id}).rowcount
    session.execute(text(f"DROP TABLE {STAGING}"))
    added = len(latest) - existing
    return added, written - added


class RequestStore:
    """Writes one import's chunks of requests by CASE ID; ``store`` returns (added, updated)
    for each, ``close`` ends the writing (``abandon`` instead, when the import fails).

    Into a table that held no request when the import began (a first load: the city's whole
    history at once), a chunk none of whose cases this import has already written goes straight
    in with the database's bulk load: no row can be there to update, and merging through a
    staging table would cost about twice the load itself. Any other chunk is merged.

    On PostgreSQL those direct chunks share one ``COPY``, fed through psycopg's queued writer:
    its thread sends a chunk while this one parses the next, so the server's work (keys,
    indexes) overlaps Python's instead of following it. Nothing else may use the session's
    connection until ``close``.
    """

    def __init__(self, session: Session, run_id: int):
        self.session, self.run_id = session, run_id
        self.postgresql = session.get_bind().dialect.name == "postgresql"
        self._written: set[str] | None = set() if self._first_load() else None
        self._copying: ExitStack | None = None
        self._copy = None

    def _first_load(self) -> bool:
        empty = text("SELECT 1 FROM service_request LIMIT 1")
        if self.session.scalar(empty) is not None:
            return False
        if self.postgresql:
            # No other writer may add requests until this transaction ends (readers still
            # read), so the table stays as empty as it is seen here. On SQLite this
            # transaction holds the one write lock already: it has written the import run.
            self.session.execute(text("LOCK TABLE service_request IN EXCLUSIVE MODE"))
            return self.session.scalar(empty) is None
        return True

    def store(self, parsed: ParsedRequests) -> tuple[int, int]:
        if not len(parsed):
            return 0, 0
        latest = parsed.take(latest_rows(parsed.columns["case_id"]))
        hashes = row_hashes(latest)
        if self._written is None:
            return _merge(self.session, latest, hashes, self.run_id)
        case_ids = latest.columns["case_id"].tolist()
        fresh = self._written.isdisjoint(case_ids)
        self._written.update(case_ids)
        if not fresh:
            self.close()
            return _merge(self.session, latest, hashes, self.run_id)
        if self.postgresql:
            self._copy_in(copy_payload(latest, hashes, self.run_id))
        else:
            _write(self.session, "service_request", latest, hashes, self.run_id)
        return len(latest), 0

    def _copy_in(self, payload: bytes) -> None:
        if self._copying is None:
            self._copying = ExitStack()
            cursor = self._copying.enter_context(driver_cursor(self.session))
            self._copy = self._copying.enter_context(cursor.copy(
                f"COPY service_request ({_STORED_NAMES}) FROM STDIN",
                writer=QueuedLibpqWriter(cursor)))
        self._copy.write(payload)

    def close(self) -> None:
        """End the open COPY, if any: the server has then checked and stored every row sent
        (a broken key raises here)."""
        copying, self._copying = self._copying, None
        if copying is not None:
            copying.close()

    def abandon(self, error: BaseException) -> None:
        """End the open COPY as failed, so the transaction can be rolled back; the import's
        own error is the one to report, not the COPY's."""
        copying, self._copying = self._copying, None
        if copying is not None:
            with suppress(Exception):
                copying.__exit__(type(error), error, error.__traceback__)

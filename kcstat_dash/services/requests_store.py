"""Stores parsed 311 requests by CASE ID in bulk: COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

import numpy as np
import pandas as pd
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


def copy_payload(parsed: ParsedRequests, hashes: list[str]) -> bytes:
    """The rows, with their hashes, as PostgreSQL's COPY text format takes them."""
    columns = [_copy_field(field_texts(parsed, name)) for name in FIELDS] + [hashes]
    lines = map("\t".join, zip(*columns, strict=True))  # one tuple, reused by zip
    return ("\n".join(lines) + "\n").encode()


def _stage_postgresql(cursor, parsed: ParsedRequests, hashes: list[str]) -> None:
    with cursor.copy(f"COPY {STAGING} ({_NAMES}) FROM STDIN") as copy:
        copy.write(copy_payload(parsed, hashes))


def _sqlite_times(moments: np.ndarray) -> list[str]:
    """UTC times as SQLAlchemy's SQLite DATETIME stores them ("YYYY-MM-DD HH:MM:SS.ffffff")."""
    return [f"{text[:10]} {text[11:]}" for text in
            np.datetime_as_string(moments, unit="us").tolist()]


def sqlite_rows(parsed: ParsedRequests, hashes: list[str]):
    """The rows, with their hashes, as tuples of the values SQLite stores."""
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
    return zip(*columns, strict=True)


def _stage_sqlite(cursor, parsed: ParsedRequests, hashes: list[str]) -> None:
    marks = ", ".join("?" for _ in COLUMNS)
    cursor.executemany(f"INSERT INTO {STAGING} ({_NAMES}) VALUES ({marks})",
                       sqlite_rows(parsed, hashes))


def upsert_requests(session: Session, parsed: ParsedRequests, run_id: int) -> tuple[int, int]:
    """Insert new cases and update changed ones by CASE ID; returns (added, updated).

    The rows go to a temporary table in bulk, then one statement merges them, so the database
    does the per-row work. Unchanged rows are left alone.
    """
    if not len(parsed):
        return 0, 0
    latest = parsed.take(latest_rows(parsed.columns["case_id"]))
    hashes = row_hashes(latest)
    session.execute(text(f"CREATE TEMPORARY TABLE {STAGING} AS "
                         f"SELECT {_NAMES} FROM service_request WHERE false"))
    postgresql = session.get_bind().dialect.name == "postgresql"
    stage = _stage_postgresql if postgresql else _stage_sqlite
    with driver_cursor(session) as cursor:
        stage(cursor, latest, hashes)
    existing = session.scalar(text(
        f"SELECT count(*) FROM {STAGING} JOIN service_request "
        f"ON service_request.case_id = {STAGING}.case_id"))
    written = session.execute(text(UPSERT), {"run_id": run_id}).rowcount
    session.execute(text(f"DROP TABLE {STAGING}"))
    added = len(latest) - existing
    return added, written - added

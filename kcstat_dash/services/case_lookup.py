"""Reads stored 311 requests by CASE ID in bulk: one array parameter on PostgreSQL, chunks on
SQLite (old builds allow 999 parameters a statement)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from kcstat_dash.models import ServiceRequest

SQLITE_CHUNK = 900


def stored_cases(session: Session, columns: tuple, case_ids: Iterable) -> list[tuple]:
    """The given columns of each stored request among these CASE IDs (in no set order).

    A sync looks up a couple of thousand cases; as an IN list of as many parameters each
    statement cost more to build and send than the database took to answer it.
    """
    ids = [str(c) for c in case_ids]
    if not ids:
        return []
    if session.get_bind().dialect.name == "postgresql":
        wanted = ServiceRequest.case_id == any_(bindparam("case_ids", ids, type_=ARRAY(String)))
        return [tuple(row) for row in session.execute(select(*columns).where(wanted))]
    rows: list[tuple] = []
    for start in range(0, len(ids), SQLITE_CHUNK):
        rows += [tuple(row) for row in session.execute(select(*columns).where(
            ServiceRequest.case_id.in_(ids[start:start + SQLITE_CHUNK])))]
    return rows

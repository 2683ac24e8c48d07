"""The audit log: who did what to which record, when, with the record before and after."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kcstat_dash.models import AuditEntry
from kcstat_dash.services.tabular import safe_cell
from kcstat_dash.timezone import to_local

CSV_COLUMNS = ("id", "at_utc", "at_kansas_city", "user_id", "user_email", "action", "entity",
               "entity_id", "before", "after")


def _plain(value):
    """JSON-safe copy of a snapshot (datetimes as ISO strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def record(session: Session, user_id: int | None, action: str, entity: str, entity_id,
           before: dict | None, after: dict | None) -> AuditEntry:
    """Add an entry in the caller's transaction, so the change and its record commit as one."""
    entry = AuditEntry(user_id=user_id, action=action, entity=entity, entity_id=str(entity_id),
                       before=_plain(before), after=_plain(after))
    session.add(entry)
    session.flush()
    return entry


def entries(session: Session, action: str | None = None, entity: str | None = None,
            user_id: int | None = None, limit: int | None = 500) -> list[dict]:
    """Newest first, as plain data."""
    query = (select(AuditEntry).options(selectinload(AuditEntry.user))
             .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if user_id is not None:
        query = query.where(AuditEntry.user_id == user_id)
    if limit:
        query = query.limit(limit)
    return [{"id": e.id, "at": e.at, "user_id": e.user_id,
             "user_email": e.user.email if e.user else None, "action": e.action,
             "entity": e.entity, "entity_id": e.entity_id, "before": e.before, "after": e.after}
            for e in session.scalars(query)]


def _csv_cell(value) -> str:
    return safe_cell(value if isinstance(value, str) else json.dumps(value, sort_keys=True))


def export_csv(session: Session, **filters) -> str:
    """The whole log (or the filtered part) as CSV, oldest first."""
    rows = list(reversed(entries(session, limit=None, **filters)))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([
            row["id"], row["at"].isoformat(), to_local(row["at"]).isoformat(),
            row["user_id"] if row["user_id"] is not None else "",
            _csv_cell(row["user_email"]) if row["user_email"] else "",
            row["action"], row["entity"], _csv_cell(row["entity_id"]),
            _csv_cell(row["before"]) if row["before"] is not None else "",
            _csv_cell(row["after"]) if row["after"] is not None else "",
        ])
    return out.getvalue()

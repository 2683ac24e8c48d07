"""Stored 311 rows get the row hash of this version: sha256 of the row's fields as compact JSON.

The earlier hash imitated the text forms of an importer that no longer exists ("None",
"+00:00"); recomputing it here means the importer has one plain rule and a re-import after
upgrading still finds every unchanged row unchanged. The rule is written out below, not
imported, so this migration keeps doing what it did when the importer changes
(kcstat_dash/services/request_records.row_hashes is the importer's side; a test checks they agree).

Revision ID: 0710
Revises: 0700
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision = "0710"
down_revision = "0700"
branch_labels = None
depends_on = None

# ServiceRequest's imported fields, in the hash's order, as of this revision.
FIELDS = ("case_id", "dataset", "source", "department", "work_group", "request_type", "category",
          "type", "detail", "created_at", "period", "status", "exceeded_timeframe", "closed_date",
          "days_to_close", "street_address", "zip_code", "neighborhood", "nbh_id",
          "council_district", "police_district", "latitude", "longitude", "case_url")
NUMBER_FIELDS = ("days_to_close", "latitude", "longitude")
BATCH = 5000

_table = sa.table("service_request", sa.column("id", sa.Integer), sa.column("row_hash", sa.String),
                  *(sa.column(name, sa.DateTime(timezone=True) if name == "created_at"
                              else sa.Float if name in NUMBER_FIELDS else sa.String)
                    for name in FIELDS))


def _value(name: str, value):
    if value is None:
        return None
    if name == "created_at":
        if value.tzinfo is not None:  # PostgreSQL gives it aware, SQLite naive (stored in UTC)
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    if name in NUMBER_FIELDS:
        return float(value)
    return value


def row_hash(row) -> str:
    values = [_value(name, row[i]) for i, name in enumerate(FIELDS)]
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def upgrade() -> None:
    connection = op.get_bind()
    columns = [_table.c[name] for name in FIELDS]
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(_table.c.id, *columns).where(_table.c.id > last_id)
            .order_by(_table.c.id).limit(BATCH)).all()
        if not rows:
            break
        connection.execute(
            _table.update().where(_table.c.id == sa.bindparam("row_id"))
            .values(row_hash=sa.bindparam("new_hash")),
            [{"row_id": row[0], "new_hash": row_hash(row[1:])} for row in rows])
        last_id = rows[-1][0]


def downgrade() -> None:
    # The old hash cannot be rebuilt here; an empty one makes the next import rewrite each row
    # once, which is correct, only slower.
    op.execute(_table.update().values(row_hash=""))

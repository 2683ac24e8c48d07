"""Bulk inserts: COPY on PostgreSQL stores exactly what SQLAlchemy's INSERT stores."""

from __future__ import annotations

from sqlalchemy import event, select, text

from kcstat_dash.db import bulk_insert, db
from kcstat_dash.models import Measure, NeighborhoodMonth, Observation
from kcstat_dash.services.measures import sync_catalog


def _month_rows(measure_id: int, prefix: str) -> list[dict]:
    # A JSON histogram, a JSON None, a NULL integer and text COPY escapes (tab, backslash).
    return [{"measure_id": measure_id, "period": "2024-0" + str(k), "neighborhood": f"{prefix}{k}",
             "request_count": 10 + k, "hits": None if k == 2 else k,
             "days": None if k == 1 else [[0.5, 3], [k, 1]]}
            for k in range(1, 4)] + [
        {"measure_id": measure_id, "period": "2024-09", "neighborhood": f"{prefix}\tTab \\ Ñ",
         "request_count": 1, "hits": 0, "days": []}]


def _stored(session, prefix: str) -> list[tuple]:
    # The JSON as the database holds it (text), and whether it is SQL NULL.
    return [tuple(row)[1:] for row in session.execute(text(
        "SELECT neighborhood, substr(neighborhood, :cut), period, request_count, hits, "
        "CAST(days AS TEXT), days IS NULL FROM neighborhood_month "
        "WHERE neighborhood LIKE :prefix ORDER BY period"),
        {"cut": len(prefix) + 1, "prefix": prefix + "%"})]


def test_a_bulk_insert_stores_what_sqlalchemys_insert_stores(session):
    sync_catalog(session)
    measure_id = session.scalars(select(Measure.id)).first()
    sent: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: sent.append(statement))
    bulk_insert(session, NeighborhoodMonth.__table__, _month_rows(measure_id, "bulk-"))
    copied = [s for s in sent if "neighborhood_month" in s]
    session.execute(NeighborhoodMonth.__table__.insert(), _month_rows(measure_id, "core-"))
    session.flush()
    assert _stored(session, "bulk-") == _stored(session, "core-")
    assert len(_stored(session, "bulk-")) == 4
    if session.get_bind().dialect.name == "postgresql":
        assert copied == []  # went by COPY, which SQLAlchemy does not see
    session.rollback()


def test_a_column_left_to_its_python_default_still_gets_it(session):
    """Observation's computed_at and flags default in Python, which COPY would skip."""
    sync_catalog(session)
    measure_id = session.scalars(select(Measure.id)).first()
    bulk_insert(session, Observation.__table__,
                [{"measure_id": measure_id, "period": "2024-01", "value": 1.5}])
    stored = session.scalars(select(Observation).where(Observation.period == "2024-01")).one()
    assert stored.computed_at is not None
    assert (stored.partial, stored.provisional) == (False, False)
    session.rollback()

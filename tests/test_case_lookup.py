"""Looking stored requests up by CASE ID, many at once, on both databases."""

from __future__ import annotations

from sqlalchemy import select

from kcstat_dash.db import db
from kcstat_dash.models import ServiceRequest
from kcstat_dash.services.case_lookup import SQLITE_CHUNK, stored_cases
from kcstat_dash.services.data_load import import_311_paths
from tests.conftest import DATA_DIR


def test_stored_cases_finds_each_stored_case_among_thousands_asked(session):
    import_311_paths(db, [DATA_DIR / "kc311_small.csv"])
    stored = dict(session.execute(select(ServiceRequest.case_id, ServiceRequest.period)).all())
    # More ids than one SQLite statement takes, the stored ones last (in the last chunk).
    asked = [f"NO-SUCH-{k}" for k in range(2 * SQLITE_CHUNK)] + list(stored)
    found = stored_cases(session, (ServiceRequest.case_id, ServiceRequest.period), asked)
    assert sorted(found) == sorted(stored.items())
    assert stored_cases(session, (ServiceRequest.case_id,), []) == []
    assert stored_cases(session, (ServiceRequest.case_id,), asked[:SQLITE_CHUNK]) == []

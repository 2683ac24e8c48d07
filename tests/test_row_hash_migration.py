"""Migration 0710 gives stored rows the importer's row hash, so an upgrade rewrites nothing."""

from __future__ import annotations

import csv

from alembic import command
from sqlalchemy import select, text

from kcstat_dash.db import db
from kcstat_dash.migrate import alembic_config, upgrade
from kcstat_dash.models import ImportRun, ServiceRequest
from kcstat_dash.services.data_load import import_311_paths
from tests.conftest import DATA_DIR

SMALL = DATA_DIR / "kc311_small.csv"


def test_after_the_migration_a_reimport_finds_every_row_unchanged(session, database_url):
    import_311_paths(db, [SMALL])
    stored = dict(session.execute(select(ServiceRequest.case_id, ServiceRequest.row_hash)).all())
    session.close()
    db.engine.dispose()
    # As an older version left them: every hash in another form.
    command.downgrade(alembic_config(database_url), "0700")
    db.configure(database_url)
    with db.transaction() as s:
        s.execute(text("UPDATE service_request SET row_hash = 'from-an-older-version'"))
    db.engine.dispose()
    upgrade(database_url)
    db.configure(database_url)
    with db.transaction() as s:
        migrated = dict(s.execute(select(ServiceRequest.case_id, ServiceRequest.row_hash)).all())
    assert migrated == stored
    import_311_paths(db, [SMALL])
    with db.transaction() as s:
        runs = s.scalars(select(ImportRun).order_by(ImportRun.id)).all()
        assert (runs[-1].rows_added, runs[-1].rows_updated) == (0, 0)


def test_a_changed_row_still_counts_as_changed(session, tmp_path):
    import_311_paths(db, [SMALL])
    with open(SMALL, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
        first = next(csv.DictReader(handle, fieldnames=header))
    first["STATUS"] = "OPEN" if first["STATUS"] != "OPEN" else "RESOL"
    changed = tmp_path / "changed.csv"
    with open(changed, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerow(first)
    report = import_311_paths(db, [changed])
    assert not report.errors
    run = session.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()
    assert (run.rows_added, run.rows_updated) == (0, 1)

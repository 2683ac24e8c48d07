"""The triggers that bump the data version whenever the published numbers change.

A trigger, not a call in each writer: imports, the nightly sync, recomputes, stewards' edits
and the CLI write these tables through the ORM, Core and raw driver cursors alike, and a
trigger catches every one of them in the writer's own transaction, so a page cache keyed on
the version can never outlive the data it was built from (services/data_version.py).

A later migration that rebuilds one of these tables on SQLite (``batch_alter_table`` copies the
table to a new one) loses its triggers: it must run ``create_statements`` again afterwards
(``DROP TRIGGER IF EXISTS`` first, from ``drop_statements``).
"""

from __future__ import annotations

# Every table a measure, meeting, area or overview page draws from. service_request and
# crime_report are left out on purpose: pages read only what is computed from them
# (observations, coverage), and a row trigger on a million-row import would cost real time.
# The tallies a sync keeps (neighborhood_month, request_tally) are included to be safe: pages
# read what is computed from them, in the same transactions, but a bump costs next to nothing.
TABLES = ("area", "measure", "measure_target", "observation", "neighborhood_observation",
          "district_observation", "narrative", "peer_comparison", "data_coverage",
          "import_run", "sync_cursor", "neighborhood_month", "request_tally")

BUMP = "UPDATE data_version SET version = version + 1 WHERE id = 1"


def create_statements(dialect: str) -> list[str]:
    """The DDL creating the triggers on ``dialect`` (``postgresql`` or ``sqlite``)."""
    if dialect == "postgresql":
        # One bump per statement, however many rows it wrote.
        statements = [
            "CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger AS $$ "
            f"BEGIN {BUMP}; RETURN NULL; END; $$ LANGUAGE plpgsql"]
        for table in TABLES:
            statements.append(
                f"CREATE TRIGGER data_version_{table} AFTER INSERT OR UPDATE OR DELETE "
                f"OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()")
        return statements
    # SQLite has row triggers only: one per kind of write.
    return [f"CREATE TRIGGER data_version_{table}_{action.lower()} AFTER {action} ON {table} "
            f"BEGIN {BUMP}; END"
            for table in TABLES for action in ("INSERT", "UPDATE", "DELETE")]


def drop_statements(dialect: str) -> list[str]:
    """The DDL removing what ``create_statements`` made."""
    if dialect == "postgresql":
        return ([f"DROP TRIGGER IF EXISTS data_version_{table} ON {table}" for table in TABLES]
                + ["DROP FUNCTION IF EXISTS bump_data_version()"])
    return [f"DROP TRIGGER IF EXISTS data_version_{table}_{action.lower()}"
            for table in TABLES for action in ("INSERT", "UPDATE", "DELETE")]

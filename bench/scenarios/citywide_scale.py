"""(g) Citywide scale: importing a 1.5-million-request export against the database's own bulk
load of the same rows, the import's peak memory, a nightly sync of 2,000 changes against a
full recompute, and the measure page, overview and observations API at 1.5 M against the same
pages at the sample's 45 k. The export is the bundled sample replayed (bench/scale.py), never
product data.
"""

from __future__ import annotations

import json
import re
import resource
import statistics
import subprocess
import sys
import time

from sqlalchemy import text

from bench.database import BenchDatabase
from bench.findings import ScenarioResult
from bench.replayed_portal import ReplayedPortal
from bench.scale import rows_in, sample_size, scale_file, thinned_file
from bench.server import PROJECT_ROOT

IMPORT_TARGET = 3.0  # × the database's own bulk load
MEMORY_TARGET_MB = 1_536
SYNC_TARGET = 0.05  # × a full recompute
PAGE_TARGET = 1.5  # page p50 at citywide scale × the same page at the sample's size
PAGE_ROUNDS = 5  # alternating small and large databases, so drifting load hits both alike
PAGE_REPEATS = 12  # timed requests of each page per round
CHANGED = 2_000
BASELINE = "service_request_baseline"


def _import_in_child(url: str, path) -> dict:
    """``import_311_paths`` of the file in a process of its own, for its peak memory."""
    code = ("import json, resource, sys, time\n"
            "from kcstat_dash.db import db\n"
            "from kcstat_dash.services.data_load import import_311_paths\n"
            "db.configure(sys.argv[1])\n"
            "started = time.perf_counter()\n"
            "report = import_311_paths(db, [sys.argv[2]], citywide=True)\n"
            "seconds = time.perf_counter() - started\n"
            "assert not report.errors, report.errors\n"
            "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "print(json.dumps({'seconds': seconds, 'maxrss_kb': peak,\n"
            "                  'rows': sum(s.rows_added for s in report.imported)}))\n")
    done = subprocess.run([sys.executable, "-c", code, url, str(path)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _baseline_table(session, foreign_key: bool) -> None:
    """An empty table identical to service_request: its columns, keys and indexes, and its
    foreign key to the import run unless ``foreign_key`` is false."""
    session.execute(text(f"DROP TABLE IF EXISTS {BASELINE}"))
    if session.get_bind().dialect.name == "postgresql":
        # LIKE copies the unique key and the indexes but not the foreign key.
        session.execute(text(f"CREATE TABLE {BASELINE} (LIKE service_request INCLUDING ALL)"))
        if foreign_key:
            session.execute(text(f"ALTER TABLE {BASELINE} ADD FOREIGN KEY (import_run_id) "
                                 "REFERENCES import_run (id)"))
        return
    statements = session.execute(text(
        "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'service_request' "
        "AND sql IS NOT NULL ORDER BY type DESC")).all()  # the table before its indexes
    for _kind, sql in statements:
        # The table's name as a word (not inside ix_service_request_…), and each index a name
        # of its own.
        renamed = re.sub(r"\bservice_request\b", BASELINE, sql)
        renamed = re.sub(r"\bix_service_request_", f"ix_{BASELINE}_", renamed)
        if not foreign_key:
            renamed = re.sub(r",\s*(CONSTRAINT \w+\s+)?FOREIGN KEY\s*\(import_run_id\)\s*"
                             r"REFERENCES import_run \(id\)", "", renamed)
        session.execute(text(renamed))


def _time_bulk_load(db, parsed, foreign_key: bool) -> float:
    """The database's own bulk load of the parsed rows (hashes and import run and all) into
    the baseline table, in one transaction: COPY on PostgreSQL, one executemany on SQLite.
    Only the load and its commit are timed; the rows are formatted for it beforehand."""
    from kcstat_dash.db import driver_cursor
    from kcstat_dash.services.request_records import row_hashes
    from kcstat_dash.services.requests_store import (
        _STORED_NAMES,
        copy_payload,
        latest_rows,
        sqlite_rows,
    )

    latest = parsed.take(latest_rows(parsed.columns["case_id"]))
    hashes = row_hashes(latest)
    with db.transaction() as session:
        _baseline_table(session, foreign_key)
        run_id = session.scalar(text("SELECT min(id) FROM import_run"))
    postgresql = db.engine.dialect.name == "postgresql"
    payload = (copy_payload(latest, hashes, run_id) if postgresql
               else list(sqlite_rows(latest, hashes, run_id)))
    started = time.perf_counter()
    with db.transaction() as session, driver_cursor(session) as cursor:
        if postgresql:
            with cursor.copy(f"COPY {BASELINE} ({_STORED_NAMES}) FROM STDIN") as copy:
                copy.write(payload)
        else:
            marks = ", ".join("?" for _ in _STORED_NAMES.split(", "))
            cursor.executemany(f"INSERT INTO {BASELINE} ({_STORED_NAMES}) VALUES ({marks})",
                               payload)
    seconds = time.perf_counter() - started
    with db.transaction() as session:
        session.execute(text(f"DROP TABLE {BASELINE}"))
    return seconds


def _sample_database(server_url, path) -> BenchDatabase:
    """A database holding the same city at the sample's size (every k-th request of the
    export: every neighborhood, every month), imported the same way as the citywide one, for
    the pages' side-by-side timing: the pages differ by the number of requests alone."""
    from kcstat_dash.db import db
    from kcstat_dash.migrate import upgrade
    from kcstat_dash.services.data_load import import_311_paths
    from kcstat_dash.services.measures import sync_catalog

    database = BenchDatabase.create(server_url, "scale_sample")
    upgrade(database.url)
    db.configure(database.url)
    with db.transaction() as session:
        sync_catalog(session)
    report = import_311_paths(db, [str(path)], citywide=True)
    assert not report.errors, report.errors
    db.engine.dispose()
    return database


def _time_pages_in_child(url: str) -> dict:
    """``bench.page_timing`` against one database, in a process of its own (a fresh app)."""
    done = subprocess.run([sys.executable, "-m", "bench.page_timing", url, str(PAGE_REPEATS)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _time_pages(urls: dict[str, str]) -> dict[str, dict]:
    """Each database's page times, rounds alternating between them; samples pooled."""
    pooled = {label: {"times_ms": {}, "request_table_reads": 0} for label in urls}
    for _ in range(PAGE_ROUNDS):
        for label, url in urls.items():
            measured = _time_pages_in_child(url)
            pooled[label]["measure"] = measured["measure"]
            pooled[label]["statements"] = measured["statements"]
            pooled[label]["request_table_reads"] += measured["request_table_reads"]
            for page, samples in measured["times_ms"].items():
                pooled[label]["times_ms"].setdefault(page, []).extend(samples)
    return pooled


def _changed_records(path) -> list[dict]:
    """The ``CHANGED`` most recently created requests of the export, as the portal would send
    them after a night of work: status now resolved, in SODA's field names, each with its
    ``:updated_at``."""
    import pandas as pd

    newest = None
    for chunk in pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=500_000):
        chunk = chunk.assign(_day=pd.to_datetime(chunk["CREATION DATE"], format="%m/%d/%Y"))
        newest = pd.concat([newest, chunk]).nlargest(CHANGED, "_day") if newest is not None \
            else chunk.nlargest(CHANGED, "_day")
    records = []
    for number, row in enumerate(newest.drop(columns="_day").to_dict("records")):
        record = {name.lower().replace(" ", "_"): value for name, value in row.items() if value}
        record["status"] = "RESOL"
        record[":id"] = f"row-bench-{number}"
        record[":updated_at"] = f"2026-11-28T06:{number // 60 % 60:02d}:{number % 60:02d}.000Z"
        records.append(record)
    return records


def run(context) -> ScenarioResult:
    from kcstat_dash.db import db
    from kcstat_dash.migrate import upgrade
    from kcstat_dash.services.measures import recompute_311_measures, sync_catalog
    from kcstat_dash.services.requests_import import read_311_file
    from kcstat_dash.services.socrata_import import DATASETS
    from kcstat_dash.services.socrata_sync import sync_dataset

    result = ScenarioResult("g", "(g) citywide scale")
    if not context.scale:
        result.skipped = "run with --scale, e.g. --scale 1.5M"
        return result
    path = scale_file(context.scale)
    rows = rows_in(path)
    thinned = thinned_file(context.scale, sample_size())
    sample_rows = rows_in(thinned)
    small = _sample_database(context.server_url, thinned)
    database = BenchDatabase.create(context.server_url, "scale")
    try:
        upgrade(database.url)
        db.configure(database.url)
        with db.transaction() as session:
            sync_catalog(session)
        child = _import_in_child(database.url, path)
        db.configure(database.url)
        started = time.perf_counter()
        with db.transaction() as session:
            recompute_311_measures(session)
        full_recompute = time.perf_counter() - started

        records = _changed_records(path)
        portal = ReplayedPortal(records, list(DATASETS["7at3-sxhp"].required) + ["nbh_id"])
        started = time.perf_counter()
        synced = sync_dataset(db, "7at3-sxhp", client=portal)
        sync_seconds = time.perf_counter() - started
        db.engine.dispose()
        pages = _time_pages({"small": small.url, "large": database.url})

        db.configure(database.url)
        parsed = read_311_file(path)
        bulk = _time_bulk_load(db, parsed, foreign_key=True)
        bulk_without_key = _time_bulk_load(db, parsed, foreign_key=False)
        del parsed
        db.engine.dispose()
    finally:
        database.drop()
        small.drop()
    ratio = child["seconds"] / bulk
    peak_mb = child["maxrss_kb"] / 1024
    result.add(f"requests in the replayed export (bench only; {rows:,} rows)",
               f"{child['rows']:,} stored")
    result.add("database's own bulk load of the same rows (same keys, indexes and foreign key)",
               f"{bulk:.1f} s ({rows / bulk:,.0f} rows/s)")
    result.add("import: parse, check, store, recompute (kcstat import-311)",
               f"{child['seconds']:.1f} s ({rows / child['seconds']:,.0f} rows/s)")
    result.add("import ÷ bulk load", f"{ratio:.1f}×", f"≤ {IMPORT_TARGET:.0f}×",
               ratio <= IMPORT_TARGET)
    result.add("the same bulk load without the foreign key to the import run (for comparison)",
               f"{bulk_without_key:.1f} s: import ÷ it {child['seconds'] / bulk_without_key:.1f}×")
    result.add("import's peak resident memory", f"{peak_mb:,.0f} MB",
               f"< {MEMORY_TARGET_MB:,} MB", peak_mb < MEMORY_TARGET_MB)
    result.add("full recompute of every 311 measure", f"{full_recompute:.1f} s")
    months = f"{synced.months_touched} month" + ("" if synced.months_touched == 1 else "s")
    result.add(f"sync of {CHANGED:,} changed requests (store, recompute of {months} touched)",
               f"{sync_seconds:.2f} s")
    share = sync_seconds / full_recompute
    result.add("sync ÷ full recompute", f"{share:.1%}", f"< {SYNC_TARGET:.0%}",
               share < SYNC_TARGET)
    measure = pages["large"]["measure"]
    for page in pages["small"]["times_ms"]:
        p50_small = statistics.median(pages["small"]["times_ms"][page])
        p50_large = statistics.median(pages["large"]["times_ms"][page])
        result.add(f"{page}: p50 at {sample_rows:,} / at {rows:,} requests",
                   f"{p50_small:.0f} / {p50_large:.0f} ms")
        result.add(f"{page}: SQL statements a render sends, at {sample_rows:,} / at {rows:,}",
                   f"{pages['small']['statements'][page]} / {pages['large']['statements'][page]}")
        result.add(f"{page}: p50 at citywide scale ÷ at the sample's",
                   f"{p50_large / p50_small:.2f}×", f"≤ {PAGE_TARGET}×",
                   p50_large / p50_small <= PAGE_TARGET)
    reads = pages["small"]["request_table_reads"] + pages["large"]["request_table_reads"]
    result.add("statements reading the request table while the pages were timed", f"{reads}",
               "0", reads == 0)
    result.method = (
        "The export is the bundled 45,584 real requests replayed with new CASE IDs, each "
        "replay moved to other neighborhoods of the city, so that it holds all 240 named in "
        "the boundary file (bench/scale.py; labelled bench-only, never loaded as product "
        "data), one gzipped CSV like a whole-city download. The import is `import_311_paths` (what "
        "`kcstat import-311 --citywide` calls) into a fresh migrated database, in a process of "
        "its own whose peak resident set (`ru_maxrss`) is reported. The bulk load is the same "
        "rows, already parsed and hashed, with their import run, loaded by the database itself "
        "into a table made identical to `service_request` (PostgreSQL `CREATE TABLE … (LIKE … "
        "INCLUDING ALL)` plus its foreign key to `import_run`, and `COPY`; SQLite the same "
        "CREATE TABLE and indexes and one `executemany`), in one transaction; it is timed "
        "again without the foreign key, for comparison. The sync is `sync_dataset` with "
        "data.kcmo.org replaced at the network edge by the 2,000 most recently created "
        "requests marked resolved, in SODA's shape; "
        "it is compared with `recompute_311_measures` on the same database in the same run. "
        f"The pages (`/measures/{measure}`, the 311 measure with the most periods, and the "
        "overview, each as the POST Dash Pages makes to draw it, and "
        f"`/api/measures/{measure}/observations`) are timed in-process through Flask's test "
        "client (server time only: no network, no browser), after the sync, against the "
        "citywide database and against a second database holding the same city at the "
        f"sample's size ({sample_rows:,} requests, every k-th of the export: all its "
        "neighborhoods and months) "
        f"imported the same way; {PAGE_ROUNDS} rounds alternate the two, each "
        f"a fresh process with {PAGE_REPEATS} timed requests per page after 3 untimed, and "
        "p50 is over the pooled samples. Every SQL statement the app sends meanwhile is "
        "watched for the request table.")
    result.details.append(f"sync: {synced}")
    parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.details.append(f"the bench's own process peaked at {parent_mb:,.0f} MB (it holds the "
                          "parsed rows for the bulk load; the import's figure is its own process)")
    return result

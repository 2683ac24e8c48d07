"""(e) The 311 import of the bundled sample, against pandas.read_csv of the same files."""

from __future__ import annotations

import statistics
import time

import pandas as pd

from bench.database import BenchDatabase
from bench.findings import ScenarioResult

TARGET_RATIO = 3.0


def _time_read_csv(files) -> float:
    started = time.perf_counter()
    rows = sum(len(pd.read_csv(path, low_memory=False)) for path in files)
    assert rows > 0
    return time.perf_counter() - started


def _time_import(server_url: str | None, files) -> tuple[float, int]:
    """One import into a fresh migrated database, as ``kcstat import-311`` does it."""
    from kcstat_dash.extensions import db
    from kcstat_dash.migrate import upgrade
    from kcstat_dash.services.data_load import import_311_paths
    from kcstat_dash.services.measures import sync_catalog

    database = BenchDatabase.create(server_url, "import")
    try:
        upgrade(database.url)
        db.configure(database.url)
        with db.transaction() as session:
            sync_catalog(session)
        started = time.perf_counter()
        report = import_311_paths(db, files)
        seconds = time.perf_counter() - started
        if report.errors:
            raise RuntimeError(f"the sample did not import: {report.errors}")
        rows = sum(s.rows_added for s in report.imported)
        db.engine.dispose()
    finally:
        database.drop()
    return seconds, rows


def run(context) -> ScenarioResult:
    from kcstat_dash.sample_data import KC311_FILES

    result = ScenarioResult("e", "(e) 311 import")
    repeats = context.repeats
    read_csv = [_time_read_csv(KC311_FILES) for _ in range(repeats)]
    imports = [_time_import(context.server_url, KC311_FILES) for _ in range(repeats)]
    best_read = min(read_csv)
    best_import = min(seconds for seconds, _ in imports)
    rows = imports[0][1]
    ratio = best_import / best_read
    result.add("pandas.read_csv of the 12 files", f"{best_read:.2f} s")
    result.add(f"import ({rows:,} requests, stored and measures recomputed)",
               f"{best_import:.2f} s")
    result.add("import ÷ read_csv", f"{ratio:.1f}×", f"≤ {TARGET_RATIO:.0f}×",
               ratio <= TARGET_RATIO)
    result.method = (
        f"Best of {repeats} runs each. The import is `import_311_paths` (what `kcstat import-311` "
        "calls) into a fresh migrated database on the same server: every file read, validated "
        "and stored in its own transaction, then the measures recomputed. `read_csv` only reads "
        "the same gzipped files into data frames.")
    median = statistics.median(seconds for seconds, _ in imports)
    result.details.append(
        "runs: read_csv " + ", ".join(f"{s:.2f}" for s in read_csv) + " s; import "
        + ", ".join(f"{s:.2f}" for s, _ in imports) + f" s (median {median:.2f} s)")
    return result

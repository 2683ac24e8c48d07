"""(e) The 311 import of the bundled sample, against pandas.read_csv of the same files."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import pandas as pd

from bench.database import BenchDatabase
from bench.findings import ScenarioResult

TARGET_RATIO = 3.0


def _time_read_csv(files) -> float:
    started = time.perf_counter()
    rows = sum(len(pd.read_csv(path, low_memory=False)) for path in files)
    assert rows > 0
    return time.perf_counter() - started


@dataclass
class ImportTiming:
    """One import into a fresh database, and the same run's parts timed on their own."""

    total: float
    rows: int
    reading: float  # every file read, validated and parsed, nothing written
    recompute: float  # the measures recomputed once more from the stored requests

    @property
    def storing(self) -> float:
        """What is left of the import: the writes and commits of the requests."""
        return max(self.total - self.reading - self.recompute, 0.0)


def _time_import(server_url: str | None, files) -> ImportTiming:
    """One import into a fresh migrated database, as ``kcstat import-311`` does it."""
    from kcstat_dash.db import db
    from kcstat_dash.migrate import upgrade
    from kcstat_dash.services.data_load import import_311_paths
    from kcstat_dash.services.measures import recompute_311_measures, sync_catalog
    from kcstat_dash.services.requests_import import read_311_file

    database = BenchDatabase.create(server_url, "import")
    try:
        upgrade(database.url)
        db.configure(database.url)
        with db.transaction() as session:
            sync_catalog(session)
        started = time.perf_counter()
        report = import_311_paths(db, files)
        total = time.perf_counter() - started
        if report.errors:
            raise RuntimeError(f"the sample did not import: {report.errors}")
        rows = sum(s.rows_added for s in report.imported)
        started = time.perf_counter()
        for path in files:
            read_311_file(path)
        reading = time.perf_counter() - started
        started = time.perf_counter()
        with db.transaction() as session:
            recompute_311_measures(session)
        recompute = time.perf_counter() - started
        db.engine.dispose()
    finally:
        database.drop()
    return ImportTiming(total, rows, reading, recompute)


def run(context) -> ScenarioResult:
    from kcstat_dash.sample_data import KC311_FILES

    result = ScenarioResult("e", "(e) 311 import")
    repeats = context.repeats
    read_csv = [_time_read_csv(KC311_FILES) for _ in range(repeats)]
    imports = [_time_import(context.server_url, KC311_FILES) for _ in range(repeats)]
    best_read = min(read_csv)
    best = min(imports, key=lambda timing: timing.total)
    ratio = best.total / best_read
    result.add("pandas.read_csv of the 12 files", f"{best_read:.2f} s")
    result.add(f"import ({best.rows:,} requests, stored and measures recomputed)",
               f"{best.total:.2f} s")
    result.add("import ÷ read_csv", f"{ratio:.1f}×", f"≤ {TARGET_RATIO:.0f}×",
               ratio <= TARGET_RATIO)
    # Where the import's time goes, each part timed on its own in the same runs (best of each):
    # what reading and recomputing cost alone bounds how close to read_csv the import can come.
    reading = min(timing.reading for timing in imports)
    recompute = min(timing.recompute for timing in imports)
    storing = min(timing.storing for timing in imports)
    for label, seconds in (("of which reading, checking and parsing the files", reading),
                           ("of which storing the requests (the rest)", storing),
                           ("of which recomputing the measures", recompute)):
        result.add(label, f"{seconds:.2f} s ({seconds / best_read:.1f}× read_csv)")
    result.method = (
        f"Best of {repeats} runs each. The import is `import_311_paths` (what `kcstat import-311` "
        "calls) into a fresh migrated database on the same server: every file read, validated "
        "and stored in its own transaction, then the measures recomputed. `read_csv` only reads "
        "the same gzipped files into data frames. After each import, reading (`read_311_file` of "
        "every file, nothing written) and the recompute (`recompute_311_measures` once more) are "
        "timed alone; storing is what remains of the import's time.")
    median = statistics.median(timing.total for timing in imports)
    result.details.append(
        "runs: read_csv " + ", ".join(f"{s:.2f}" for s in read_csv) + " s; import "
        + ", ".join(f"{timing.total:.2f}" for timing in imports) + f" s (median {median:.2f} s)")
    return result

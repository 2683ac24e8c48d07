"""Loading data as the CLI and the demo do: each file whole or not at all, then recompute."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kcstat_dash.db import Database
from kcstat_dash.sample_data import KC311_FILES, PUBLISHED_FIGURES
from kcstat_dash.services.figures_import import import_figures
from kcstat_dash.services.measures import recompute_311_measures, sync_catalog
from kcstat_dash.services.meetings import seed_demo_meetings
from kcstat_dash.services.requests_import import ImportFileError, ImportSummary, import_311_file


@dataclass
class LoadReport:
    imported: list[ImportSummary] = field(default_factory=list)
    errors: list[ImportFileError] = field(default_factory=list)
    observations: int = 0
    meetings: int = 0


def import_311_paths(db: Database, paths: Iterable[str | Path], progress=None,
                     citywide: bool = False) -> LoadReport:
    """Import the files and recompute the measures as one unit of work.

    A bad file is refused whole before any of it is written (``read_311_file`` checks it all
    first), and the others still import. Storing and recomputing commit together, so a kill or
    a failure at any moment leaves the database as it was: never an import recorded as
    finished beside measures that do not include it. ``citywide``: the files are a whole-city
    export, not a sample of neighborhoods.
    """
    report = LoadReport()
    with db.transaction() as session:
        for path in paths:
            try:
                report.imported.append(import_311_file(session, path, progress, citywide))
            except ImportFileError as error:  # raised before the file wrote anything
                report.errors.append(error)
        if report.imported:
            report.observations = recompute_311_measures(session)
    return report


def load_sample(db: Database, progress=None) -> LoadReport:
    """The embedded default: 311 requests, published figures, and a year of meetings."""
    with db.transaction() as session:
        sync_catalog(session)
        import_figures(session, PUBLISHED_FIGURES)
    report = import_311_paths(db, KC311_FILES, progress)
    report.meetings = load_demo_meetings(db)
    return report


def load_demo_meetings(db: Database) -> int:
    """A year of scheduled meetings and one live one; adds nothing if meetings exist already."""
    with db.transaction() as session:
        return seed_demo_meetings(session)

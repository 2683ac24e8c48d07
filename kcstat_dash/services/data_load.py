"""Loading data as the CLI and the demo do: each file whole or not at all, then recompute."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sodapy import Socrata

from kcstat_dash.db import Database
from kcstat_dash.sample_data import (
    FBI_UCR_ANNUAL,
    KC311_FILES,
    KCPD_ANNUAL,
    KCPD_MONTHLY_BY_CATEGORY,
    KCPD_MONTHLY_BY_NEIGHBORHOOD,
    PUBLISHED_FIGURES,
    RESIDENT_SURVEY,
    RESIDENT_SURVEY_BY_DISTRICT,
)
from kcstat_dash.services.figures_import import import_figures
from kcstat_dash.services.kcpd_import import import_kcpd_file, read_kcpd_table, store_reports
from kcstat_dash.services.measures import recompute_311_measures, sync_areas, sync_catalog
from kcstat_dash.services.meetings import seed_demo_meetings
from kcstat_dash.services.public_safety import (
    load_kcpd_aggregates,
    load_ucr,
    recompute_kcpd_measures,
)
from kcstat_dash.services.requests_import import ImportFileError, ImportSummary, import_311_file
from kcstat_dash.services.resident_survey import load_resident_survey
from kcstat_dash.services.socrata_import import DOMAIN, PAGE_SIZE


@dataclass
class LoadReport:
    imported: list[ImportSummary] = field(default_factory=list)
    errors: list[ImportFileError] = field(default_factory=list)
    observations: int = 0
    meetings: int = 0


def import_311_paths(db: Database, paths: Iterable[str | Path], progress=None,
                     citywide: bool = False) -> LoadReport:
    """Import the files and recompute the measures as one unit of work.

    A bad file is refused whole and the others still import. Files are stored a chunk at a
    time (``import_311_file``); a file found bad after some of it was stored sends the whole
    unit back, and it runs again without that file. Storing and recomputing commit together,
    so a kill or a failure at any moment leaves the database as it was: never an import
    recorded as finished beside measures that do not include it. ``citywide``: the files are a
    whole-city export, not a sample of neighborhoods.
    """
    paths = list(paths)
    refused: dict[int, ImportFileError] = {}
    while True:
        report = LoadReport()
        try:
            with db.transaction() as session:
                for index, path in enumerate(paths):
                    if index in refused:
                        continue
                    try:
                        report.imported.append(import_311_file(session, path, progress,
                                                               citywide))
                    except ImportFileError as error:
                        refused[index] = error
                        if error.wrote:  # part of it is in this transaction: start again
                            raise _StartAgain from error
                if report.imported:
                    report.observations = recompute_311_measures(session)
        except _StartAgain:
            continue
        report.errors = [refused[i] for i in sorted(refused)]
        return report


class _StartAgain(Exception):
    """A file turned out bad after part of it was stored; the unit is rolled back."""


def import_kcpd_paths(db: Database, paths: Iterable[str | Path]) -> LoadReport:
    """Import KCPD table files and recompute the KCPD measures as one unit of work, as
    ``import_311_paths`` does: a bad file is refused whole before it writes (``read_kcpd_file``
    reads it all first) and the others still import."""
    report = LoadReport()
    with db.transaction() as session:
        for path in paths:
            try:
                report.imported.append(import_kcpd_file(session, path))
            except ImportFileError as error:  # raised before the file wrote anything
                report.errors.append(error)
        if report.imported:
            report.observations = recompute_kcpd_measures(session, sync_areas(session))
    return report


def import_kcpd_tables(db: Database, table_ids: Iterable[str], app_token: str | None = None,
                       client: Socrata | None = None, page_size: int = PAGE_SIZE) -> LoadReport:
    """Fetch every yearly table through SODA whole, then store them and recompute as one unit;
    a failed fetch raises ``SocrataImportError`` before anything is stored."""
    report = LoadReport()
    own_client = client is None
    client = client or Socrata(DOMAIN, app_token, timeout=60)
    try:
        fetched = [(table_id.strip().lower(), read_kcpd_table(client, table_id,
                                                               page_size=page_size))
                   for table_id in table_ids]
    finally:
        if own_client:
            client.close()
    with db.transaction() as session:
        for table_id, parsed in fetched:
            report.imported.append(store_reports(session, parsed, f"{DOMAIN}/{table_id}",
                                                 "kcpd-socrata"))
        if report.imported:
            report.observations = recompute_kcpd_measures(session, sync_areas(session))
    return report


def load_bundled_areas(db: Database) -> int:
    """The bundled police, FBI and resident-survey figures (what Public Safety, Finance and
    Economic Development measure in the demo); returns the observations written."""
    with db.transaction() as session:
        areas = sync_areas(session)
        return (load_kcpd_aggregates(session, areas, KCPD_MONTHLY_BY_CATEGORY, KCPD_ANNUAL,
                                     KCPD_MONTHLY_BY_NEIGHBORHOOD)
                + load_ucr(session, areas, FBI_UCR_ANNUAL)
                + load_resident_survey(session, areas, RESIDENT_SURVEY,
                                       RESIDENT_SURVEY_BY_DISTRICT))


def load_sample(db: Database, progress=None) -> LoadReport:
    """The embedded default: 311 requests, published figures, police reports, the resident
    survey, and a year of meetings."""
    with db.transaction() as session:
        sync_catalog(session)
        import_figures(session, PUBLISHED_FIGURES)
    load_bundled_areas(db)
    report = import_311_paths(db, KC311_FILES, progress)
    report.meetings = load_demo_meetings(db)
    return report


def load_demo_meetings(db: Database) -> int:
    """A year of scheduled meetings and one live one; adds nothing if meetings exist already."""
    with db.transaction() as session:
        return seed_demo_meetings(session)

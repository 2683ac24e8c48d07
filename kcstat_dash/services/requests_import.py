"""Imports the city's 311 exports (legacy 7at3-sxhp and current d4px-6rwg) idempotently."""

from __future__ import annotations

import csv
import gzip
import io
import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from kcstat_dash.models import ImportRun, utcnow
from kcstat_dash.services.coverage import describe_import
from kcstat_dash.services.request_columns import RowError
from kcstat_dash.services.request_records import ParsedRequests
from kcstat_dash.services.requests_parse import LEGACY_REQUIRED, parser_for
from kcstat_dash.services.requests_store import upsert_requests


class ImportFileError(ValueError):
    """A file that is not a 311 export, or a row that cannot be read; names file and line."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line = path, line
        where = f"{path}, line {line}" if line else path
        super().__init__(f"{where}: {message}")


@dataclass
class ImportSummary:
    source: str
    rows_read: int = 0
    rows_added: int = 0
    rows_updated: int = 0
    run_id: int | None = None  # the ImportRun that recorded it

    def __str__(self) -> str:
        return (f"{self.source}: {self.rows_read} rows read, {self.rows_added} added, "
                f"{self.rows_updated} updated")


# --- Reading files ------------------------------------------------------------------------


def _gzipped(path: Path) -> bool:
    return path.suffix == ".gz"


def _open_text(path: Path) -> io.TextIOBase:
    if _gzipped(path):
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def _read_table(path: Path) -> pd.DataFrame:
    """Every field of the export as text ("" where empty), quoted line breaks and all."""
    with warnings.catch_warnings():
        # A first row longer than the header is only a warning to pandas (it drops the
        # surplus); like any longer row it means a broken file.
        warnings.simplefilter("error", pd.errors.ParserWarning)
        table = pd.read_csv(path, dtype=str, na_filter=False, index_col=False,
                            encoding="utf-8-sig",
                            compression="gzip" if _gzipped(path) else None)
    table.columns = [str(name).strip() for name in table.columns]
    return table


# pandas reports neither which line a row came from nor, reliably, where it stopped reading;
# these walk the file again with the csv module, only once a file has already been refused.


def _line_of_row(path: Path, table: pd.DataFrame, row: int) -> int | None:
    """The line on which the table's row ends in the file, as ``csv`` counts lines.

    The row is found by its fields: pandas skips blank lines that ``csv`` returns, so counting
    rows could drift, and an earlier row with the very same fields would have been refused first.
    """
    wanted = list(table.iloc[row])
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for fields in reader:
            if fields + [""] * (len(wanted) - len(fields)) == wanted:
                return reader.line_num
    return None


def _line_of_long_row(path: Path) -> int | None:
    """The line on which the first row with more fields than the header ends, if any."""
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        width = len(next(reader, []))
        for fields in reader:
            if len(fields) > width:
                return reader.line_num
    return None


def _unreadable(path: Path, label: str, exc: Exception) -> ImportFileError:
    try:
        line = _line_of_long_row(path)
    except csv.Error as csv_exc:
        return ImportFileError(label, None, f"not readable as CSV ({csv_exc})")
    if line is not None:
        return ImportFileError(label, line, "the row has more fields than the header")
    return ImportFileError(label, None, f"not readable as CSV ({' '.join(str(exc).split())})")


def _check_rows(path: Path, label: str) -> None:
    """Refuse a file with a NUL character or a row of the wrong width, naming its line.

    pandas fills a short row with empty fields and ends a file cut inside a quoted field as it
    can, so a truncated download would import its last row half-empty; and a NUL byte stores
    on SQLite but fails on PostgreSQL. So every row is counted here, on both databases alike.
    """
    with _open_text(path) as handle:
        text = handle.read()
    nul = text.find("\x00")
    if nul >= 0:
        raise ImportFileError(label, text.count("\n", 0, nul) + 1,
                              "the file contains a NUL character (is it damaged?)")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        width = len(next(reader, []))
        for fields in reader:
            if fields and len(fields) > width:
                raise ImportFileError(label, reader.line_num,
                                      "the row has more fields than the header")
            if fields and len(fields) < width:
                raise ImportFileError(label, reader.line_num,
                                      f"the row has {len(fields)} fields where the header has "
                                      f"{width}: the file may have been cut off")
    except csv.Error as exc:
        raise ImportFileError(label, reader.line_num,
                              f"not readable as CSV ({exc}): the file may have been cut off"
                              ) from exc


def read_311_file(path: str | Path) -> ParsedRequests:
    """Every row of one export, parsed; raises ``ImportFileError`` naming file and line."""
    path = Path(path)
    label = path.name
    try:
        _check_rows(path, label)
        table = _read_table(path)
    except pd.errors.EmptyDataError:
        table = pd.DataFrame()
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise _unreadable(path, label, exc) from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(label, None, "not a text (UTF-8) CSV file") from exc
    except FileNotFoundError as exc:
        raise ImportFileError(label, None, "no such file") from exc
    except (OSError, EOFError) as exc:
        raise ImportFileError(label, None, f"cannot be read ({exc})") from exc
    header = list(table.columns)
    parse = parser_for(header)
    if parse is None:
        missing = [c for c in LEGACY_REQUIRED if c not in header]
        raise ImportFileError(label, 1, "not a Kansas City 311 export: the header lacks "
                              + ", ".join(missing))
    try:
        parsed = parse(table)
    except RowError as exc:
        raise ImportFileError(label, _line_of_row(path, table, exc.row), str(exc)) from exc
    if not len(parsed):
        raise ImportFileError(label, None, "the export has no rows")
    return parsed


# --- Storing ------------------------------------------------------------------------------


def import_records(session: Session, parsed: ParsedRequests, source: str, kind: str,
                   progress=None, citywide: bool = False,
                   asked_through: date | None = None) -> ImportSummary:
    """Store parsed requests as one import run, inside the caller's transaction.

    ``citywide``: the records are a whole-city extract (not a neighborhood sample);
    ``asked_through``: the last day the source was asked for, when it is not the last day seen.
    """
    run = ImportRun(kind=kind, source=source, rows_read=len(parsed))
    describe_import(run, parsed.columns["created_at"], parsed.columns["nbh_id"],
                    parsed.columns["neighborhood"], citywide, asked_through)
    session.add(run)
    session.flush()
    run.rows_added, run.rows_updated = upsert_requests(session, parsed, run.id)
    if progress is not None:
        progress.update(len(parsed))
    run.finished_at = utcnow()
    return ImportSummary(source, len(parsed), run.rows_added, run.rows_updated, run.id)


def import_311_file(session: Session, path: str | Path, progress=None,
                    citywide: bool = False) -> ImportSummary:
    """Read and store one export; a bad file raises before anything is written.

    ``citywide`` says the file is a whole-city export; without it the data is described by the
    neighborhoods it holds, as a sample.
    """
    parsed = read_311_file(path)
    if progress is not None:
        progress.reset(total=len(parsed))
        progress.set_description(Path(path).name)
    return import_records(session, parsed, Path(path).name, "311-csv", progress, citywide)

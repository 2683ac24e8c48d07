"""Imports the city's 311 exports (legacy 7at3-sxhp and current d4px-6rwg) idempotently."""

from __future__ import annotations

import csv
import gzip
import io
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from kcstat_dash.models import ImportRun, utcnow
from kcstat_dash.services.coverage import describe_import, names_from_counts
from kcstat_dash.services.request_columns import RowError
from kcstat_dash.services.request_records import ParsedRequests
from kcstat_dash.services.requests_parse import LEGACY_REQUIRED, parser_for
from kcstat_dash.services.requests_store import RequestStore

# Rows read, parsed and stored at a time: about 100 MB at the peak for the city's exports.
CHUNK_ROWS = 100_000


class ImportFileError(ValueError):
    """A file that is not a 311 export, or a row that cannot be read; names file and line."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line = path, line
        self.wrote = False  # set when part of the file had been stored before the fault
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


def _lines_without_nul(handle, label: str):
    """The file's lines, refusing the first that holds a NUL (line numbers as csv counts)."""
    for number, line in enumerate(handle, start=1):
        if "\x00" in line:
            raise ImportFileError(label, number,
                                  "the file contains a NUL character (is it damaged?)")
        yield line


def _check_rows(path: Path, label: str) -> tuple[list[str], int]:
    """Refuse a file with a NUL character or a row of the wrong width, naming its line; return
    its header and how many rows it has. The file is streamed: memory holds one row at a time.

    pandas fills a short row with empty fields and ends a file cut inside a quoted field as it
    can, so a truncated download would import its last row half-empty; and a NUL byte stores
    on SQLite but fails on PostgreSQL. So every row is counted here, on both databases alike.
    """
    rows = 0
    with _open_text(path) as handle:
        reader = csv.reader(_lines_without_nul(handle, label), strict=True)
        try:
            header = [name.strip() for name in next(reader, [])]
            width = len(header)
            for fields in reader:
                if not fields:
                    continue
                if len(fields) > width:
                    raise ImportFileError(label, reader.line_num,
                                          "the row has more fields than the header")
                if len(fields) < width:
                    raise ImportFileError(label, reader.line_num,
                                          f"the row has {len(fields)} fields where the header "
                                          f"has {width}: the file may have been cut off")
                rows += 1
        except csv.Error as exc:
            raise ImportFileError(label, reader.line_num,
                                  f"not readable as CSV ({exc}): the file may have been cut off"
                                  ) from exc
    return header, rows


def _read_chunks(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """The export's rows as tables of at most ``chunk_rows``, every field as text ("" where
    empty), quoted line breaks and all."""
    with warnings.catch_warnings():
        # A first row longer than the header is only a warning to pandas (it drops the
        # surplus); like any longer row it means a broken file.
        warnings.simplefilter("error", pd.errors.ParserWarning)
        reader = pd.read_csv(path, dtype=str, na_filter=False, index_col=False,
                             encoding="utf-8-sig", chunksize=chunk_rows,
                             compression="gzip" if _gzipped(path) else None)
        with reader:
            for table in reader:
                table.columns = [str(name).strip() for name in table.columns]
                yield table


def iter_311_file(path: str | Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[ParsedRequests]:
    """The rows of one export, parsed, ``chunk_rows`` at a time; raises ``ImportFileError``
    naming file and line. The whole file is checked for its structure (every row's width, no
    NUL) before the first chunk is given, so a cut-off download writes nothing; a value that
    cannot be parsed is found in its chunk."""
    path = Path(path)
    label = path.name
    try:
        header, rows = _check_rows(path, label)
        parse = parser_for(header)
        if parse is None:
            missing = [c for c in LEGACY_REQUIRED if c not in header]
            raise ImportFileError(label, 1, "not a Kansas City 311 export: the header lacks "
                                  + ", ".join(missing))
        if not rows:
            raise ImportFileError(label, None, "the export has no rows")
        for table in _read_chunks(path, chunk_rows):
            try:
                yield parse(table)
            except RowError as exc:
                raise ImportFileError(label, _line_of_row(path, table, exc.row), str(exc)) \
                    from exc
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise _unreadable(path, label, exc) from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(label, None, "not a text (UTF-8) CSV file") from exc
    except FileNotFoundError as exc:
        raise ImportFileError(label, None, "no such file") from exc
    except (OSError, EOFError) as exc:
        raise ImportFileError(label, None, f"cannot be read ({exc})") from exc


def read_311_file(path: str | Path) -> ParsedRequests:
    """Every row of one export, parsed, in memory at once (small files, tests and the bench);
    raises ``ImportFileError`` naming file and line."""
    return ParsedRequests.concat(iter_311_file(path))


# --- Storing ------------------------------------------------------------------------------


class _Coverage:
    """What an import covers, gathered chunk by chunk: its first and last creation times and
    each (neighborhood id, name) pair with how many requests carry it."""

    def __init__(self) -> None:
        self.extremes: list[np.datetime64] = []
        self.pairs: Counter = Counter()

    def add(self, parsed: ParsedRequests) -> None:
        created = pd.Series(parsed.columns["created_at"]).dropna()
        if len(created):
            self.extremes += [created.min().to_datetime64(), created.max().to_datetime64()]
        pairs = pd.DataFrame({"id": pd.Series(parsed.columns["nbh_id"], dtype=object),
                              "name": pd.Series(parsed.columns["neighborhood"], dtype=object)})
        self.pairs.update(pairs.groupby(["id", "name"], dropna=False).size().to_dict())

    def describe(self, run: ImportRun, citywide: bool, asked_through: date | None) -> None:
        count = len(names_from_counts((i, n, c) for (i, n), c in self.pairs.items()))
        describe_import(run, np.array(self.extremes, dtype="datetime64[us]"), count, citywide,
                        asked_through)


def import_records(session: Session, parsed: ParsedRequests | Iterable[ParsedRequests],
                   source: str, kind: str, progress=None, citywide: bool = False,
                   asked_through: date | None = None) -> ImportSummary:
    """Store parsed requests (all at once, or chunk by chunk as they are read) as one import
    run, inside the caller's transaction.

    ``citywide``: the records are a whole-city extract (not a neighborhood sample);
    ``asked_through``: the last day the source was asked for, when it is not the last day seen.
    An ``ImportFileError`` raised while the chunks are read says whether this import had
    written anything (``wrote``): if so, the caller's transaction must be rolled back.
    """
    chunks = [parsed] if isinstance(parsed, ParsedRequests) else parsed
    run = ImportRun(kind=kind, source=source, rows_read=0, rows_added=0, rows_updated=0)
    covered = _Coverage()
    store = None
    try:
        for chunk in chunks:
            if store is None:
                session.add(run)
                session.flush()
                store = RequestStore(session, run.id)
            added, updated = store.store(chunk)
            run.rows_read += len(chunk)
            run.rows_added += added
            run.rows_updated += updated
            covered.add(chunk)
            if progress is not None:
                progress.update(len(chunk))
        if store is not None:
            store.close()
    except BaseException as error:
        if store is not None:
            store.abandon(error)
        if isinstance(error, ImportFileError):
            error.wrote = run.id is not None
        raise
    if run.id is None:
        session.add(run)
    covered.describe(run, citywide, asked_through)
    run.finished_at = utcnow()
    session.flush()
    return ImportSummary(source, run.rows_read, run.rows_added, run.rows_updated, run.id)


def import_311_file(session: Session, path: str | Path, progress=None,
                    citywide: bool = False, chunk_rows: int | None = None) -> ImportSummary:
    """Read and store one export, a chunk at a time, so memory holds one chunk however large
    the file. A file whose structure is broken (a cut-off download, a NUL, a row of the wrong
    width) or whose header is not a 311 export raises before anything is written; a value that
    cannot be parsed raises in its chunk, with ``wrote`` set when earlier chunks were stored.

    ``citywide`` says the file is a whole-city export; without it the data is described by the
    neighborhoods it holds, as a sample.
    """
    if progress is not None:
        progress.set_description(Path(path).name)
    return import_records(session, iter_311_file(path, chunk_rows or CHUNK_ROWS), Path(path).name,
                          "311-csv",
                          progress, citywide)

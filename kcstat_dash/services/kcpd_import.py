"""Imports KCPD Crime Data tables (data.kcmo.org, one table a year) as reports, all or nothing.

The city's tables hold one row per person involved in a report (victim, suspect, arrestee);
the measures count reports, so rows are de-duplicated by Report_No. Each report keeps only
what the measures need: its number, reported date (binned by month, in Kansas City time), its
NIBRS "crimes against" category (``services.nibrs``) and whether it has a location. Race, sex,
age, names and addresses are never read into a report, let alone stored.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sodapy import Socrata
from sqlalchemy import select
from sqlalchemy.orm import Session

from kcstat_dash.models import CrimeReport, ImportRun, utcnow
from kcstat_dash.services import nibrs
from kcstat_dash.services.requests_import import ImportFileError, ImportSummary
from kcstat_dash.services.socrata_import import DOMAIN, PAGE_SIZE, SocrataImportError, fetch_pages

# Column names differ between years ("Zip Code", "Zip_Code"; "Fire Arm Used Flag"), and SODA
# serves them in lower case with underscores: names compare by letters and digits only.
REPORT_NO, REPORTED_DATE, IBRS, LOCATION = "reportno", "reporteddate", "ibrs", "location"
REQUIRED = (REPORT_NO, REPORTED_DATE, IBRS)
REQUIRED_NAMES = {REPORT_NO: "Report_No", REPORTED_DATE: "Reported_Date", IBRS: "IBRS"}
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y")
COORDINATE = re.compile(r"-?\d{1,3}\.\d+")
TABLE_ID = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}$")


def column_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


@dataclass
class ParsedReports:
    """Reports by number, each from all of its rows: the earliest reported date, the codes of
    its offenses and whether any row placed it."""

    rows_read: int = 0
    dates: dict[str, date] = field(default_factory=dict)
    codes: dict[str, set] = field(default_factory=dict)
    located: dict[str, bool] = field(default_factory=dict)

    def add(self, report_no: str, reported: date, code: str | None, has_location: bool) -> None:
        self.rows_read += 1
        known = self.dates.get(report_no)
        self.dates[report_no] = reported if known is None else min(known, reported)
        self.codes.setdefault(report_no, set()).add(nibrs.normalise_code(code))
        self.located[report_no] = self.located.get(report_no, False) or has_location

    def merge(self, other: ParsedReports) -> None:
        self.rows_read += other.rows_read
        for number, reported in other.dates.items():
            known = self.dates.get(number)
            self.dates[number] = reported if known is None else min(known, reported)
            self.codes.setdefault(number, set()).update(other.codes[number])
            self.located[number] = self.located.get(number, False) or other.located[number]

    def __len__(self) -> int:
        return len(self.dates)

    def records(self) -> list[dict]:
        return [{"report_no": number, "reported_date": reported.isoformat(),
                 "period": reported.strftime("%Y-%m"),
                 "ibrs": _first_code(self.codes[number]),
                 "category": nibrs.report_category(self.codes[number]),
                 "has_location": self.located[number]}
                for number, reported in self.dates.items()]


def _first_code(codes: set) -> str | None:
    """The code a report is filed under: the one deciding its category (then the lowest)."""
    category = nibrs.report_category(codes)
    matching = sorted(c for c in codes if c and nibrs.category_of(c) == category)
    return matching[0] if matching else None


class RowProblem(ValueError):
    """A row that cannot be read; the caller names where it is."""


def parse_date(text) -> date:
    """The reported date. The portal's dates are Kansas City's own calendar days (SODA sends
    them as floating timestamps, ``2023-01-01T00:00:00.000``), so they are binned as given,
    never shifted from UTC."""
    value = str(text or "").strip()
    if not value:
        raise RowProblem("Reported_Date is empty")
    head = value[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", value) else value.split(" ")[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(head, pattern).date()
        except ValueError:
            continue
    raise RowProblem(f"Reported_Date {value[:40]!r} is not a date (MM/DD/YYYY or YYYY-MM-DD)")


def has_location(value) -> bool:
    """Whether a Location field places the report: a point with non-zero coordinates (the CSV's
    ``POINT (-94.5 39.1)`` or ``… (39.1, -94.5)``, or SODA's point object)."""
    if isinstance(value, dict):
        coordinates = value.get("coordinates") or [value.get("longitude"), value.get("latitude")]
        numbers = [c for c in coordinates if c not in (None, "")]
    else:
        numbers = COORDINATE.findall(str(value or ""))
    try:
        return len(numbers) >= 2 and all(float(n) != 0.0 for n in numbers[:2])
    except (TypeError, ValueError):
        return False


def _check_header(names: Iterable[str], label: str) -> dict[str, str]:
    """The header's names for the columns read, by key; refuses a file that lacks one."""
    by_key = {column_key(name): name for name in names}
    missing = [REQUIRED_NAMES[k] for k in REQUIRED if k not in by_key]
    if missing:
        raise ImportFileError(label, 1, "not a KCPD Crime Data table: the header lacks "
                              + ", ".join(missing))
    return by_key


def _add_row(parsed: ParsedReports, row: dict, columns: dict[str, str]) -> None:
    number = str(row.get(columns[REPORT_NO]) or "").strip()
    if not number:
        raise RowProblem("Report_No is empty")
    if len(number) > 40:
        raise RowProblem("Report_No is longer than 40 characters")
    location = row.get(columns[LOCATION]) if LOCATION in columns else None
    parsed.add(number, parse_date(row.get(columns[REPORTED_DATE])), row.get(columns[IBRS]),
               has_location(location))


def _open(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def read_kcpd_file(path: str | Path) -> ParsedReports:
    """Every row of one yearly table as reports; ``ImportFileError`` names file and line."""
    path = Path(path)
    label = path.name
    parsed = ParsedReports()
    try:
        with _open(path) as handle:
            reader = csv.DictReader(handle)
            columns = _check_header(reader.fieldnames or [], label)
            width = len(reader.fieldnames or [])
            for row in reader:
                if None in row:  # csv puts a long row's surplus under the key None
                    raise ImportFileError(label, reader.line_num,
                                          f"the row has more fields than the header's {width}")
                try:
                    _add_row(parsed, row, columns)
                except RowProblem as exc:
                    raise ImportFileError(label, reader.line_num, str(exc)) from exc
    except FileNotFoundError as exc:
        raise ImportFileError(label, None, "no such file") from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(label, None, "not a text (UTF-8) CSV file") from exc
    except csv.Error as exc:
        raise ImportFileError(label, None, f"not readable as CSV ({exc})") from exc
    except (OSError, EOFError) as exc:
        raise ImportFileError(label, None, f"cannot be read ({exc})") from exc
    if not parsed.rows_read:
        raise ImportFileError(label, None, "the table has no rows")
    return parsed


def read_kcpd_table(client: Socrata, table_id: str, where: str | None = None,
                    page_size: int = PAGE_SIZE) -> ParsedReports:
    """Every record of one yearly table through SODA; ``SocrataImportError`` names the record."""
    table_id = table_id.strip().lower()
    if not TABLE_ID.match(table_id):
        raise SocrataImportError(f"{table_id!r} is not a data.kcmo.org table id (like abcd-1234)")
    parsed = ParsedReports()
    columns = None
    for offset, page in fetch_pages(client, table_id, where, page_size):
        for index, record in enumerate(page):
            where_label = f"{table_id}, record {offset + index + 1}"
            if columns is None:
                try:
                    # SODA leaves empty fields out of a record, so only the first record's
                    # required fields are checked as a header would be.
                    columns = _check_header(list(record), table_id)
                except ImportFileError as exc:
                    raise SocrataImportError(str(exc)) from exc
            keyed = {column_key(k): v for k, v in record.items()}
            try:
                _add_row(parsed, keyed, {k: k for k in (*REQUIRED, LOCATION)})
            except RowProblem as exc:
                raise SocrataImportError(f"{where_label}: {exc}") from exc
    if not parsed.rows_read:
        raise SocrataImportError(f"{DOMAIN}/{table_id} sent no records")
    return parsed


def store_reports(session: Session, parsed: ParsedReports, source: str, kind: str) -> ImportSummary:
    """Add or update each report (by number) as one import run, in the caller's transaction."""
    run = ImportRun(kind=kind, source=source, rows_read=parsed.rows_read, citywide=True)
    records = parsed.records()
    if records:
        days = sorted(r["reported_date"] for r in records)
        run.covers_from, run.covers_through = days[0], days[-1]
    session.add(run)
    session.flush()
    numbers = [r["report_no"] for r in records]
    existing: dict[str, CrimeReport] = {}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start:start + 500]
        existing.update({r.report_no: r for r in session.scalars(
            select(CrimeReport).where(CrimeReport.report_no.in_(chunk)))})
    new = []
    for record in records:
        report = existing.get(record["report_no"])
        if report is None:
            new.append({**record, "source_table": source[:40], "import_run_id": run.id})
            continue
        changed = any(getattr(report, k) != v for k, v in record.items())
        if changed:
            for name, value in record.items():
                setattr(report, name, value)
            report.import_run_id = run.id
            run.rows_updated += 1
    if new:
        session.execute(CrimeReport.__table__.insert(), new)
    run.rows_added = len(new)
    run.finished_at = utcnow()
    session.flush()
    return ImportSummary(source, parsed.rows_read, run.rows_added, run.rows_updated)


def import_kcpd_file(session: Session, path: str | Path) -> ImportSummary:
    """Read and store one table; a bad file raises before anything is written."""
    parsed = read_kcpd_file(path)
    return store_reports(session, parsed, Path(path).name, "kcpd-csv")

"""Imports the city's 311 exports (legacy 7at3-sxhp and current d4px-6rwg) idempotently."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kcstat_dash.models import ImportRun, ServiceRequest, utcnow
from kcstat_dash.services.neighborhoods import canonical_name
from kcstat_dash.timezone import local_to_utc

LEGACY_DATASET = "7at3-sxhp"
CURRENT_DATASET = "d4px-6rwg"
LEGACY_REQUIRED = ("CASE ID", "CREATION DATE", "STATUS", "CATEGORY", "TYPE")
CURRENT_REQUIRED = ("open_date_time", "current_status")
# The current dataset has named its id column several ways; the live SODA API serves the case
# number in ``reported_issue`` (and the work order in ``workorder_``), so that comes last.
CURRENT_ID_FIELDS = ("case_id", "reported_issue_id", "id", "reported_issue")
BATCH = 2000


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

    def __str__(self) -> str:
        return (f"{self.source}: {self.rows_read} rows read, {self.rows_added} added, "
                f"{self.rows_updated} updated")


# --- Field parsing ------------------------------------------------------------------------


def _text(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _code(value) -> str | None:
    """Codes the export writes as floats ("64108.0", "3.0") back to their written form."""
    value = _text(value)
    if value and value.endswith(".0") and value[:-2].isdigit():
        return value[:-2]
    return value


def _number(value) -> float | None:
    value = _text(value)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _flag(value) -> str | None:
    value = (_text(value) or "").upper()[:1]
    return value if value in ("Y", "N") else None


# An export repeats the same few thousand dates and clock times across tens of thousands of
# rows, and strptime is the import's slowest step: each distinct text is parsed once per process.
# (datetimes are immutable, so sharing one between rows is safe.)
@lru_cache(maxsize=65536)
def _parse_day(text: str) -> datetime | None:
    for fmt in ("%m/%d/%Y", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


@lru_cache(maxsize=4096)
def _parse_clock(text: str) -> tuple[int, int] | None:
    try:
        clock = datetime.strptime(text.upper(), "%I:%M %p")
    except ValueError:
        return None
    return clock.hour, clock.minute


def _day(text: str, field_name: str) -> datetime:
    """A date as the CSV export writes it (MM/DD/YYYY) or as SODA serves it (ISO timestamp)."""
    day = _parse_day(text)
    if day is None:
        raise ValueError(f"{field_name} {text!r} is not MM/DD/YYYY")
    return day


def _month(moment: datetime) -> str:
    """``YYYY-MM`` (as ``strftime("%Y-%m")``, which costs a locale lookup per call)."""
    return f"{moment.year:04d}-{moment.month:02d}"


# Neighborhood names repeat on almost every row; the repair is a pure function of the name.
_neighborhood = lru_cache(maxsize=4096)(canonical_name)


def _legacy_created(date_text: str | None, time_text: str | None) -> datetime:
    if not date_text:
        raise ValueError("CREATION DATE is empty")
    day = _day(date_text, "CREATION DATE")
    clock = _parse_clock(time_text) if time_text else None
    # A missing or odd time still leaves the date, which is what measures use.
    return day.replace(hour=clock[0], minute=clock[1]) if clock else day


def _closed_day(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return _day(text, "CLOSED DATE").date().isoformat()
    except ValueError:
        return None


def parse_legacy_row(row: dict) -> dict:
    """One row of the 2007–2021 export (``7at3-sxhp``) as ``ServiceRequest`` fields."""
    case_id = _code(row.get("CASE ID"))
    if not case_id:
        raise ValueError("CASE ID is empty")
    local_created = _legacy_created(_text(row.get("CREATION DATE")), _text(row.get("CREATION TIME")))
    return {
        "case_id": case_id,
        "dataset": LEGACY_DATASET,
        "source": _text(row.get("SOURCE")),
        "department": _text(row.get("DEPARTMENT")),
        "work_group": _text(row.get("WORK GROUP")),
        "request_type": _text(row.get("REQUEST TYPE")),
        "category": _text(row.get("CATEGORY")),
        "type": _text(row.get("TYPE")),
        "detail": _text(row.get("DETAIL")),
        "created_at": local_to_utc(local_created),
        "period": _month(local_created),
        "status": (_text(row.get("STATUS")) or "").upper() or None,
        "exceeded_timeframe": _flag(row.get("EXCEEDED EST TIMEFRAME")),
        "closed_date": _closed_day(_text(row.get("CLOSED DATE"))),
        "days_to_close": _number(row.get("DAYS TO CLOSE")),
        "street_address": _text(row.get("STREET ADDRESS")),
        "zip_code": _code(row.get("ZIP CODE")),
        "neighborhood": _neighborhood(row.get("NEIGHBORHOOD")),
        "nbh_id": _code(row.get("nbh_id")),
        "council_district": _code(row.get("COUNCIL DISTRICT")),
        "police_district": _text(row.get("POLICE DISTRICT")),
        "latitude": _number(row.get("LATITUDE")),
        "longitude": _number(row.get("LONGITUDE")),
        "case_url": _text(row.get("CASE URL")),
    }


# The current dataset's statuses are mixed case and spelled out; measures use the legacy codes.
CURRENT_STATUS_CODES = {"resolved": "RESOL", "closed": "RESOL", "open": "OPEN", "new": "OPEN",
                        "received": "OPEN", "canceled": "CANC", "cancelled": "CANC",
                        "duplicate": "DUP", "assigned": "ASSIG", "in progress": "ASSIG",
                        "referred": "ASSIG", "active": "ASSIG"}


def _current_created(text: str | None) -> datetime:
    if not text:
        raise ValueError("open_date_time is empty")
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y %I:%M:%S %p",
                "%m/%d/%Y %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(f"open_date_time {text!r} is not a date and time")


def _lat_long(value) -> tuple[float | None, float | None]:
    """SODA gives a point as {"latitude": ..} or GeoJSON; the CSV export as "(lat, lon)"."""
    if isinstance(value, dict):
        if "coordinates" in value:
            lon, lat = value["coordinates"][:2]
            return float(lat), float(lon)
        return _number(value.get("latitude")), _number(value.get("longitude"))
    text = _text(value)
    if text and "(" in text:
        inner = text[text.rindex("(") + 1 : text.rindex(")")]
        if inner.upper().startswith("POINT"):
            return None, None
        parts = [p.strip() for p in inner.split(",")]
        if len(parts) == 2:
            return _number(parts[0]), _number(parts[1])
    if text and text.upper().startswith("POINT"):
        lon, lat = text[text.index("(") + 1 : text.index(")")].split()
        return _number(lat), _number(lon)
    return None, None


def parse_current_row(row: dict) -> dict:
    """One record of the March 2021 onward dataset (``d4px-6rwg``) as ``ServiceRequest`` fields."""
    id_field = next((f for f in CURRENT_ID_FIELDS if _code(row.get(f))), None)
    if id_field is None:
        raise ValueError("case_id is empty")
    case_id = _code(row.get(id_field))
    local_created = _current_created(_text(row.get("open_date_time")))
    status_text = (_text(row.get("current_status")) or "").lower()
    latitude, longitude = _lat_long(row.get("lat_long"))
    resolved = _text(row.get("resolved_date"))
    resolved_day = None
    days_to_close = _number(row.get("days_to_close"))
    if resolved:
        try:
            resolved_day = _current_created(resolved)
        except ValueError:
            resolved_day = None
    if days_to_close is None and resolved_day is not None:
        days_to_close = float((resolved_day.date() - local_created.date()).days)
    return {
        "case_id": case_id,
        "dataset": CURRENT_DATASET,
        "source": _text(row.get("report_source")),
        "department": _text(row.get("department")),
        "work_group": _text(row.get("department_work_group")),
        # ``reported_issue`` names the issue only where another field carries the case number.
        "request_type": _text(row.get("reported_issue")) if id_field != "reported_issue" else None,
        "category": _text(row.get("issue_type")),
        "type": _text(row.get("issue_sub_type")),
        "detail": _text(row.get("issue_detail")),
        "created_at": local_to_utc(local_created),
        "period": _month(local_created),
        "status": CURRENT_STATUS_CODES.get(status_text, status_text.upper() or None),
        "exceeded_timeframe": _flag(row.get("exceeded_est_timeframe")),
        "closed_date": resolved_day.date().isoformat() if resolved_day else None,
        "days_to_close": days_to_close,
        "street_address": _text(row.get("incident_address")),
        "zip_code": _code(row.get("zip_code")),
        "neighborhood": _neighborhood(row.get("neighborhood")),
        "nbh_id": None,
        "council_district": _code(row.get("council_district")),
        "police_district": _text(row.get("police_district")),
        "latitude": latitude,
        "longitude": longitude,
        "case_url": None,
    }


def row_hash(record: dict) -> str:
    """A digest of the normalised row, to tell a changed row from an unchanged one on re-import.

    The values in the parser's field order, as text: exact for the str, float, None and datetime
    values records hold, and several times cheaper than JSON (or repr) of the sorted items.
    """
    return hashlib.sha256("\x1f".join(map(str, record.values())).encode()).hexdigest()


# --- Reading files ------------------------------------------------------------------------


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def read_311_file(path: str | Path) -> list[dict]:
    """Every row of one export, parsed; raises ``ImportFileError`` naming file and line."""
    path = Path(path)
    label = path.name
    try:
        with _open_text(path) as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in (reader.fieldnames or [])]
            reader.fieldnames = header
            if all(c in header for c in LEGACY_REQUIRED):
                parse = parse_legacy_row
            elif all(c in header for c in CURRENT_REQUIRED) and any(
                    c in header for c in CURRENT_ID_FIELDS):
                parse = parse_current_row
            else:
                missing = [c for c in LEGACY_REQUIRED if c not in header]
                raise ImportFileError(label, 1, "not a Kansas City 311 export: the header lacks "
                                      + ", ".join(missing))
            records = []
            for row in reader:
                if None in row:  # csv puts surplus fields under the key None
                    raise ImportFileError(label, reader.line_num,
                                          "the row has more fields than the header")
                try:
                    records.append(parse(row))
                except ValueError as exc:
                    raise ImportFileError(label, reader.line_num, str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(label, None, "not a text (UTF-8) CSV file") from exc
    except csv.Error as exc:
        raise ImportFileError(label, None, f"not readable as CSV ({exc})") from exc
    except (OSError, EOFError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise ImportFileError(label, None, "no such file") from exc
        raise ImportFileError(label, None, f"cannot be read ({exc})") from exc
    if not records:
        raise ImportFileError(label, None, "the export has no rows")
    return records


# --- Writing ------------------------------------------------------------------------------


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def upsert_requests(session: Session, records: Iterable[dict], run: ImportRun,
                    progress=None) -> tuple[int, int]:
    """Insert new cases and update changed ones by CASE ID; unchanged rows are left alone."""
    latest: dict[str, dict] = {}
    for record in records:  # a case listed twice in one file: the later row wins
        latest[record["case_id"]] = record
    added = updated = 0
    for batch in _chunks(list(latest.values()), BATCH):
        ids = [r["case_id"] for r in batch]
        existing = {case_id: (row_id, digest) for case_id, row_id, digest in session.execute(
            select(ServiceRequest.case_id, ServiceRequest.id, ServiceRequest.row_hash)
            .where(ServiceRequest.case_id.in_(ids)))}
        inserts, updates = [], []
        for record in batch:
            digest = row_hash(record)
            if record["case_id"] not in existing:
                inserts.append({**record, "row_hash": digest, "import_run_id": run.id})
            elif existing[record["case_id"]][1] != digest:
                updates.append({**record, "id": existing[record["case_id"]][0], "row_hash": digest,
                                "import_run_id": run.id})
        if inserts:
            session.execute(ServiceRequest.__table__.insert(), inserts)
        if updates:
            session.execute(update(ServiceRequest), updates)
        added += len(inserts)
        updated += len(updates)
        if progress is not None:
            progress.update(len(batch))
    return added, updated


def import_records(session: Session, records: list[dict], source: str, kind: str,
                   progress=None) -> ImportSummary:
    """Store parsed records as one import run, inside the caller's transaction."""
    run = ImportRun(kind=kind, source=source, rows_read=len(records))
    session.add(run)
    session.flush()
    run.rows_added, run.rows_updated = upsert_requests(session, records, run, progress)
    run.finished_at = utcnow()
    return ImportSummary(source, len(records), run.rows_added, run.rows_updated)


def import_311_file(session: Session, path: str | Path, progress=None) -> ImportSummary:
    """Read and store one export; a bad file raises before anything is written."""
    records = read_311_file(path)
    if progress is not None:
        progress.reset(total=len(records))
        progress.set_description(Path(path).name)
    return import_records(session, records, Path(path).name, "311-csv", progress)

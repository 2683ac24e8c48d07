"""Writing rows as CSV or Excel cells safely: text that a spreadsheet would run is defused."""

from __future__ import annotations

import csv
import io

# A cell starting with one of these is a formula to Excel and LibreOffice ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Numbers and empty cells as they are; text that would start a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(columns: list[str], rows: list[dict]) -> str:
    """A CSV document (header row first) with every text cell made safe."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore",
                            lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: safe_cell(row.get(c)) for c in columns})
    return buffer.getvalue()

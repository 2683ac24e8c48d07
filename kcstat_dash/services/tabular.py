"""Writing rows as CSV or Excel cells safely: text that a spreadsheet would run is defused."""

from __future__ import annotations

import csv
import io

# A cell starting with one of these is a formula to Excel and LibreOffice ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@")
# Spreadsheets skip leading blanks and line breaks when they look for a formula (" =1+1",
# "\n@SUM(A1)"), and a leading tab or carriage return is itself a known trigger.
BLANK_STARTS = ("\t", "\r", "\n")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula, blanks before it and all."""
    return text.startswith(BLANK_STARTS) or text.lstrip().startswith(FORMULA_STARTS)


def safe_cell(value):
    """Numbers and empty cells as they are; text that could start a formula gets a leading '.

    The one rule for every CSV the app writes (exports, packets, the audit log).
    """
    if isinstance(value, str) and is_formula_like(value):
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

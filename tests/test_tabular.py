"""Spreadsheet safety: every CSV the app writes defuses text a spreadsheet would run."""

from __future__ import annotations

import csv
import io

import pytest

from kcstat_dash.services import audit
from kcstat_dash.services.tabular import csv_text

# What a spreadsheet would run: a formula sign, after any blanks or line breaks it skips.
FORMULA_LIKE = ["=1+1", "+1", "-1", "@SUM(A1)", " =1+1", "  +cmd", "\n=HYPERLINK(\"x\")",
                "\r\n-2+3", "\t=1", " \t@A1", "\u00a0=1+1", "\u3000=1", "\t", "\r"]
PLAIN = ["why 1+1=2?", "pothole = late", "a-b", "", "mail@example.org", "1.5", "Ana"]


def _read_back(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("value", FORMULA_LIKE)
def test_formula_like_text_gets_a_leading_quote(value):
    [row] = _read_back(csv_text(["text"], [{"text": value}]))
    assert row["text"] == "'" + value


@pytest.mark.parametrize("value", PLAIN)
def test_ordinary_text_is_written_as_it_is(value):
    [row] = _read_back(csv_text(["text"], [{"text": value}]))
    assert row["text"] == value


@pytest.mark.parametrize("value", [" =1+1", "\n@SUM(A1)", "=1+1"])
def test_the_audit_csv_defuses_the_same_cells(session, value):
    audit.record(session, None, "test.entry", "question", value, None, None)
    session.commit()
    [row] = _read_back(audit.export_csv(session))
    assert row["entity_id"] == "'" + value

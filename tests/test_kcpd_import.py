"""``kcstat import-kcpd``: KCPD Crime Data tables (one row per person involved) become reports.

Checked against pandas over the fixture files, written from the issue's words: one report per
Report_No, binned by month of Reported_Date, its IBRS code filed under the FBI's "crimes
against" category (persons before property before society when a report has several; blank or
local codes are "other"), all or nothing per file, and no race, sex or age stored.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import responses
from responses import matchers
from sodapy import Socrata
from sqlalchemy import func, inspect, select

from kcstat_dash.db import db
from kcstat_dash.models import CrimeReport
from kcstat_dash.services import measures, nibrs
from kcstat_dash.services.data_load import import_kcpd_paths, import_kcpd_tables
from kcstat_dash.services.kcpd_import import read_kcpd_file
from kcstat_dash.services.requests_import import ImportFileError
from kcstat_dash.services.socrata_import import SocrataImportError
from tests.conftest import DATA_DIR

KCPD = DATA_DIR / "kcpd"
GOOD = [KCPD / "kcpd_2019_small.csv", KCPD / "kcpd_2018_small.csv"]
# The fixture's codes, filed as the FBI's NIBRS offense list files them.
AGAINST = {"13A": "persons", "13B": "persons", "120": "property", "220": "property",
           "23F": "property", "240": "property", "290": "property", "35A": "society",
           "520": "society"}
ORDER = ["persons", "property", "society", "other"]


def expected_reports(paths) -> pd.DataFrame:
    rows = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths])
    rows["category"] = rows["IBRS"].str.strip().str.upper().map(AGAINST).fillna("other")
    rows["rank"] = rows["category"].map(ORDER.index)
    rows["date"] = pd.to_datetime(rows["Reported_Date"], format="%m/%d/%Y")
    rows["located"] = rows["Location"].str.contains(r"[1-9]", regex=True)
    reports = rows.groupby("Report_No").agg(rank=("rank", "min"), date=("date", "min"),
                                            located=("located", "any"))
    reports["category"] = reports["rank"].map(lambda r: ORDER[r])
    reports["period"] = reports["date"].dt.strftime("%Y-%m")
    return reports


def test_rows_become_reports_with_their_category():
    parsed = read_kcpd_file(GOOD[0])
    expected = expected_reports(GOOD[:1])
    assert parsed.rows_read == 14 and len(parsed) == len(expected) == 8
    got = {r["report_no"]: r for r in parsed.records()}
    for number, row in expected.iterrows():
        assert got[number]["category"] == row["category"], number
        assert got[number]["period"] == row["period"], number
        assert got[number]["has_location"] == row["located"], number
    assert got["KC19002003"]["ibrs"] == "13A"  # robbery and assault: counted under persons
    assert got["KC19002004"]["category"] == nibrs.OTHER  # 90Z may be against anyone
    assert got["KC19002005"]["has_location"] is False  # POINT (0 0) places nothing


@pytest.mark.parametrize("code,category", [("09A", "persons"), ("11D", "persons"),
                                           ("23H", "property"), ("26F", "property"),
                                           ("35B", "society"), ("90D", "society"),
                                           ("09C", "other"), ("90Z", "other"), ("", "other"),
                                           (None, "other"), ("LOC1", "other")])
def test_nibrs_categories(code, category):
    assert nibrs.category_of(code) == category


def test_import_counts_reports_by_month_and_category(session):
    report = import_kcpd_paths(db, GOOD)
    assert not report.errors
    expected = expected_reports(GOOD)
    assert session.scalar(select(func.count(CrimeReport.id))) == len(expected) == 10
    for category, slug in (("persons", "kcpd-crimes-against-persons"),
                           ("property", "kcpd-crimes-against-property"),
                           ("society", "kcpd-crimes-against-society"),
                           ("other", "kcpd-reports-uncategorised")):
        points = measures.observation_points(measures.get_measure(session, slug))
        counts = expected[expected["category"] == category].groupby("period").size()
        got = {p["period"]: (p["value"], p["n"]) for p in points if p["value"]}
        assert got == {k: (float(v), int(v)) for k, v in counts.items()}, slug
    month = expected.groupby("period")["located"].mean()
    persons = measures.observation_points(measures.get_measure(session,
                                                               "kcpd-crimes-against-persons"))
    assert {p["period"]: p["coverage_share"] for p in persons} == pytest.approx(month.to_dict())
    # The data runs to 15 March 2019: March and 2019 are partial, never judged.
    assert [p["period"] for p in persons if p["partial"]] == ["2019-03"]
    yearly = measures.observation_points(measures.get_measure(session, "kcpd-reported-incidents"))
    assert [(p["period"], p["n"], p["partial"]) for p in yearly] == [
        ("2018", 2, False), ("2019", 8, True)]
    # Across the 2019 records-system break no change is claimed.
    assert yearly[1]["change"] == "across-break"


def test_nothing_of_race_sex_or_age_is_stored(session):
    columns = {c["name"] for c in inspect(session.get_bind()).get_columns("crime_report")}
    assert not columns & {"race", "sex", "age", "address", "involvement"}


def test_a_bad_file_is_refused_whole_naming_file_and_line(session):
    report = import_kcpd_paths(db, [KCPD / "kcpd_bad_date.csv", GOOD[0]])
    assert [str(e) for e in report.errors] == [
        "kcpd_bad_date.csv, line 4: Reported_Date '13/45/2019' is not a date "
        "(MM/DD/YYYY or YYYY-MM-DD)"]
    numbers = set(session.scalars(select(CrimeReport.report_no)))
    assert not any(n.startswith("KC190090") for n in numbers)
    assert len(numbers) == 8  # the good file still imported


def test_a_file_that_is_not_a_kcpd_table_is_refused():
    with pytest.raises(ImportFileError, match=r"kcpd_no_ibrs.csv, line 1: .*lacks IBRS"):
        read_kcpd_file(KCPD / "kcpd_no_ibrs.csv")


def test_reimport_is_idempotent(session):
    import_kcpd_paths(db, GOOD)
    again = import_kcpd_paths(db, GOOD)
    assert [(s.rows_added, s.rows_updated) for s in again.imported] == [(0, 0), (0, 0)]


def test_cli_import_kcpd(runner, database_url):
    result = runner.invoke(__import__("kcstat_dash.cli", fromlist=["main"]).main,
                           ["import-kcpd", *map(str, GOOD)])
    assert result.exit_code == 0, result.output
    assert "kcpd_2019_small.csv: 14 rows read, 8 added" in result.output
    bad = runner.invoke(__import__("kcstat_dash.cli", fromlist=["main"]).main,
                        ["import-kcpd", str(KCPD / "kcpd_bad_date.csv")])
    assert bad.exit_code == 1 and "line 4" in bad.output


TABLE_URL = "https://data.kcmo.org/resource/vsgj-uufz.json"


def _serve(offset: int, body, status: int = 200):
    responses.add(responses.GET, TABLE_URL, status=status, json=body,
                  match=[matchers.query_param_matcher(
                      {"$order": ":id", "$limit": "3", "$offset": str(offset)})])


@responses.activate
def test_socrata_table_import(session):
    _serve(0, json.loads((KCPD / "kcpd_table_page1.json").read_text()))
    _serve(3, json.loads((KCPD / "kcpd_table_page2.json").read_text()))
    report = import_kcpd_tables(db, ["vsgj-uufz"], client=Socrata("data.kcmo.org", None),
                                page_size=3)
    assert [(s.rows_read, s.rows_added) for s in report.imported] == [(4, 3)]
    got = {r.report_no: (r.period, r.category, r.has_location)
           for r in session.scalars(select(CrimeReport))}
    assert got == {"KC20000101": ("2020-01", "persons", True),
                   "KC20000102": ("2020-01", "property", False),
                   "KC20000103": ("2020-02", "other", True)}


@responses.activate
def test_socrata_failure_stores_nothing(session):
    _serve(0, json.loads((KCPD / "kcpd_table_page1.json").read_text()))
    _serve(3, {"error": "boom"}, status=500)
    with pytest.raises(SocrataImportError, match="refused"):
        import_kcpd_tables(db, ["vsgj-uufz"], client=Socrata("data.kcmo.org", None),
                           page_size=3)
    assert session.scalar(select(func.count(CrimeReport.id))) == 0


"""``kcstat import-socrata``: SODA pages replayed offline with ``responses``, both datasets.

The fixtures in tests/data/socrata are shaped like data.kcmo.org's SODA JSON: every value a
string, empty fields left out, a location column as an object, a url column as {"url": ...}.
The 7at3-sxhp pages hold real cases from tests/data/kc311_small.csv, so the import through SODA
can be checked against the CSV import of the very same cases.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
import responses
from responses import matchers
from sqlalchemy import func, select

from kcstat_dash.db import db
from kcstat_dash.models import ImportRun, Observation, ServiceRequest
from kcstat_dash.services import measures
from kcstat_dash.services.requests_import import read_311_file
from kcstat_dash.services.socrata_import import SocrataImportError, build_where, import_socrata
from tests.conftest import DATA_DIR

SODA = DATA_DIR / "socrata"
LEGACY_URL = "https://data.kcmo.org/resource/7at3-sxhp.json"
CURRENT_URL = "https://data.kcmo.org/resource/d4px-6rwg.json"


def _page(name: str) -> list[dict]:
    return json.loads((SODA / name).read_text())


def _serve(url: str, offset: int, limit: int, body, status: int = 200, where: str | None = None,
           content_type: str = "application/json;charset=utf-8"):
    params = {"$order": ":id", "$limit": str(limit), "$offset": str(offset)}
    if where:
        params["$where"] = where
    responses.add(responses.GET, url, status=status, content_type=content_type,
                  body=body if isinstance(body, str) else json.dumps(body),
                  match=[matchers.query_param_matcher(params)])


def _serve_legacy(limit: int = 3, where: str | None = None):
    _serve(LEGACY_URL, 0, limit, _page("7at3-sxhp_page1.json"), where=where)
    _serve(LEGACY_URL, limit, limit, _page("7at3-sxhp_page2.json"), where=where)


def _count(session, model=ServiceRequest) -> int:
    return session.scalar(select(func.count()).select_from(model))


COMPARED = ("dataset", "source", "department", "work_group", "request_type", "category", "type",
            "detail", "created_at", "period", "status", "exceeded_timeframe", "closed_date",
            "days_to_close", "street_address", "zip_code", "neighborhood", "council_district",
            "police_district", "latitude", "longitude", "case_url")


@responses.activate
def test_legacy_pages_store_the_same_cases_as_the_csv_export(session):
    _serve_legacy()
    summary, observations = import_socrata(db, "7at3-sxhp", page_size=3)
    records = _page("7at3-sxhp_page1.json") + _page("7at3-sxhp_page2.json")
    assert (summary.rows_read, summary.rows_added, summary.rows_updated) == (5, 5, 0)
    assert observations > 0
    # Two pages asked for, both under the stable order; the short second page ended the data.
    assert [c.request.params["$offset"] for c in responses.calls] == ["0", "3"]
    assert all(c.request.params["$order"] == ":id" for c in responses.calls)

    from_csv = {r["case_id"]: r for r in read_311_file(DATA_DIR / "kc311_small.csv").records()}
    stored = {r.case_id: r for r in session.scalars(select(ServiceRequest))}
    assert set(stored) == {r["case_id"] for r in records}
    for case_id, row in stored.items():
        expected = from_csv[case_id]
        assert {f: getattr(row, f) for f in COMPARED} == {f: expected[f] for f in COMPARED}, case_id
    # The city's mess is handled the same way: a missing flag stays missing, names are repaired.
    assert any(r.exceeded_timeframe is None for r in stored.values())
    assert "18th And Vine And Downtown East" in {r.neighborhood for r in stored.values()}
    run = session.scalar(select(ImportRun))
    assert (run.kind, run.source, run.rows_added) == ("socrata", "data.kcmo.org/7at3-sxhp", 5)


@responses.activate
def test_measures_are_recomputed_from_the_imported_records(session):
    _serve_legacy()
    import_socrata(db, "7at3-sxhp", page_size=3)
    records = _page("7at3-sxhp_page1.json") + _page("7at3-sxhp_page2.json")
    per_month = Counter(r["creation_date"][:7] for r in records)
    counted = {p["period"]: p["value"] for p in measures.observation_points(
        measures.get_measure(session, "311-requests"))}
    assert counted == {period: float(n) for period, n in per_month.items()}


@responses.activate
def test_current_dataset_pages_until_an_empty_page(session):
    page1, page2 = _page("d4px-6rwg_page1.json"), _page("d4px-6rwg_page2.json")
    _serve(CURRENT_URL, 0, 2, page1)
    _serve(CURRENT_URL, 2, 2, page2)
    _serve(CURRENT_URL, 4, 2, [])
    summary, _ = import_socrata(db, "d4px-6rwg", page_size=2)
    assert (summary.rows_read, summary.rows_added) == (4, 4)
    assert len(responses.calls) == 3
    stored = {r.case_id: r for r in session.scalars(select(ServiceRequest))}
    # The live API carries the case number in reported_issue.
    assert set(stored) == {r["reported_issue"] for r in page1 + page2}
    first = stored["2021012345"]
    assert (first.dataset, first.period, first.status, first.type, first.days_to_close) == (
        "d4px-6rwg", "2021-04", "RESOL", "Pothole", 3.0)
    assert (first.latitude, first.longitude) == (39.070964, -94.576283)
    # Mixed-case statuses map onto the legacy codes the measures use.
    assert stored["2021012346"].status == "RESOL"
    assert stored["2021012400"].status == "ASSIG"
    assert stored["2021012401"].status == "CANC"
    # A request opened late on the last evening of May belongs to May (local time).
    assert stored["2021012401"].period == "2021-05"


@responses.activate
def test_importing_the_same_pages_again_adds_nothing_and_a_changed_record_is_updated(session):
    _serve_legacy()
    _serve_legacy()
    import_socrata(db, "7at3-sxhp", page_size=3)
    again, _ = import_socrata(db, "7at3-sxhp", page_size=3)
    assert (again.rows_added, again.rows_updated) == (0, 0)

    changed = _page("7at3-sxhp_page1.json")
    changed[0]["status"] = "OPEN"
    _serve(LEGACY_URL, 0, 3, changed)
    _serve(LEGACY_URL, 3, 3, _page("7at3-sxhp_page2.json"))
    third, _ = import_socrata(db, "7at3-sxhp", page_size=3)
    assert (third.rows_added, third.rows_updated) == (0, 1)
    session.expire_all()
    assert session.scalar(select(ServiceRequest.status).where(
        ServiceRequest.case_id == changed[0]["case_id"])) == "OPEN"
    assert _count(session) == 5


@responses.activate
def test_an_http_error_on_a_later_page_stores_nothing(session):
    _serve(LEGACY_URL, 0, 3, _page("7at3-sxhp_page1.json"))
    _serve(LEGACY_URL, 3, 3, {"code": "query.soql.no-such-column", "error": True,
                              "message": "No such column: categroy"}, status=400)
    with pytest.raises(SocrataImportError) as caught:
        import_socrata(db, "7at3-sxhp", page_size=3)
    message = str(caught.value)
    assert "data.kcmo.org" in message and "7at3-sxhp" in message
    assert "400" in message and "No such column: categroy" in message
    assert (_count(session), _count(session, ImportRun), _count(session, Observation)) == (0, 0, 0)


@responses.activate
def test_a_page_that_is_not_json_stores_nothing(session):
    _serve(LEGACY_URL, 0, 3, _page("7at3-sxhp_page1.json"))
    _serve(LEGACY_URL, 3, 3, '[{"case_id": "2015020221", "creation_date": "2015-')
    with pytest.raises(SocrataImportError, match="not valid JSON"):
        import_socrata(db, "7at3-sxhp", page_size=3)
    assert (_count(session), _count(session, ImportRun)) == (0, 0)


@pytest.mark.parametrize("body, words", [
    ({"error": True, "message": "rate limited"}, "not a list of records"),
    ([{"case_id": "2019000001", "status": "OPEN"}], "record 1: CREATION DATE is empty"),
])
@responses.activate
def test_a_page_that_is_not_311_records_is_refused(session, body, words):
    _serve(LEGACY_URL, 0, 3, body)
    with pytest.raises(SocrataImportError, match=words):
        import_socrata(db, "7at3-sxhp", page_size=3)
    assert _count(session) == 0


def test_an_unknown_dataset_is_refused_before_any_request(session):
    with responses.RequestsMock() as mock:  # any request at all would fail the test
        with pytest.raises(SocrataImportError, match="7at3-sxhp or d4px-6rwg"):
            import_socrata(db, "abcd-1234")
        assert not mock.calls


def test_since_and_where_combine_on_each_dataset_date_field():
    assert build_where("7at3-sxhp", "category='Pothole'", date(2020, 1, 1)) == (
        "(category='Pothole') AND creation_date >= '2020-01-01T00:00:00'")
    assert build_where("d4px-6rwg", None, date(2021, 3, 4)) == (
        "open_date_time >= '2021-03-04T00:00:00'")
    assert build_where("d4px-6rwg", "  ", None) is None


# --- The command ---------------------------------------------------------------------------


@responses.activate
def test_cli_imports_with_where_since_and_the_app_token(runner, monkeypatch):
    from kcstat_dash.cli import main

    monkeypatch.setenv("SOCRATA_APP_TOKEN", "test-app-token")
    _serve_legacy(where="(type='Pothole') AND creation_date >= '2019-01-01T00:00:00'")
    result = runner.invoke(main, ["import-socrata", "7at3-sxhp", "--where", "type='Pothole'",
                                  "--since", "2019-01-01", "--page-size", "3"])
    assert result.exit_code == 0, result.output
    assert "5 rows read, 5 added, 0 updated" in result.output
    assert "Measures recomputed" in result.output
    assert responses.calls[0].request.headers["X-App-Token"] == "test-app-token"


@responses.activate
def test_cli_reports_a_refusal_and_exits_non_zero(runner, monkeypatch):
    from kcstat_dash.cli import main
    from kcstat_dash.services import socrata_import

    waits = []
    monkeypatch.setattr(socrata_import.time, "sleep", waits.append)
    _serve(LEGACY_URL, 0, 3, {"message": "Service unavailable"}, status=503)
    result = runner.invoke(main, ["import-socrata", "7at3-sxhp", "--page-size", "3"])
    # A busy portal is asked again, waiting longer each time, before the import gives up.
    assert len(responses.calls) == socrata_import.RETRIES + 1
    assert waits == sorted(waits) and len(waits) == socrata_import.RETRIES
    assert result.exit_code == 1
    assert "503 Server Error" in result.output
    assert "nothing imported" in result.output

"""A citation made before a change reads as changed, with the same differences, on every surface.

The surfaces: GET /api/citations/<id>, the /cite page, the packet page, the packet's CSV, XLSX
and JSON, and its print page. The expected words are the app's public words (the status labels
a resident sees, "Changed since it was cited"), and the expected numbers are worked out here from
the data, not taken from the code under test.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
from datetime import UTC, datetime

import pytest
from markupsafe import escape
from openpyxl import load_workbook

from callbacks import pages
from kcstat_dash.db import db
from kcstat_dash.models import Citation
from kcstat_dash.services import citations, measures, stewardship
from kcstat_dash.services.data_load import import_311_paths
from layouts import packet
from tests.conftest import SAMPLE_DIR
from tests.test_pages import find_class, text_of

SLUG, PERIOD = "pothole-on-time-rate", "2019-03"
CHANGED, SAME = "Changed since it was cited", "Still the same today"


def _cite(client, slug=SLUG, period=PERIOD) -> dict:
    response = client.post("/api/citations", json={"measure": slug, "period": period})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def _pothole_row_for(month_mm: str, year: str) -> dict:
    """A pothole request of the sample created in that month (to copy as a new request)."""
    with gzip.open(SAMPLE_DIR / "kc311_12_neighborhood.csv.gz", "rt", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = next(r for r in rows if r["TYPE"] == "Pothole"
                 and r["CREATION DATE"][:2] == month_mm and r["CREATION DATE"][6:] == year)
    return rows, found


# --- The three changes --------------------------------------------------------------------


def _change_target(client, made):
    """Lower the target under the cited value: a missed month now reads as met."""
    cited = made["snapshot"]["value"]
    assert cited < 80  # 29.3% against the catalog's 80%
    measures.set_target(db.session, measures.get_measure(db.session, SLUG), "2019-01", 25.0)
    db.session.commit()
    return [("target", "Target", "80%", "25%"),
            ("status", "Status", "Target missed", "Target met")]


def _revise_data(client, made, tmp_path):
    """The city's file comes again with one more March 2019 pothole request, closed on time."""
    rows, template = _pothole_row_for("03", "2019")
    extra = dict(template, **{"CASE ID": "2099000001", "STATUS": "RESOL",
                              "EXCEEDED EST TIMEFRAME": "N"})
    revised = tmp_path / "kc311_12_neighborhood_revised.csv"
    with open(revised, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows + [extra])
    report = import_311_paths(db, [revised])
    assert not report.errors and report.imported[0].rows_added == 1
    db.session.expire_all()
    n = made["snapshot"]["n"]
    on_time = round(made["snapshot"]["value"] * n / 100)  # whole requests closed on time
    then, now = on_time / n * 100, (on_time + 1) / (n + 1) * 100
    return [("value", "Value", f"{then:.1f}%", f"{now:.1f}%"),
            ("n", "n", f"{n} requests", f"{n + 1} requests")]


def _edit_narrative(client, made):
    """The analyst rewrites the month's narrative after it was cited."""
    stewardship.write_narrative(db.session, SLUG, PERIOD, "Crews were on snow duty.", None)
    db.session.commit()
    return [("narrative", "Narrative", "Wet spring; crews short.", "Crews were on snow duty.")]


@pytest.fixture
def narrated(app):
    stewardship.write_narrative(db.session, SLUG, PERIOD, "Wet spring; crews short.", None)
    db.session.commit()


# --- Reading each surface -----------------------------------------------------------------


def _api(client, citation_id):
    verification = client.get(f"/api/citations/{citation_id}").get_json()["verification"]
    return verification["label"], [(d["field"], d["label"], d["then"], d["now"])
                                   for d in verification["differences"]], verification["summary"]


def _page_rows(tree) -> list[tuple]:
    tables = find_class(tree, "verification-differences")
    assert len(tables) <= 1
    rows = []
    for row in find_class(tables, "difference"):
        field = next(c for c in row.className.split() if c.startswith("difference-"))
        rows.append((field.removeprefix("difference-"), *(text_of(cell) for cell in row.children)))
    return [r[:4] for r in rows]


def _cite_page(app, citation_id):
    with app.server.test_request_context():
        tree = pages.cite(citation_id=citation_id)
    return text_of(tree), _page_rows(tree)


def _packet_page(app, citation_id):
    # What the packet page's callback renders for a shared packet of this citation.
    with app.server.test_request_context():
        views = citations.packet_views(db.session, [citation_id], "http://localhost")
        tree = packet.packet_body(views, shared=True, base_url="http://localhost")
    return text_of(tree), _page_rows(tree)


def _csv_row(client, citation_id):
    body = client.get(f"/exports/packet.csv?ids={citation_id}").get_data(as_text=True)
    return next(csv.DictReader(io.StringIO(body)))


def _xlsx(client, citation_id):
    return load_workbook(io.BytesIO(client.get(f"/exports/packet.xlsx?ids={citation_id}").data))


def _sheet_rows(sheet) -> list[dict]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c.value for c in row), strict=True))
            for row in sheet.iter_rows(min_row=2)]


def _print_page(client, citation_id) -> str:
    return client.get(f"/packet/print?ids={citation_id}").get_data(as_text=True)


def _assert_changed_everywhere(app, client, citation_id, expected):
    fields = [e[0] for e in expected]

    label, differences, summary = _api(client, citation_id)
    assert label == CHANGED and SAME not in summary
    assert differences == expected

    for page, rows in (_cite_page(app, citation_id), _packet_page(app, citation_id)):
        assert CHANGED in page and SAME not in page
        assert rows == expected

    row = _csv_row(client, citation_id)
    assert (row["verification"], row["verification_label"]) == ("changed", CHANGED)
    for _, name, then, now in expected:
        assert f"{name}: {then} when cited, {now} now (" in row["differences"]

    book = _xlsx(client, citation_id)
    cited = _sheet_rows(book["Citations"])[0]
    assert (cited["verification"], cited["verification_label"]) == ("changed", CHANGED)
    assert [(r["field"], r["then"], r["now"]) for r in _sheet_rows(book["Differences"])] == [
        (name, then, now) for _, name, then, now in expected]
    assert all(r["why"] for r in _sheet_rows(book["Differences"]))

    packet_json = json.loads(client.get(f"/exports/packet.json?ids={citation_id}")
                             .get_data(as_text=True))
    verification = packet_json["citations"][0]["verification"]
    assert verification["label"] == CHANGED
    assert [d["field"] for d in verification["differences"]] == fields

    printed = _print_page(client, citation_id)
    assert f"Verification: {CHANGED}." in printed and SAME not in printed
    for field, name, then, now in expected:
        assert re.search(rf'<tr class="difference-{field}"><th scope="row">{re.escape(name)}</th>'
                         rf'\s*<td>{re.escape(str(escape(then)))}</td>'
                         rf'<td>{re.escape(str(escape(now)))}</td>', printed), field


def test_a_target_change_that_flips_missed_to_met_reads_as_changed_everywhere(app, client):
    made = _cite(client)
    assert made["verification"]["label"] == SAME
    expected = _change_target(client, made)
    _assert_changed_everywhere(app, client, made["id"], expected)


def test_a_data_revision_reads_as_changed_everywhere(app, client, tmp_path):
    made = _cite(client)
    expected = _revise_data(client, made, tmp_path)
    _assert_changed_everywhere(app, client, made["id"], expected)
    # The reason names the file the value was recomputed from.
    differences = client.get(f"/api/citations/{made['id']}").get_json()["verification"][
        "differences"]
    assert "kc311_12_neighborhood_revised.csv" in differences[0]["reason"]


def test_a_narrative_edit_reads_as_changed_everywhere(app, client, narrated):
    made = _cite(client)
    assert made["snapshot"]["narrative"] == "Wet spring; crews short."
    expected = _edit_narrative(client, made)
    _assert_changed_everywhere(app, client, made["id"], expected)


def test_unchanged_citation_reads_the_same_on_every_surface(app, client):
    made = _cite(client)
    assert _api(client, made["id"])[:2] == (SAME, [])
    assert SAME in _cite_page(app, made["id"])[0] and SAME in _packet_page(app, made["id"])[0]
    assert _csv_row(client, made["id"])["verification_label"] == SAME
    assert _sheet_rows(_xlsx(client, made["id"])["Differences"]) == []
    assert f"Verification: {SAME}." in _print_page(client, made["id"])


# --- What every surface tells beside the value --------------------------------------------


def test_every_surface_shows_n_data_through_completeness_coverage_and_publisher(app, client):
    made = _cite(client)
    snapshot = made["snapshot"]
    # The sample: 12 neighborhoods, data to 9 September 2020; 75 pothole requests with a known
    # outcome in March 2019 (worked out in tests/test_measures.py's independent computation).
    assert snapshot["n"] == 75 and snapshot["data_through"] == "2020-09-09"
    assert snapshot["coverage"]["scope"].startswith("12 of Kansas City's")
    assert not snapshot["coverage"]["citywide"]
    publisher = snapshot["publisher"]
    words = ["75 requests", "2020-09-09", snapshot["coverage"]["scope"], publisher]
    for page, _ in (_cite_page(app, made["id"]), _packet_page(app, made["id"])):
        for word in words:
            assert word in page
    row = _csv_row(client, made["id"])
    assert (row["n"], row["data_through"], row["scope"], row["publisher"]) == (
        "75", "2020-09-09", snapshot["coverage"]["scope"], publisher)
    assert (row["partial"], row["provisional"], row["status"], row["status_text"]) == (
        "False", "False", "missed", "Target missed")
    printed = _print_page(client, made["id"])
    for word in words:
        assert str(escape(word)) in printed


def test_citing_a_partial_month_records_it_as_partial_with_no_verdict(app, client):
    # The sample's data ends on 9 September 2020: September is partial.
    made = _cite(client, "311-on-time-rate", "2020-09")
    snapshot = made["snapshot"]
    assert snapshot["partial"] is True and snapshot["status"] == "partial"
    assert snapshot["data_through"] == "2020-09-09"
    assert "Target met" not in made["text"]["short"] and "Target missed" not in made["text"][
        "short"]
    page = _cite_page(app, made["id"])[0]
    assert "Partial month" in page and "Target met" not in page
    row = _csv_row(client, made["id"])
    assert (row["partial"], row["status"], row["status_text"]) == ("True", "partial",
                                                                   "Partial month")


def test_the_snapshot_holds_the_cited_periods_narrative_not_the_latest(app, client):
    stewardship.write_narrative(db.session, SLUG, PERIOD, "March: a wet spring.", None)
    stewardship.write_narrative(db.session, SLUG, "2020-08", "August: new crews.", None)
    db.session.commit()
    made = _cite(client)
    assert made["snapshot"]["narrative"] == "March: a wet spring."
    assert "August" not in _cite_page(app, made["id"])[0]


def test_publisher_is_the_setting_when_set(app, client, monkeypatch):
    monkeypatch.setenv("KCSTAT_PUBLISHER", "Northeast News data desk")
    made = _cite(client)
    assert made["snapshot"]["publisher"] == "Northeast News data desk"
    assert made["text"]["short"].startswith("Northeast News data desk: ")
    # (text_of puts a space between components: the name is its own, marked English.)
    said = re.sub(r"\s+", " ", _cite_page(app, made["id"])[0]).replace(" .", ".")
    assert "Published by Northeast News data desk." in said
    assert "Northeast News data desk" in _print_page(client, made["id"])


def test_default_publisher_does_not_name_the_city_as_publisher(app, client, monkeypatch):
    monkeypatch.delenv("KCSTAT_PUBLISHER", raising=False)
    made = _cite(client)
    publisher = made["snapshot"]["publisher"]
    assert publisher and publisher != "Kansas City, Mo., KCStat"
    assert not publisher.startswith(("Kansas City", "City of Kansas City"))
    page, printed = _cite_page(app, made["id"])[0], _print_page(client, made["id"])
    assert "Published by Kansas City" not in page and "from Kansas City, Mo., KCStat" not in printed


# --- Exports: hyperlinks, number formats, charts with axes, periods by date --------------


SURVEY = "satisfaction-with-overall-quality-of-city-services"  # FY2005, FY2012, FY2015


def test_xlsx_links_are_hyperlinks_and_values_keep_the_measures_format(client):
    made = [_cite(client), _cite(client, "311-requests", "2020-01"),
            _cite(client, "311-median-days-to-close", "2020-01")]
    book = load_workbook(io.BytesIO(client.get(
        "/exports/packet.xlsx?ids=" + ",".join(c["id"] for c in made)).data))
    sheet = book["Citations"]
    header = [c.value for c in sheet[1]]
    column = {name: header.index(name) + 1 for name in ("url", "source_url", "value", "n",
                                                         "target", "status_text")}
    for row, citation in enumerate(made, start=2):
        link = sheet.cell(row=row, column=column["url"])
        assert link.hyperlink is not None and link.hyperlink.target == citation["url"]
        assert link.style == "Hyperlink"
        assert sheet.cell(row=row, column=column["source_url"]).hyperlink.target.startswith(
            "https://data.kcmo.org/")
    percent, count, days = (sheet.cell(row=r, column=column["value"]) for r in (2, 3, 4))
    # 29.3333 is stored as a number and shown as 29.3% (one place, a literal % sign).
    assert isinstance(percent.value, float) and percent.number_format == '0.0"%"'
    assert count.number_format == "#,##0" and days.number_format == "0.0"
    assert sheet.cell(row=2, column=column["target"]).number_format == '0.0"%"'
    assert sheet.cell(row=2, column=column["n"]).value == 75
    assert sheet.cell(row=2, column=column["status_text"]).value == "Target missed"
    chart_sheet = book.worksheets[2]
    assert chart_sheet["A3"].hyperlink.target == made[0]["url"]
    assert chart_sheet["C5"].number_format == '0.0"%"'


def test_xlsx_charts_show_both_axes_and_place_survey_years_by_date(client):
    made = [_cite(client), _cite(client, SURVEY, "FY2015")]
    book = load_workbook(io.BytesIO(client.get(
        "/exports/packet.xlsx?ids=" + ",".join(c["id"] for c in made)).data))
    for sheet in book.worksheets[2:]:
        (chart,) = sheet._charts
        assert chart.x_axis.delete is False and chart.y_axis.delete is False
        assert chart.y_axis.title is not None and chart.x_axis.title is not None
        # Each series' x values are the periods' dates (column B), not evenly spaced labels.
        for series in chart.series:
            assert series.xVal.numRef.f.split("!")[1].startswith("$B$")
    survey = book.worksheets[3]
    dates = [survey.cell(row=r, column=2).value for r in (5, 6, 7)]
    assert [survey.cell(row=r, column=1).value for r in (5, 6, 7)] == ["FY2005", "FY2012",
                                                                      "FY2015"]
    gaps = [(b - a).days / 365.25 for a, b in zip(dates, dates[1:], strict=False)]
    assert gaps == [pytest.approx(7, abs=0.01), pytest.approx(3, abs=0.01)]


def test_printed_charts_have_a_y_axis_and_survey_years_spaced_by_date(client):
    made = _cite(client, SURVEY, "FY2015")
    printed = _print_page(client, made["id"])
    svg = printed[printed.index("<svg"):printed.index("</svg>")]
    assert 'class="y-axis"' in svg
    ticks = re.findall(r'text-anchor="end">([^<]+)</text>', svg)
    assert "0%" in ticks and len(ticks) >= 3  # labelled ticks from zero up
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]
    assert len(xs) == 3
    # FY2005 → FY2012 is seven years, FY2012 → FY2015 three: the gaps keep that ratio.
    assert (xs[1] - xs[0]) / (xs[2] - xs[1]) == pytest.approx(7 / 3, rel=0.02)


# --- Citations made before version 2 ------------------------------------------------------


def _v1_snapshot(session, target_text="80%", target=80) -> dict:
    """A citation as version 1 wrote it (by hand: the words and fields it used then)."""
    measure = measures.get_measure(session, SLUG)
    observation = next(o for o in measure.observations if o.period == PERIOD)
    return {
        "schema": "kcstat-citation/1", "publisher": "Kansas City, Mo., KCStat",
        "measure": {"slug": SLUG, "name": measure.name, "unit": "percent",
                    "direction": "higher", "definition": measure.definition},
        "area": {"slug": measure.area.slug, "name": measure.area.name},
        "period": PERIOD, "period_label": "March 2019", "value": observation.value,
        "value_text": f"{observation.value:.1f}%", "request_count": observation.request_count,
        "target": target, "target_text": target_text, "status": "not met", "narrative": None,
        "source": {"name": measure.source, "url": measure.source_url, "import_kind": "311-csv",
                   "import_source": "kc311_old.csv", "imported_at": "2026-01-02T03:04:05Z"},
        "series": [{"period": PERIOD, "value": observation.value, "target": target}],
        "cited_at": "2026-01-02T03:04:05Z",
    }


def _store_v1(session, snapshot) -> str:
    # The hash rule as documented: sorted keys, no whitespace, UTF-8, whole numbers bare.
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    citation_id = "aaaabbbbccccdddd"
    session.add(Citation(id=citation_id, measure_slug=SLUG, period=PERIOD, snapshot=snapshot,
                         content_hash=digest, cited_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)))
    session.commit()
    return citation_id


def test_a_version_1_citation_still_verifies_and_its_hash_checks(app, client):
    citation_id = _store_v1(db.session, _v1_snapshot(db.session))
    body = client.get(f"/api/citations/{citation_id}").get_json()
    assert body["verification"]["hash_ok"] is True
    # "not met" was version 1's word for missed: the same status, so nothing moved.
    assert body["verification"]["state"] == "same", body["verification"]["differences"]
    assert SAME in _cite_page(app, citation_id)[0]
    row = _csv_row(client, citation_id)
    assert (row["status"], row["status_text"], row["n"]) == ("missed", "Target missed", "75")
    assert f"Verification: {SAME}." in _print_page(client, citation_id)


def test_a_version_1_citation_whose_target_moved_reads_as_changed(app, client):
    citation_id = _store_v1(db.session, _v1_snapshot(db.session, target_text="30%", target=30))
    _, differences, _ = _api(client, citation_id)
    assert differences == [("target", "Target", "30%", "80%")]
    assert _cite_page(app, citation_id)[1] == differences

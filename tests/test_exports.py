"""Exports, each read back by its own format's reader: packet, meeting Q&A, open data."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import select

from kcstat_dash.db import db
from kcstat_dash.models import Area, Measure, Meeting, Observation, Question

PERIODS = [("pothole-on-time-rate", "2019-03"), ("311-requests", "2020-01")]


def _packet(client):
    made = [client.post("/api/citations", json={"measure": m, "period": p}).get_json()
            for m, p in PERIODS]
    return made, ",".join(c["id"] for c in made)


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_packet_csv_has_each_citation_and_its_text(client):
    made, ids = _packet(client)
    response = client.get(f"/exports/packet.csv?ids={ids}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv(response)
    assert [r["citation_id"] for r in rows] == [c["id"] for c in made]
    for row, citation in zip(rows, made, strict=True):
        assert row["short_text"] == citation["text"]["short"]
        assert row["full_text"] == citation["text"]["full"]
        assert float(row["value"]) == pytest.approx(citation["snapshot"]["value"])
        assert row["content_hash"] == citation["content_hash"]
        assert row["verification"] == "same"


def test_packet_xlsx_has_the_citations_and_a_native_chart_each(client):
    made, ids = _packet(client)
    response = client.get(f"/exports/packet.xlsx?ids={ids}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["Citations"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True))
            for row in sheet.iter_rows(min_row=2)]
    assert [r["short_text"] for r in rows] == [c["text"]["short"] for c in made]
    assert rows[0]["value"] == pytest.approx(made[0]["snapshot"]["value"])
    assert book.sheetnames[:2] == ["Citations", "Differences"]
    chart_sheets = book.worksheets[2:]
    assert len(chart_sheets) == 2
    for chart_sheet, citation in zip(chart_sheets, made, strict=True):
        assert chart_sheet["A1"].value == citation["text"]["short"]
        assert len(chart_sheet._charts) == 1
        series = citation["snapshot"]["series"]
        periods = [chart_sheet.cell(row=5 + i, column=1).value for i in range(len(series))]
        assert periods == [p["period"] for p in series]


def test_packet_json_round_trips(client):
    made, ids = _packet(client)
    body = json.loads(client.get(f"/exports/packet.json?ids={ids}").get_data(as_text=True))
    assert body["count"] == 2
    assert [c["snapshot"] for c in body["citations"]] == [c["snapshot"] for c in made]
    assert [c["text"] for c in body["citations"]] == [c["text"] for c in made]


def test_printable_packet_has_text_and_a_chart_each(client):
    made, ids = _packet(client)
    page = client.get(f"/packet/print?ids={ids}").get_data(as_text=True)
    for citation in made:
        # The template escapes text, so compare with the escaped short form.
        assert str(escape(citation["text"]["short"])) in page
    assert page.count("<svg") == 2


def test_formula_looking_text_is_defused_in_csv_and_excel(client, app):
    with app.server.app_context():
        measure = db.session.scalar(select(Measure).where(Measure.slug == "311-requests"))
        measure.name = "=HYPERLINK(\"http://evil\",\"x\")"
        db.session.commit()
    made = client.post("/api/citations", json={"measure": "311-requests",
                                               "period": "2020-01"}).get_json()
    row = _csv(client.get(f"/exports/packet.csv?ids={made['id']}"))[0]
    assert row["measure"].startswith("'=")
    book = load_workbook(io.BytesIO(client.get(f"/exports/packet.xlsx?ids={made['id']}").data))
    header = [c.value for c in book["Citations"][1]]
    cell = book["Citations"].cell(row=2, column=header.index("measure") + 1)
    assert cell.value.startswith("=") and cell.data_type == "s"


@pytest.mark.parametrize("query, status", [
    ("", 400), ("ids=", 400), ("ids=../x", 400), ("ids=" + ",".join(["abcdefghijklmnop"] * 2), 404),
    ("ids=" + ",".join(f"aaaaaaaaaaaaaa{a}{b}" for a in "abcdefgh" for b in "abcdefgh"), 400),
])
def test_packet_export_with_bad_ids_gives_4xx(client, query, status):
    for fmt in ("csv", "xlsx", "json"):
        assert client.get(f"/exports/packet.{fmt}?{query}").status_code == status
    assert client.get(f"/packet/print?{query}").status_code == status


def test_unknown_export_format_is_404(client):
    assert client.get("/exports/packet.exe?ids=abcdefghijklmnop").status_code == 404
    assert client.get("/exports/open-data.xml").status_code == 404


def test_open_data_has_every_measure_and_observation(client, app):
    with app.server.app_context():
        total = len(db.session.scalars(select(Observation)).all())
        slugs = set(db.session.scalars(select(Measure.slug)))
        pothole = db.session.scalar(
            select(Observation).join(Measure).where(Measure.slug == "pothole-on-time-rate",
                                                    Observation.period == "2019-03"))
        pothole_value = pothole.value
        pothole_n = pothole.request_count
    rows = _csv(client.get("/exports/open-data.csv"))
    assert len(rows) == total
    assert {r["measure_slug"] for r in rows} == slugs
    row = next(r for r in rows if r["measure_slug"] == "pothole-on-time-rate"
               and r["period"] == "2019-03")
    assert float(row["value"]) == pytest.approx(pothole_value)
    assert row["target"] == "80.0" and row["status"] == "missed"
    assert row["status_text"] == "Target missed" and row["n"] == str(pothole_n)
    assert row["scope"].startswith("12 of Kansas City's") and row["data_through"] == "2020-09-09"
    body = json.loads(client.get("/exports/open-data.json").get_data(as_text=True))
    assert {m["slug"] for m in body["measures"]} == slugs
    assert sum(len(m["observations"]) for m in body["measures"]) == total


def _meeting_with_questions(app) -> int:
    with app.server.app_context():
        session = db.session
        area = session.scalar(select(Area).where(Area.slug == "infrastructure"))
        pothole = session.scalar(select(Measure).where(Measure.slug == "pothole-on-time-rate"))
        meeting = Meeting(area=area, title="Infrastructure KCStat", status="ended",
                          starts_at=datetime(2026, 11, 5, 15, tzinfo=UTC))
        session.add(meeting)
        session.flush()
        flag = {"measure": pothole.slug, "measure_name": pothole.name, "unit": "percent",
                "direction": "higher", "period": "2019-03", "value": 29.3333, "target": 80.0,
                "status": "not met"}
        made = [
            Question(meeting_id=meeting.id, text="Why are potholes late?", status="answered",
                     answer="Crews were short.", answered_at=datetime(2026, 11, 5, 16, tzinfo=UTC),
                     measure_id=pothole.id, period="2019-03", flag_snapshot=flag, upvotes=4,
                     display_name="Ana", created_at=datetime(2026, 11, 5, 15, 5, tzinfo=UTC)),
            Question(meeting_id=meeting.id, text="=cmd|' /C calc'!A0", status="approved",
                     created_at=datetime(2026, 11, 5, 15, 6, tzinfo=UTC)),
            Question(meeting_id=meeting.id, text="SECRET hidden words", status="hidden",
                     held_reason="profanity", display_name="Hidden Name",
                     created_at=datetime(2026, 11, 5, 15, 7, tzinfo=UTC)),
            Question(meeting_id=meeting.id, text="SECRET rejected words", status="rejected",
                     reject_reason="spam", answer="SECRET answer",
                     created_at=datetime(2026, 11, 5, 15, 8, tzinfo=UTC)),
        ]
        session.add_all(made)
        session.commit()
        return meeting.id


def test_meeting_record_csv_and_json_never_hold_hidden_text(client, app):
    meeting_id = _meeting_with_questions(app)
    csv_response = client.get(f"/exports/meetings/{meeting_id}/questions.csv")
    json_response = client.get(f"/exports/meetings/{meeting_id}/questions.json")
    for response in (csv_response, json_response):
        assert response.status_code == 200
        assert "SECRET" not in response.get_data(as_text=True)
        assert "Hidden Name" not in response.get_data(as_text=True)
    rows = _csv(csv_response)
    assert [r["outcome"] for r in rows] == ["answered", "published", "hidden by moderators",
                                            "rejected by moderators"]
    answered = rows[0]
    assert (answered["text"], answered["answer"], answered["display_name"]) == (
        "Why are potholes late?", "Crews were short.", "Ana")
    assert (answered["measure_slug"], answered["period"], answered["flagged_value"],
            answered["flagged_target"], answered["flagged_status"]) == (
        "pothole-on-time-rate", "2019-03", "29.3%", "80%", "not met")
    assert rows[1]["text"] == "'=cmd|' /C calc'!A0"  # defused for spreadsheets
    assert rows[2]["outcome_reason"] == "profanity" and rows[3]["outcome_reason"] == "spam"
    body = json.loads(json_response.get_data(as_text=True))
    assert body["meeting"]["title"] == "Infrastructure KCStat"
    assert body["questions"][1]["text"] == "=cmd|' /C calc'!A0"  # JSON keeps the text as is
    assert [q["text"] for q in body["questions"][2:]] == [None, None]


def test_meeting_record_for_unknown_meeting_is_404(client):
    assert client.get("/exports/meetings/999999/questions.csv").status_code == 404
    assert client.get("/exports/meetings/abc/questions.json").status_code == 404

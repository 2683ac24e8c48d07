"""Citing in real Chromium: cite two statistics, collect them, export the packet, open the file."""

from __future__ import annotations

import csv
import json
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from layouts.charts import short_period
from tests.browser.conftest import axe_violations, describe, wait_until

MEASURE = "pothole-on-time-rate"


def _created_id(page, previous: str | None = None) -> str:
    """The id of the citation just created (waiting past the one shown before, if any)."""
    link = page.locator(".citation-created a.created-citation-link")
    if previous:
        wait_until(
            page, "previous => { const a = document.querySelector("
            "'.citation-created a.created-citation-link'); "
            "return a && !a.getAttribute('href').endsWith(previous); }", arg=previous)
    link.wait_for()
    return link.get_attribute("href").rsplit("/", 1)[1]


def _click_chart_point(page, index: int, period: str) -> None:
    """Point at the index-th marker of the trend line as a person would, then click it."""
    page.locator(".trend-chart .main-svg").first.wait_for()
    marker = page.locator(".trend-chart .scatterlayer .trace").first.locator(".points path")
    marker.nth(index).scroll_into_view_if_needed()
    box = marker.nth(index).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 5, y - 5)
    page.mouse.move(x, y)
    # Plotly answers a click with the point under the hover; wait until that is our period
    # (the hover names it as the axis does: "Mar 2019:").
    wait_until(
        page, "period => (document.querySelector('.trend-chart .hoverlayer') || {}).textContent"
        "?.startsWith(period + ':')", arg=short_period(period))
    page.mouse.click(x, y)


def _cite_and_collect(page, count_after: int, previous: str | None = None) -> str:
    page.get_by_role("button", name="Cite this", exact=True).click()
    citation_id = _created_id(page, previous)
    page.get_by_role("button", name="Add to my testimony packet").click()
    page.get_by_text(f"In your packet ({count_after} citation").wait_for()
    return citation_id


def test_cite_two_statistics_export_the_packet_and_open_the_files(live_server, page, tmp_path):
    observations = page.request.get(
        f"{live_server.url}/api/measures/{MEASURE}/observations").json()
    page.goto(f"{live_server.url}/measures/{MEASURE}")
    page.locator(".cite-section").wait_for()

    # 1. The latest value, as the select starts on it.
    assert page.locator("#cite-period").input_value() == observations[-1]["period"]
    first = _cite_and_collect(page, 1)

    # 2. A point picked on the chart: the tenth from the end.
    wanted = observations[-10]["period"]
    _click_chart_point(page, len(observations) - 10, wanted)
    wait_until(page, f"document.querySelector('#cite-period').value === '{wanted}'",
               timeout=10000)
    second = _cite_and_collect(page, 2, previous=first)

    expected = [page.request.get(f"{live_server.url}/api/citations/{i}").json()
                for i in (first, second)]
    assert [e["snapshot"]["period"] for e in expected] == [observations[-1]["period"], wanted]
    assert expected[1]["snapshot"]["value"] == pytest.approx(observations[-10]["value"])

    # 3. The packet page lists both, in order; export Excel, CSV and JSON, and open each file.
    page.get_by_role("link", name="Testimony packet").click()
    page.wait_for_url("**/packet")
    page.locator(".packet-item").nth(1).wait_for()
    texts = page.locator(".packet-cite-text").all_inner_texts()
    assert texts == [e["text"]["short"] for e in expected]

    with page.expect_download() as download:
        page.get_by_role("link", name="Download Excel (.xlsx)").click()
    xlsx = tmp_path / "packet.xlsx"
    download.value.save_as(xlsx)
    book = load_workbook(xlsx)
    sheet = book["Citations"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True))
            for r in sheet.iter_rows(min_row=2)]
    assert [r["citation_id"] for r in rows] == [first, second]
    assert [r["short_text"] for r in rows] == [e["text"]["short"] for e in expected]
    # Citations, Differences (none: nothing moved), then a chart sheet per citation.
    assert book.sheetnames[:2] == ["Citations", "Differences"]
    assert all(len(ws._charts) == 1 for ws in book.worksheets[2:]) and len(book.worksheets) == 4

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    csv_path = tmp_path / "packet.csv"
    download.value.save_as(csv_path)
    with open(csv_path, newline="", encoding="utf-8") as handle:
        assert [r["full_text"] for r in csv.DictReader(handle)] == [
            e["text"]["full"] for e in expected]

    with page.expect_download() as download:
        page.get_by_role("link", name="Download JSON").click()
    json_path = tmp_path / "packet.json"
    download.value.save_as(json_path)
    body = json.loads(json_path.read_text(encoding="utf-8"))
    assert [c["content_hash"] for c in body["citations"]] == [e["content_hash"] for e in expected]

    # 4. The share link opens the same packet in a browser that has none of its own.
    share = page.locator("#packet-share-link").input_value()
    assert share.endswith(f"/packet?ids={first}%2C{second}") or share.endswith(
        f"/packet?ids={first},{second}")
    fresh = page.context.browser.new_context()
    try:
        other = fresh.new_page()
        other.goto(share)
        other.locator(".packet-item").nth(1).wait_for()
        assert other.locator(".packet-cite-text").all_inner_texts() == texts
        assert "shared with you" in other.locator(".packet-count").inner_text()
    finally:
        fresh.close()

    # 5. Removing one leaves the other.
    page.get_by_role("button", name=f"Remove {expected[0]['snapshot']['measure']['name']}, "
                                    f"{expected[0]['snapshot']['period_label']} from the packet"
                     ).click()
    wait_until(page, "document.querySelectorAll('.packet-item').length === 1")
    assert page.locator(".packet-cite-text").all_inner_texts() == [expected[1]["text"]["short"]]


def test_citation_page_shows_verification_and_copies_the_text(live_server, context, page):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    created = page.request.post(f"{live_server.url}/api/citations",
                                data={"measure": MEASURE, "period": "2019-03"}).json()
    page.goto(created["url"].replace("http://127.0.0.1:8050", live_server.url))
    page.locator(".verification").wait_for()
    assert "Still the same today" in page.locator(".verification").inner_text()
    assert page.locator("#cite-short-text").input_value() == created["text"]["short"]
    page.get_by_role("button", name="Copy short form").click()
    page.get_by_text("Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == created["text"]["short"]


def _citation(live_server, page) -> str:
    return page.request.post(f"{live_server.url}/api/citations",
                             data={"measure": MEASURE, "period": "2019-03"}).json()["id"]


@pytest.mark.parametrize("where", ["cite", "packet", "print", "measure-cited"])
def test_citing_pages_have_no_serious_accessibility_violations(live_server, page, where):
    citation_id = _citation(live_server, page)
    if where == "cite":
        page.goto(f"{live_server.url}/cite/{citation_id}")
        page.locator(".verification").wait_for()
    elif where == "packet":
        page.goto(f"{live_server.url}/packet?ids={citation_id}")
        page.locator(".packet-item").wait_for()
    elif where == "print":
        page.goto(f"{live_server.url}/packet/print?ids={citation_id}")
    else:
        page.goto(f"{live_server.url}/measures/{MEASURE}")
        page.get_by_role("button", name="Cite this", exact=True).click()
        page.locator(".citation-created").wait_for()
    violations = axe_violations(page)
    assert not violations, describe(violations)


def _flagged_public_question(period: str) -> tuple[int, int]:
    """A published question flagging a pothole month, at the demo's live meeting."""
    from sqlalchemy import select

    from kcstat_dash.db import db
    from kcstat_dash.models import Meeting
    from kcstat_dash.services import feed_version, questions

    session = db.new_session()
    try:
        meeting_id = session.scalar(select(Meeting.id).where(Meeting.status == "live"))
        question = questions.submit_question(
            session, meeting_id=meeting_id, text="Why were potholes so slow that month?",
            measure=MEASURE, period=period)
        question.status = "approved"  # stands in for a moderator (another feature's screens)
        feed_version.bump(session, meeting_id)
        session.commit()
        return meeting_id, question.id
    finally:
        session.close()


def test_cite_a_flagged_question_and_download_the_meeting_record(live_server, page, tmp_path):
    observations = page.request.get(
        f"{live_server.url}/api/measures/{MEASURE}/observations").json()
    period = observations[-5]["period"]
    meeting_id, question_id = _flagged_public_question(period)
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    item = page.locator(f"#question-{question_id}")
    item.wait_for()
    # The live feed re-renders its items (votes, polling); a click on an item being replaced
    # is lost, as it would be for a person, who clicks again.
    link = page.locator("#cite-flag-status a.flag-citation-link")
    for _attempt in range(5):
        # Its accessible name starts with the words it shows (WCAG 2.5.3).
        item.get_by_role("button", name=re.compile(
            r"^Cite this\W+Pothole requests closed on time")).click()
        try:
            link.wait_for(timeout=6000)
            break
        except PlaywrightTimeout:
            continue
    # The meeting stays on screen; the citation opens in a tab of its own.
    assert page.url.endswith(f"/meetings/{meeting_id}")
    assert link.get_attribute("target") == "_blank"
    meeting_page = page
    with page.context.expect_page() as opened:
        link.click()
    page = opened.value
    page.wait_for_url("**/cite/*")
    citation_id = page.url.rsplit("/", 1)[1]
    cited = page.request.get(f"{live_server.url}/api/citations/{citation_id}").json()
    assert (cited["snapshot"]["measure"]["slug"], cited["snapshot"]["period"]) == (MEASURE, period)
    assert cited["snapshot"]["value"] == pytest.approx(observations[-5]["value"])
    page.locator(".verification").wait_for()
    assert page.locator("#cite-short-text").input_value() == cited["text"]["short"]
    assert meeting_page.url.endswith(f"/meetings/{meeting_id}")

    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the Q&A record as CSV").click()
    record = tmp_path / "qa.csv"
    download.value.save_as(record)
    with open(record, newline="", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["question_id"] == str(question_id))
    assert (row["text"], row["measure_slug"], row["period"], row["outcome"]) == (
        "Why were potholes so slow that month?", MEASURE, period, "published")

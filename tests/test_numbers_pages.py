"""The public pages say what each number is (issue 13): its n, the day the data runs through,
how much of the city it covers, and no verdict on a partial month or on too few requests.

Expectations are worked out from the issue's words and the raw data (the API's per-month n and
partial flag, the stored requests), not from the pages' own helpers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dash import html
from flask_login import login_user
from sqlalchemy import func, select

from callbacks import pages
from kcstat_dash.db import db
from kcstat_dash.models import DataCoverage, Measure, Meeting, Narrative, ServiceRequest
from kcstat_dash.services import measures, stewardship
from kcstat_dash.web.auth import StaffUser
from layouts.charts import trend_figure
from tests.staff import make_user
from tests.test_pages import find_class, text_of

# From the issue: "a rate or median computed from fewer than 30 requests" is too few to judge.
MIN_N = 30
SAMPLE_SCOPE = "12 of Kansas City's 246 neighborhoods, a sample"


def rows(component) -> list:
    """Every table row (html.Tr) in a component tree."""
    if isinstance(component, list | tuple):
        return [r for child in component for r in rows(child)]
    if component is None or isinstance(component, str | int | float):
        return []
    found = [component] if isinstance(component, html.Tr) else []
    return found + rows(getattr(component, "children", None))


def links_in(component) -> list[str]:
    if isinstance(component, list | tuple):
        return [h for child in component for h in links_in(child)]
    if component is None or isinstance(component, str | int | float):
        return []
    own = [component.href] if isinstance(component, html.A) else []
    return own + links_in(getattr(component, "children", None))


def day_words(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def sample_data_through() -> str:
    """The last day the sample covers: its latest creation date, in Kansas City."""
    latest = db.session.scalar(select(func.max(ServiceRequest.created_at)))
    if latest.tzinfo is None:
        latest = latest.replace(tzinfo=UTC)
    return day_words(latest.astimezone(ZoneInfo("America/Chicago")).date())


def headline_points(client, slug: str) -> tuple[dict, dict | None]:
    """A measure's latest month that is not partial, and its partial month if it has one."""
    points = client.get(f"/api/measures/{slug}/observations").get_json()
    complete = [p for p in points if not p["partial"]]
    return complete[-1], (points[-1] if points[-1]["partial"] else None)


def judged_on_n(client, slug: str) -> bool:
    """Rates and medians from 311 requests are judged on their n; counts and survey figures
    are not."""
    info = client.get(f"/api/measures/{slug}").get_json()
    return info["kind"] == "311" and info["unit"] != "count"


def every_target_within_reach(session) -> None:
    """Targets any value clears, so every value that may be judged at all reads "met"."""
    for found in session.scalars(select(Measure)):
        measures.set_target(session, found, "0000-01",
                            0.0 if found.direction == "higher" else 1e9)
    session.commit()


def overview_rows() -> dict[str, html.Tr]:
    """The overview's table rows by measure slug."""
    page = pages.overview()
    return {links_in(r)[0].rsplit("/", 1)[-1]: r for r in rows(page) if links_in(r)}


def test_the_overview_never_says_target_met_for_a_too_few_or_partial_value(app, client):
    every_target_within_reach(db.session)
    checked_too_few = checked_partial = 0
    for slug, row in overview_rows().items():
        words = text_of(row)
        headline, partial = headline_points(client, slug)
        if judged_on_n(client, slug) and headline["n"] < MIN_N:
            checked_too_few += 1
            assert "Too few to judge" in words, slug
            assert "Target met" not in words and "Target missed" not in words, slug
            assert f"n = {headline['n']:,} request" in words, slug
            assert "row-too-few" in (row.className or ""), f"{slug}: a too-few row is greyed"
        else:
            assert words.count("Target met") == 1, slug
        if partial is not None:
            checked_partial += 1
            # The month in progress is said apart, and never carries a verdict of its own.
            assert "so far (partial month, data through" in words, slug
            assert words.count("Target met") <= 1, slug
    assert checked_too_few >= 5 and checked_partial >= 5


def test_the_overview_count_sentence_counts_by_the_latest_complete_month(app, client):
    every_target_within_reach(db.session)
    sentence = text_of(find_class(pages.overview(), "status-summary"))
    slugs = [m["slug"] for m in client.get("/api/measures").get_json()]
    too_few = sum(judged_on_n(client, s) and headline_points(client, s)[0]["n"] < MIN_N
                  for s in slugs)
    met = len(slugs) - too_few
    assert (f"{len(slugs)} measures: {met} met their target, 0 missed it, {too_few} too few to "
            "judge, 0 no target, in their latest complete period") in sentence


def test_every_headline_shows_its_n_and_the_day_the_data_runs_through(app, client):
    through = f"data through {sample_data_through()}"
    nouns = {"311": "request", "kcpd": "report", "fbi-ucr": "offense",
             "resident-survey": "respondent"}
    for slug, row in overview_rows().items():
        words = text_of(row)
        headline, _ = headline_points(client, slug)
        measure_json = client.get(f"/api/measures/{slug}").get_json()
        if headline["n"] is None:
            assert "n not published" in words, slug
        else:
            assert f"n = {headline['n']:,} {nouns[measure_json['kind']]}" in words, slug
        if measure_json["kind"] == "311":
            assert through in words, slug
        elif measure_json["data_through"]:  # police and survey data run to their own day
            own = date.fromisoformat(measure_json["data_through"])
            assert f"data through {day_words(own)}" in words, slug

    headline, partial = headline_points(client, "311-requests")
    box = text_of(find_class(pages.measure(slug="311-requests"), "headline-value"))
    assert f"n = {headline['n']:,} requests" in box and through in box
    assert "August 2020" in box and partial["period"] == "2020-09"
    assert (f"September 2020 so far (partial month, {through}): "
            f"{partial['n']:,} requests") in box

    survey = next(m["slug"] for m in client.get("/api/measures").get_json()
                  if m["kind"] == "survey")  # figures as published, without their n
    assert "n not published" in text_of(find_class(pages.measure(slug=survey),
                                                   "headline-value"))


def test_a_provisional_headline_says_so_with_the_reason(app, client):
    provisional = [m for m in client.get("/api/measures").get_json() if m["provisional"]]
    assert provisional, "the sample has provisional headlines (open requests in August 2020)"
    on_overview = overview_rows()
    for summary in provisional:
        words = text_of(on_overview[summary["slug"]])
        assert "provisional" in words and "no known outcome yet" in words, summary["slug"]


def live_meeting_id() -> int:
    return db.session.scalar(select(Meeting.id).where(Meeting.status == "live"))


def test_the_scope_is_stated_near_the_top_of_every_page_with_311_numbers(app):
    meeting_id = str(live_meeting_id())
    # As Dash Pages calls them, in a request (the projector links to the public address).
    with app.server.test_request_context():
        shown = {"overview": pages.overview(), "area": pages.area(slug="infrastructure"),
                 "measure": pages.measure(slug="pothole-on-time-rate"),
                 "meeting": pages.meeting(meeting_id=meeting_id),
                 "projector": pages.projector(meeting_id=meeting_id)}
    for name, page in shown.items():
        notices = find_class(page, "scope-notice")
        assert len(notices) == 1, name
        assert SAMPLE_SCOPE in text_of(notices), name
        # Visible text near the top: before the first table, chart or measure card.
        assert text_of(page).index(SAMPLE_SCOPE) < text_of(page).index(
            text_of(find_class(page, "status-badge")[0])), name


def set_data_through(day: date) -> None:
    coverage = db.session.scalar(select(DataCoverage).where(DataCoverage.kind == "311"))
    coverage.data_through = day.isoformat()
    db.session.commit()


@pytest.mark.parametrize("page", [pages.meeting, pages.projector])
def test_a_live_meeting_warns_when_the_data_is_more_than_60_days_old(app, page):
    with app.server.test_request_context():
        meeting_id = str(live_meeting_id())
        today = datetime.now(ZoneInfo("America/Chicago")).date()

        set_data_through(today - timedelta(days=61))
        alert = find_class(page(meeting_id=meeting_id), "stale-data")
        assert len(alert) == 1
        assert (f"Data last updated {day_words(today - timedelta(days=61))}: more than 60 days "
                "before this meeting") in text_of(alert)

        for fresh in (today - timedelta(days=10), today - timedelta(days=60)):
            set_data_through(fresh)
            assert not find_class(page(meeting_id=meeting_id), "stale-data")


def test_a_meeting_not_yet_live_is_not_warned(app):
    set_data_through(datetime.now(UTC).date() - timedelta(days=400))
    scheduled = db.session.scalar(select(Meeting.id).where(Meeting.status == "scheduled"))
    assert not find_class(pages.meeting(meeting_id=str(scheduled)), "stale-data")


def test_the_measure_page_gives_the_plain_definition_and_the_exact_rule_one_click_away(app):
    page = pages.measure(slug="pothole-on-time-rate")
    plain = text_of(find_class(page, "definition"))
    assert "estimated time" in plain and "EXCEEDED EST TIMEFRAME" not in plain
    rule = find_class(page, "definition-rule")
    assert len(rule) == 1 and isinstance(rule[0], html.Details)
    words = text_of(rule)
    assert "Exact rule (for analysts)" in words
    for field in ("EXCEEDED EST TIMEFRAME", "RESOL", "CANC", "DUP", "Pothole"):
        assert field in words, field


def test_the_measure_data_table_has_n_and_counts_met_only_among_judged_periods(app, client):
    every_target_within_reach(db.session)
    slug = "311-on-time-rate"
    page = pages.measure(slug=slug)
    table = find_class(page, "data-table")
    header = [text_of(c) for c in rows(table)[0].children]
    assert header == ["Period", "Value", "n", "Target", "Status"]
    points = client.get(f"/api/measures/{slug}/observations").get_json()
    judged = [p for p in points if not p["partial"] and p["n"] >= MIN_N]
    summary = text_of(find_class(page, "chart-summary"))
    assert f"met in {len(judged)} of the {len(judged)} periods judged" in summary
    newest = rows(table)[1]
    assert points[-1]["partial"] and "Partial month" in text_of(newest)
    assert "Target met" not in text_of(newest)


def test_the_trend_chart_marks_partial_and_too_few_points_and_hovers_with_n(app, client):
    detail = measures.measure_detail(db.session, "pothole-on-time-rate")
    points = client.get("/api/measures/pothole-on-time-rate/observations").get_json()
    values = trend_figure(detail).data[0]
    for point, symbol, colour, hover in zip(points, values.marker.symbol, values.marker.color,
                                            values.hovertext, strict=True):
        assert f"n = {point['n']:,} request" in hover
        assert (symbol == "circle-open") == point["partial"]
        if point["partial"]:
            assert "partial" in hover
        too_few = point["n"] < MIN_N and not point["partial"]
        assert (colour != values.line.color) == too_few, point["period"]
    detail = measures.measure_detail(db.session, "311-requests")
    last = trend_figure(detail).data[0]
    assert last.marker.symbol[-1] == "circle-open" and "partial" in last.hovertext[-1]


def test_neighborhood_rows_on_too_few_requests_are_greyed_with_their_n(app):
    page = pages.measure(slug="pothole-on-time-rate")
    table_rows = rows(find_class(page, "neighborhoods"))[1:]
    detail = measures.measure_detail(db.session, "pothole-on-time-rate")
    assert len(table_rows) == len(detail["neighborhoods"])
    few = 0
    for row, hood in zip(table_rows, detail["neighborhoods"], strict=True):
        assert f"{hood['request_count']:,}" in text_of(row)
        is_few = "row-too-few" in (row.className or "")
        assert is_few == (hood["request_count"] < MIN_N), hood["neighborhood"]
        few += is_few
    assert few and few < len(table_rows)


def test_the_staff_page_and_the_overview_count_the_same_missed_targets(app):
    # One miss with a narrative and one without, so the to-do list alone would undercount.
    for slug, narrative in (("311-median-days-to-close", True), ("311-requests", False)):
        found = measures.get_measure(db.session, slug)
        headline = measures.headline_observation(found)
        measures.set_target(db.session, found, headline.period,
                            1e9 if found.direction == "higher" else 0.0)
        if narrative:
            db.session.add(Narrative(measure_id=found.id, period=headline.period,
                                     body="Explained at the last meeting."))
    db.session.commit()

    sentence = text_of(find_class(pages.overview(), "status-summary"))
    missed_on_overview = int(sentence.split(" missed it")[0].rsplit(", ", 1)[-1])
    user = make_user(db.new_session(), "analyst@example.org", "analyst")
    with app.server.test_request_context("/"):
        login_user(StaffUser(id=user.id, email=user.email, role="analyst"))
        stated = text_of(find_class(pages.steward(), "stw-missed-count"))
    missed_on_staff_page = int(stated.split(" measure")[0])
    todo_now = [i for i in stewardship.todo(db.session) if i["headline"]]
    assert missed_on_overview == missed_on_staff_page == len(todo_now) + 1
    assert missed_on_overview >= 3

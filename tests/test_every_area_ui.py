"""Every area's page and its measures' pages (issue 17, the UI): measures grouped by source, a
survey's margin of error drawn and written, KCPD's 2019 break marked with no line across it,
council districts in a table, "within the margin" in words, and the KCPD neighborhoods on the
map.

The pure tests render from small dicts (as tests/test_pure_layouts.py does). The others render
the pages from the sample database and check what they show against the shared aggregates
read with pandas (``../shared/data``, described by its README; the copies the product ships in
``kcstat_dash/sample`` when the shared folder is absent), not against the app's own code.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from dash import dcc, html

from kcstat_dash import i18n
from kcstat_dash.services import page_data, verdicts
from kcstat_dash.services.neighborhoods import outlines
from layouts import area, measure
from layouts.charts import trend_figure
from layouts.components import change_words, headline_facts, verdict_words
from tests.conftest import SAMPLE_DIR
from tests.test_pure_layouts import texts

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared(subfolder: str, name: str) -> pd.DataFrame:
    """A shared aggregate: from ../shared/data when it is there, else the product's copy."""
    path = SHARED / subfolder / name
    if path.exists():
        return pd.read_csv(path)
    copy = SAMPLE_DIR / name
    return pd.read_csv(copy if copy.exists() else SAMPLE_DIR / f"{name}.gz")


def walk(component):
    """Every component in a tree, depth first."""
    if isinstance(component, list | tuple):
        for child in component:
            yield from walk(child)
    elif component is not None and not isinstance(component, str | int | float):
        yield component
        yield from walk(getattr(component, "children", None))


def with_class(tree, name: str) -> list:
    return [c for c in walk(tree) if name in (getattr(c, "className", None) or "").split()]


def graph_figure(page):
    return next(c.figure for c in walk(page) if isinstance(c, dcc.Graph)
                and "trend-chart" in (c.className or ""))


def summary(slug: str, kind: str, **extra) -> dict:
    """A measure's summary as services.measures.measure_summary gives it."""
    base = {"slug": slug, "name": slug.replace("-", " ").title(), "area": "Public Safety",
            "area_slug": "public-safety", "unit": "count", "direction": "lower",
            "definition": "What it counts.", "definition_rule": None, "kind": kind,
            "source": f"{kind} source", "source_url": f"https://example.org/{kind}",
            "target": None, "latest_period": "2025", "latest_value": 10.0, "n": 10,
            "provisional": False, "eligible": None, "unknown": None,
            "status": verdicts.NO_TARGET, "judged_on_n": False, "min_n": 30,
            "partial_period": None, "partial_value": None, "partial_n": None,
            "margin_of_error": None, "numerator": None, "coverage_share": None,
            "caveat": None, "series_break": None, "previous_period": None,
            "previous_value": None, "previous_margin_of_error": None, "change": None,
            "scope": "Citywide", "citywide": True, "data_through": "2025-12-31",
            "coverage": None, "narrative": None, "narrative_missing": False}
    return {**base, **extra}


SURVEY = summary("survey-police", "resident-survey", unit="percent", direction="higher",
                 latest_period="2022-03", latest_value=47.9, n=939, margin_of_error=3.2,
                 target=50.0, status=verdicts.WITHIN_MARGIN, judged_on_n=True,
                 previous_period="2021-12", previous_value=48.2,
                 previous_margin_of_error=3.2, change=verdicts.NO_CLEAR_CHANGE,
                 source="City of Kansas City, MO Resident Survey, FY2021-22 (unweighted)")


# --- Pure: from small dicts ------------------------------------------------------------------


def test_the_area_page_puts_each_measure_under_its_own_source():
    measures = [summary("kcpd-persons", "kcpd"), summary("fbi-violent", "fbi-ucr"),
                SURVEY, summary("potholes", "311", unit="percent"),
                summary("published-image", "survey", n=None)]
    page = area.render({"slug": "public-safety", "name": "Public Safety",
                        "description": "Police.", "measures": measures})
    groups = with_class(page, "source-group")
    # 311 first, then police reports, the FBI's historical series, the survey, published.
    assert [g.to_plotly_json()["props"]["data-kind"] for g in groups] == [
        "311", "kcpd", "fbi-ucr", "resident-survey", "survey"]
    for group, member in zip(groups, ["potholes", "kcpd-persons", "fbi-violent",
                                      "survey-police", "published-image"], strict=True):
        links = [c.href for c in walk(group) if isinstance(c, html.A) and c.href
                 and c.href.startswith("/measures/")]
        assert links == [f"/measures/{member}"]
    headings = [texts(c) for c in walk(page) if isinstance(c, html.H2)]
    assert headings == ["From 311 service requests", "From KCPD crime reports",
                        "FBI Uniform Crime Reporting (historical, peer context)",
                        "From the resident satisfaction survey", "Published survey figures"]
    # Each group names its source, linked.
    kcpd = groups[1]
    assert any(isinstance(c, html.A) and c.href == "https://example.org/kcpd"
               for c in walk(kcpd))
    assert "2019" in texts(kcpd) and "n = 10 reports" in texts(kcpd)
    # A police count never sits under the survey heading.
    assert "reports" not in texts(groups[3])


def test_within_the_margin_and_the_change_between_waves_are_said_in_words():
    words = verdict_words(SURVEY)
    assert words == ("Within the margin of error: 47.9% is 2.1 points from the target of 50%, "
                     "no more than its 95% margin of error (± 3.2 points), so the survey cannot "
                     "tell whether the target was met.")
    # √(3.2² + 3.2²) = 4.53: a 0.3-point fall is no change.
    assert change_words(SURVEY) == ("Since December 2021: −0.3 points, no change beyond the "
                                    "margin of error (± 4.5 points).")
    facts = texts(headline_facts(SURVEY))
    assert "unweighted" in facts and "n = 939 respondents" in facts and "−0.3 points" in facts
    # Beyond the margin: a verdict, and no "within" words.
    assert verdict_words({**SURVEY, "status": verdicts.MISSED}) is None
    # A count's month-to-month change is no finding: not said.
    assert change_words(summary("kcpd", "kcpd", change=verdicts.IMPROVED,
                                previous_period="2024", previous_value=12.0)) is None
    page = area.render({"slug": "public-safety", "name": "Public Safety", "description": "",
                        "measures": [SURVEY]})
    assert "Within the margin of error: 47.9%" in texts(page)
    assert "Within the margin of error" in texts(with_class(page, "status-badge"))


def _point(period, value, segment=0, margin=None, n=100, status=verdicts.NO_TARGET):
    return {"period": period, "value": value, "n": n, "target": None, "partial": False,
            "provisional": False, "status": status, "eligible": None, "unknown": None,
            "numerator": None, "margin_of_error": margin, "coverage_share": None,
            "segment": segment, "change": None}


def test_a_break_in_the_series_is_marked_and_no_line_crosses_it():
    points = [_point(p, v, s) for p, v, s in [("2018-11", 700, 0), ("2018-12", 800, 0),
                                              ("2019-01", 600, 1), ("2019-02", 650, 1)]]
    detail = {**summary("kcpd-persons", "kcpd", series_break="2019-01"),
              "observations": points}
    figure = trend_figure(detail)
    assert figure.layout.separators == ".,"  # Plotly's own tick text, the language's way
    with i18n.using("es"):
        assert trend_figure(detail).layout.separators == ",."
    values = figure.data[0]
    assert list(values.x) == ["2018-11", "2018-12", "2019-01", "2019-02"]
    assert "lines" not in values.mode  # the points alone; lines come per side
    lines = [t for t in figure.data if t.mode == "lines" and t.name != "Target"]
    assert [list(t.x) for t in lines] == [["2018-11", "2018-12"], ["2019-01", "2019-02"]]
    (shape,) = figure.layout.shapes
    assert shape.x0 == shape.x1 == (date(2019, 1, 1) - timedelta(days=15)).isoformat()
    assert "2018-12" < shape.x0 < "2019-01"
    (note,) = [a for a in figure.layout.annotations if a.name == "series-break"]
    assert "no trend across this line" in note.text
    # The summary describes each side alone, never a lowest/highest across the break.
    words = measure.chart_summary(detail)
    assert "Before: 2 complete periods from November 2018 to December 2018" in words
    assert "From then: 2 complete periods from January 2019 to February 2019" in words
    # A yearly series breaks half way between 2018 and 2019.
    yearly = {**detail, "series_break": "2019", "observations": [
        _point("2018", 5, 0), _point("2019", 6, 1)]}
    assert trend_figure(yearly).layout.shapes[0].x0 == 2018.5
    # A series without a break keeps one line through its points.
    plain = trend_figure({**detail, "series_break": None,
                          "observations": [_point("2020-01", 1), _point("2020-02", 2)]})
    assert plain.data[0].mode == "lines+markers" and not plain.layout.shapes


def test_survey_values_carry_error_bars_and_their_margin_in_words():
    points = [_point("2021-09", 47.4, margin=3.1), _point("2021-12", 48.2, margin=3.2)]
    detail = {**SURVEY, "observations": points}
    figure = trend_figure(detail)
    assert list(figure.data[0].error_y.array) == [3.1, 3.2]
    assert figure.data[0].error_y.visible
    labels = [a.text for a in figure.layout.annotations if a.name == "value-with-margin"]
    assert labels == ["47.4% ± 3.1 points", "48.2% ± 3.2 points"]
    assert "47.4% ± 3.1 points" in figure.data[0].hovertext[0]
    table = measure.data_table(detail)
    assert "48.2% ± 3.2 points" in texts(table)
    assert "Bars show each value's 95% margin of error" in measure.chart_summary(detail)


def test_districts_are_an_accessible_table_with_caption_n_and_margin():
    rows = [{"period": "2021-09", "district": d, "value": 50.0 + int(d), "n": 150 + int(d),
             "numerator": 80, "margin_of_error": 7.5} for d in ("1", "2", "10")]
    section = measure.districts_section({**SURVEY, "districts": rows})
    (table,) = [c for c in walk(section) if isinstance(c, html.Table)
                or "districts-table" in (getattr(c, "className", "") or "")]
    caption = next(c for c in walk(table) if isinstance(c, html.Caption))
    assert "95% margin of error" in texts(caption) and "Unweighted" in texts(caption)
    row_heads = [texts(c) for c in walk(table) if isinstance(c, html.Th) and c.scope == "row"]
    assert row_heads == ["District 1", "District 2", "District 10"]
    assert all(c.scope == "col" for c in walk(table)
               if isinstance(c, html.Th) and c.scope != "row")
    assert "51% ± 7.5 points" in texts(table) and "n = 151 respondents" in texts(table)
    assert measure.districts_section({**SURVEY, "districts": []}) is None


def test_neighborhood_names_off_the_map_are_listed_with_their_count():
    rows = [{"neighborhood": "Old Westport", "value": 30.0, "request_count": 30,
             "window": "2025-07 to 2026-06"},
            {"neighborhood": "Atlantis", "value": 4.0, "request_count": 4,
             "window": "2025-07 to 2026-06"}]
    detail = {**summary("kcpd-persons", "kcpd"), "neighborhoods": rows}
    section = measure.neighborhoods_section(detail)
    (note,) = with_class(section, "not-on-map")
    assert texts(note) == ("Not on the map (1 name the boundary file does not have, 4 reports): "
                           "Atlantis. They are in the table.")
    assert "grey neighborhoods have no reports" in texts(section)


# --- Against the shared aggregates -----------------------------------------------------------


def test_the_public_safety_page_shows_the_police_counts_of_the_aggregates(sample_session):
    page = area.render(page_data.area_page(sample_session, "public-safety"))
    by_kind = {g.to_plotly_json()["props"]["data-kind"]: g
               for g in with_class(page, "source-group")}
    assert list(by_kind) == ["311", "kcpd", "fbi-ucr", "resident-survey", "survey"]
    monthly = shared("kcpd", "kcpd_incidents_monthly_placed_by_category.csv")
    last = monthly[monthly["month"] == monthly["month"].max()]
    kcpd_text = texts(by_kind["kcpd"])
    for row in last.itertuples():
        if row.category in ("persons", "property", "society", "other"):
            assert f"n = {row.placed_incidents:,} reports" in kcpd_text, row.category
    # The counts are of reports placed on the map: the share that had a location is said.
    share = last["year_placed_share"].iloc[0]
    said = ("share of reports with a location not known yet" if pd.isna(share)
            else f"location known for {share * 100:.1f}".rstrip("0").rstrip(".")
            + "% of reports")
    assert kcpd_text.count(said) == 4
    # A complete year's share, as the chart data table's values would carry it.
    persons = page_data.measure_page(sample_session, "kcpd-crimes-against-persons")
    december = next(p for p in persons["observations"] if p["period"] == "2025-12")
    assert december["coverage_share"] == monthly[
        (monthly["month"] == "2025-12")]["year_placed_share"].iloc[0]
    assert "location known for 92.5% of reports" in texts(headline_facts(
        {**persons, "coverage_share": december["coverage_share"]}))
    annual = shared("kcpd", "kcpd_incidents_annual_citywide.csv").iloc[-1]
    assert f"n = {annual.reported_incidents:,} reports" in kcpd_text
    ucr = shared("kcpd", "fbi_ucr_kcpd_annual_violent_property.csv").iloc[-1]
    fbi_text = texts(by_kind["fbi-ucr"])
    assert f"{ucr.ucr_violent_offenses:,}" in fbi_text and "offenses" in fbi_text
    assert not re.search(r"n = [\d,]+ reports", fbi_text)
    survey = shared("resident_survey", "kc_resident_survey_quarterly.csv")
    police = survey[(survey["question_id"] == "q3_01")].sort_values("label_month").iloc[-1]
    survey_text = texts(by_kind["resident-survey"])
    assert f"{police.value_pct}% ± {police.moe95_pct:.1f} points" in survey_text
    assert "Unweighted" in survey_text and not re.search(r"n = [\d,]+ reports", survey_text)


def test_the_kcpd_chart_breaks_at_2019_and_draws_the_aggregate(sample_session):
    detail = page_data.measure_page(sample_session, "kcpd-crimes-against-persons")
    figure = graph_figure(measure.render(detail))
    monthly = shared("kcpd", "kcpd_incidents_monthly_placed_by_category.csv")
    persons = monthly[monthly["category"] == "persons"].sort_values("month")
    assert list(figure.data[0].x) == persons["month"].tolist()
    assert list(figure.data[0].y) == persons["placed_incidents"].astype(float).tolist()
    lines = [t for t in figure.data if t.mode == "lines"]
    assert [(t.x[0], t.x[-1]) for t in lines] == [
        (persons["month"].iloc[0], "2018-12"), ("2019-01", persons["month"].iloc[-1])]
    assert [s.x0 for s in figure.layout.shapes] == ["2018-12-17"]
    # The data table says, month by month, the share of the year's reports with a location.
    table_rows = [[texts(cell) for cell in row.children] for row in walk(
        measure.data_table(detail)) if isinstance(row, html.Tr)]
    assert table_rows[0][-1] == "Reports with a location"
    by_period = {row[0]: row for row in table_rows[1:]}
    december = persons[persons["month"] == "2025-12"].iloc[0]
    assert by_period["December 2025"][1] == f"{december.placed_incidents:,}"
    assert by_period["December 2025"][-1] == (
        f"{december.year_placed_share * 100:.1f}".rstrip("0").rstrip(".") + "%")
    yearly = graph_figure(measure.render(
        page_data.measure_page(sample_session, "kcpd-reported-incidents")))
    annual = shared("kcpd", "kcpd_incidents_annual_citywide.csv")
    assert list(yearly.data[0].y) == annual["reported_incidents"].astype(float).tolist()
    assert [s.x0 for s in yearly.layout.shapes] == [2018.5]


def test_the_fbi_series_is_its_own_chart_never_joined_to_kcpd(sample_session):
    figure = graph_figure(measure.render(
        page_data.measure_page(sample_session, "fbi-ucr-violent-offenses")))
    ucr = shared("kcpd", "fbi_ucr_kcpd_annual_violent_property.csv")
    xs = [x for trace in figure.data for x in (trace.x or ()) if x is not None]
    assert sorted(set(xs)) == [str(y) for y in ucr["year"]]  # 1985–2014, nothing from KCPD
    assert list(figure.data[0].y) == ucr["ucr_violent_offenses"].astype(float).tolist()
    assert not figure.layout.shapes
    assert figure.layout.yaxis.title.text == "Offenses"


def test_a_survey_page_draws_the_margins_and_districts_of_the_aggregates(sample_session):
    page = measure.render(page_data.measure_page(sample_session, "survey-police-services"))
    survey = shared("resident_survey", "kc_resident_survey_quarterly.csv")
    waves = survey[survey["question_id"] == "q3_01"].sort_values("label_month")
    figure = graph_figure(page)
    assert list(figure.data[0].error_y.array) == waves["moe95_pct"].tolist()
    assert list(figure.data[0].y) == waves["value_pct"].tolist()
    labels = [a.text for a in figure.layout.annotations if a.name == "value-with-margin"]
    assert labels == [f"{r.value_pct:.1f}% ± {r.moe95_pct:.1f} points".replace(".0%", "%")
                      for r in waves.itertuples()]
    districts = shared("resident_survey", "kc_resident_survey_quarterly_by_district.csv")
    rows = districts[districts["question_id"] == "q3_01"]
    (table,) = with_class(page, "districts-table")
    cells = [texts(c) for c in walk(table) if isinstance(c, html.Td)]
    # Row by row: district 1's three waves, then district 2's...
    expected = [f"{r.value_pct:.1f}%".replace(".0%", "%") + f" ± {r.moe95_pct:.1f} points "
                f"n = {r.n_valid:,} respondents"
                for r in rows.sort_values(["council_district", "label_month"]).itertuples()]
    assert cells == expected
    assert "unweighted" in texts(page).lower()
    assert "Resident Survey, FY2021-22" in texts(with_class(page, "source"))


def test_every_kcpd_neighborhood_of_the_aggregate_is_on_the_map(sample_session):
    table = shared("kcpd", "kcpd_incidents_monthly_by_neighborhood.csv")
    names = set(table["neighborhood"])
    assert len(names) == 240
    shapes = outlines()
    # 246 features: 240 named (all of them the aggregate's names, exactly) and 6 unnamed.
    assert names <= set(shapes) and set(shapes) - names == {""}
    detail = page_data.measure_page(sample_session, "kcpd-crimes-against-property")
    section = measure.neighborhoods_section(detail)
    assert not with_class(section, "not-on-map")
    figure = next(c.figure for c in walk(section) if isinstance(c, dcc.Graph))
    drawn = [t["name"] for t in figure["data"]
             if t.get("name", "").endswith(("reports)", "report)"))]
    assert len(drawn) == 240
    months = sorted(table["month"].unique())[-12:]
    totals = table[table["month"].isin(months)].groupby("neighborhood")["property"].sum()
    name, top = totals.idxmax(), int(totals.max())
    assert f"{name}: {top:,} ({top:,} reports)" in drawn


@pytest.mark.parametrize("slug", ["finance", "economic-development", "public-safety"])
def test_areas_with_survey_measures_credit_the_survey_and_say_unweighted(sample_session, slug):
    page = area.render(page_data.area_page(sample_session, slug))
    (group,) = [g for g in with_class(page, "source-group")
                if g.to_plotly_json()["props"]["data-kind"] == "resident-survey"]
    words = texts(group)
    assert "City of Kansas City, MO Resident Survey, FY2021-22" in words
    assert words.count("unweighted sample") == len(with_class(group, "headline"))

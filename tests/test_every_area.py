"""Every goal area measured: the bundled police, FBI and resident-survey figures as measures.

The expected numbers are read from the CSVs under kcstat_dash/sample/ with pandas, from the
words of the data's README (what each column means), not from the app's code.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import select

from kcstat_dash.models import Meeting, NeighborhoodObservation
from kcstat_dash.services import citations, measures, open_data, verdicts
from kcstat_dash.services.meetings import seed_demo_meetings
from tests.conftest import SAMPLE_DIR

CATEGORY_MEASURES = {"persons": "kcpd-crimes-against-persons",
                     "property": "kcpd-crimes-against-property",
                     "society": "kcpd-crimes-against-society",
                     "other": "kcpd-reports-uncategorised"}
SURVEY_MEASURES = {"q2_02": "survey-value-for-taxes", "q2_01": "survey-quality-of-services",
                   "q3_13": "survey-communication", "q3_12": "survey-customer-service",
                   "q2_03": "survey-image-of-city", "q32_01": "survey-job-opportunities",
                   "q32_03": "survey-small-business-support",
                   "q32_04": "survey-economic-incentives", "q1_03": "survey-place-to-work",
                   "q3_16": "survey-planning-development", "q2_05": "survey-feeling-of-safety",
                   "q2_06": "survey-neighborhood-safety", "q5_03": "survey-crime-prevention",
                   "q3_01": "survey-police-services", "q3_02": "survey-fire-ems",
                   "q31_01": "survey-crime-victimisation"}


def _points(session, slug: str) -> dict[str, dict]:
    return {p["period"]: p for p in
            measures.observation_points(measures.get_measure(session, slug))}


def test_every_area_has_three_measures_with_words_source_n_period_and_coverage(sample_session):
    for area in measures.list_areas(sample_session):
        complete = [m for m in area["measures"]
                    if m["definition"] and m["source"] and m["source_url"]
                    and m["source_url"].startswith("https://") and m["n"] is not None
                    and m["latest_period"] and m["scope"] and m["data_through"]]
        assert len(complete) >= 3, (area["slug"], [m["slug"] for m in complete])


def test_monthly_crime_counts_equal_the_shared_aggregates(sample_session):
    table = pd.read_csv(SAMPLE_DIR / "kcpd_incidents_monthly_placed_by_category.csv")
    for category, slug in CATEGORY_MEASURES.items():
        rows = table[table["category"] == category]
        points = _points(sample_session, slug)
        assert sorted(points) == sorted(rows["month"])
        for row in rows.itertuples():
            point = points[row.month]
            # n for a count is the count itself.
            assert (point["value"], point["n"]) == (row.placed_incidents, row.placed_incidents)
            share = None if pd.isna(row.year_placed_share) else row.year_placed_share
            assert point["coverage_share"] == share
            assert point["status"] == verdicts.NO_TARGET


def test_yearly_reports_and_the_fbi_series_equal_the_shared_aggregates(sample_session):
    annual = pd.read_csv(SAMPLE_DIR / "kcpd_incidents_annual_citywide.csv")
    points = _points(sample_session, "kcpd-reported-incidents")
    assert {p: v["n"] for p, v in points.items()} == {
        str(r.year): r.reported_incidents for r in annual.itertuples()}
    ucr = pd.read_csv(SAMPLE_DIR / "fbi_ucr_kcpd_annual_violent_property.csv")
    violent = _points(sample_session, "fbi-ucr-violent-offenses")
    prop = _points(sample_session, "fbi-ucr-property-offenses")
    assert {p: v["value"] for p, v in violent.items()} == {
        str(r.year): r.ucr_violent_offenses for r in ucr.itertuples()}
    assert {p: v["value"] for p, v in prop.items()} == {
        str(r.year): r.ucr_property_offenses for r in ucr.itertuples()}
    assert min(violent) == "1985" and max(violent) == "2014"  # its own series, never joined


def test_neighborhood_map_sums_the_latest_twelve_months(sample_session):
    table = pd.read_csv(SAMPLE_DIR / "kcpd_incidents_monthly_by_neighborhood.csv.gz")
    months = sorted(table["month"].unique())[-12:]
    recent = table[table["month"].isin(months)].groupby("neighborhood")["persons"].sum()
    measure = measures.get_measure(sample_session, "kcpd-crimes-against-persons")
    rows = {r.neighborhood: r for r in sample_session.scalars(
        select(NeighborhoodObservation).where(NeighborhoodObservation.measure_id == measure.id))}
    assert len(rows) == 240
    assert {name: r.request_count for name, r in rows.items()} == recent.to_dict()
    assert {r.window for r in rows.values()} == {f"{months[0]} to {months[-1]}"}


def test_no_change_is_claimed_across_the_2019_records_break(sample_session):
    persons = _points(sample_session, "kcpd-crimes-against-persons")
    assert persons["2019-01"]["change"] == verdicts.ACROSS_BREAK
    assert persons["2018-12"]["segment"] == 0 and persons["2019-01"]["segment"] == 1
    assert persons["2019-02"]["change"] in (verdicts.IMPROVED, verdicts.WORSENED,
                                            verdicts.NO_CLEAR_CHANGE)
    yearly = _points(sample_session, "kcpd-reported-incidents")
    assert yearly["2019"]["change"] == verdicts.ACROSS_BREAK
    summary = next(m for m in measures.list_measures(sample_session, "public-safety")
                   if m["slug"] == "kcpd-crimes-against-persons")
    assert summary["series_break"] == "2019-01" and "2019" in summary["caveat"]
    assert "240" in summary["caveat"]  # the share placed in a neighborhood


def test_survey_waves_equal_the_shared_aggregates_with_n_and_margin(sample_session):
    table = pd.read_csv(SAMPLE_DIR / "kc_resident_survey_quarterly.csv")
    for question, slug in SURVEY_MEASURES.items():
        rows = table[table["question_id"] == question]
        points = _points(sample_session, slug)
        assert len(rows) == len(points) == 3, slug
        for row in rows.itertuples():
            point = points[row.label_month]
            assert (point["value"], point["n"], point["numerator"], point["margin_of_error"]) \
                == (row.value_pct, row.n_valid, row.numerator, row.moe95_pct), slug
    detail = measures.measure_detail(sample_session, "survey-value-for-taxes")
    assert "unweighted" in detail["source"] and "unweighted" in detail["definition"].lower()
    assert "Resident Survey, FY2021-22" in detail["source"]


def test_survey_values_by_council_district(sample_session):
    table = pd.read_csv(SAMPLE_DIR / "kc_resident_survey_quarterly_by_district.csv.gz")
    rows = table[table["question_id"] == "q5_03"]
    districts = measures.measure_detail(sample_session, "survey-crime-prevention")["districts"]
    assert len(districts) == len(rows) == 18
    got = {(d["period"], d["district"]): (d["value"], d["n"], d["margin_of_error"])
           for d in districts}
    assert got == {(r.label_month, str(r.council_district)): (r.value_pct, r.n_valid,
                                                              r.moe95_pct)
                   for r in rows.itertuples()}


def test_a_survey_verdict_only_beyond_the_margin(sample_session):
    # Value for taxes, 2022-03: 33.6% ± 3.0 points (n 969).
    measure = measures.get_measure(sample_session, "survey-value-for-taxes")
    measures.set_target(sample_session, measure, "2021-09", 35.0)
    assert _points(sample_session, measure.slug)["2022-03"]["status"] == verdicts.WITHIN_MARGIN
    measures.set_target(sample_session, measure, "2021-09", 40.0)
    assert _points(sample_session, measure.slug)["2022-03"]["status"] == verdicts.MISSED
    measures.set_target(sample_session, measure, "2021-09", 30.0)
    assert _points(sample_session, measure.slug)["2022-03"]["status"] == verdicts.MET


@pytest.mark.parametrize("earlier,later,m1,m2,expected", [
    (31.1, 33.6, 2.9, 3.0, verdicts.NO_CLEAR_CHANGE),  # 2.5 < √(2.9² + 3.0²) ≈ 4.2
    (30.0, 36.0, 2.9, 3.0, verdicts.IMPROVED),
    (36.0, 30.0, 2.9, 3.0, verdicts.WORSENED),
    (100.0, 90.0, None, None, verdicts.WORSENED),  # a count: any change is a change
])
def test_change_between_waves(earlier, later, m1, m2, expected):
    assert verdicts.judge_change(earlier, later, "higher", earlier_margin=m1,
                                 later_margin=m2) == expected


def test_within_margin_has_words():
    assert verdicts.status_label(verdicts.WITHIN_MARGIN) == "Within the margin of error"
    assert verdicts.judge(48.0, 900, 50.0, "higher", judged_on_n=True, margin=3.1) \
        == verdicts.WITHIN_MARGIN
    assert not verdicts.is_verdict(verdicts.WITHIN_MARGIN)


def test_demo_meetings_rotate_through_all_six_areas_with_measures(sample_session):
    areas = {m.area.slug for m in sample_session.scalars(select(Meeting))}
    assert len(areas) == 6
    seed_demo_meetings(sample_session, datetime(2026, 1, 1, tzinfo=UTC))  # already seeded: none
    for area in measures.list_areas(sample_session):
        with_data = [m for m in area["measures"] if m["latest_value"] is not None]
        assert len(with_data) >= 3, area["slug"]


def test_citations_and_open_data_carry_margin_and_coverage(sample_session):
    cited = citations.published_now(sample_session, "survey-police-services", "2022-03")
    row = pd.read_csv(SAMPLE_DIR / "kc_resident_survey_quarterly.csv").query(
        "question_id == 'q3_01' and label_month == '2022-03'").iloc[0]
    assert (cited["value"], cited["n"], cited["margin_of_error"], cited["numerator"]) == (
        row.value_pct, row.n_valid, row.moe95_pct, row.numerator)
    assert "Unweighted" in cited["coverage"]["caveat"]
    police = citations.published_now(sample_session, "kcpd-crimes-against-property", "2017-06")
    assert police["coverage_share"] == 0.694 and police["coverage"]["series_break"] == "2019-01"
    assert police["source"]["url"] == "https://data.kcmo.org/d/98is-shjt"  # the 2017 table
    document = open_data.open_data(sample_session)
    survey = next(m for m in document["measures"] if m["slug"] == "survey-police-services")
    assert survey["observations"][-1]["margin_of_error"] == row.moe95_pct
    assert "Unweighted" in survey["caveat"]
    text = open_data.open_data_csv(sample_session)
    assert "margin_of_error" in text.splitlines()[0] and "coverage_share" in text.splitlines()[0]

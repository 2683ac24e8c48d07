"""Every area in real Chromium (issue 17): the police chart marks KCPD's 2019 break with no line
across it, a survey chart draws its margins of error, and the pages pass axe-core.

With KCSTAT_SCREENSHOTS=1 it writes docs/screenshots/public-safety-area.png, finance-area.png,
survey-measure.png and police-measure.png (the README shows them).
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, axe_violations, describe, wait_until
from tests.test_every_area_ui import shared

CHART = ".trend-chart .js-plotly-plot"


def full_page_screenshot(page, name: str) -> None:
    """The whole page as docs/screenshots/<name>.png, only when KCSTAT_SCREENSHOTS=1."""
    if os.environ.get("KCSTAT_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True,
                    animations="disabled", caret="hide", scale="css")


def headline_to_chart_screenshot(page, name: str) -> None:
    """A measure page from its title down to the chart's foot (the headline with its n and
    margin, the summary, the chart), only when KCSTAT_SCREENSHOTS=1."""
    if os.environ.get("KCSTAT_SCREENSHOTS") != "1":
        return
    box = page.evaluate("""() => {
        const top = document.querySelector('main h1').getBoundingClientRect().top;
        const end = document.querySelector('.trend-chart').getBoundingClientRect().bottom;
        return {y: top + window.scrollY - 24, height: end - top + 48};
    }""")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True,
                    clip={"x": 0, "y": box["y"], "width": 1280, "height": box["height"]},
                    animations="disabled", caret="hide", scale="css")


def drawn(page) -> None:
    """Wait until the trend chart has drawn its points."""
    page.locator(f"{CHART} .main-svg").first.wait_for()
    wait_until(page, "() => document.querySelectorAll('.trend-chart .scatterlayer .point')"
               ".length > 0")


def test_the_police_chart_marks_the_2019_break_and_draws_no_line_across_it(
        shared_live_server, page):
    page.goto(shared_live_server.url + "/measures/kcpd-crimes-against-persons")
    drawn(page)
    # The marker is drawn (a shape in the SVG) and its reason written on the chart.
    expect(page.locator(".trend-chart .shapelayer path")).to_have_count(1)
    expect(page.locator(".trend-chart .annotation-text")).to_contain_text(
        "records system changed in 2019; no trend across this line")
    chart = page.evaluate("""() => {
        const gd = document.querySelector('.trend-chart .js-plotly-plot');
        const xa = gd._fullLayout.xaxis, shape = gd._fullLayout.shapes[0];
        const lines = gd.data.filter(t => t.mode === 'lines');
        return {lines: lines.map(t => [t.x[0], t.x[t.x.length - 1]]), points: gd.data[0].mode,
                breakAt: xa.d2l(shape.x0), dec: xa.d2l('2018-12'), jan: xa.d2l('2019-01')};
    }""")
    assert chart["points"] == "markers"
    assert chart["lines"][0][1] == "2018-12" and chart["lines"][1][0] == "2019-01"
    assert chart["dec"] < chart["breakAt"] < chart["jan"]
    expect(page.locator("#chart-summary")).to_contain_text("the two sides are not compared")
    headline_to_chart_screenshot(page, "police-measure")


def test_a_survey_chart_draws_its_margins_of_error_and_districts(shared_live_server, page):
    # The values and margins from the shared aggregate, not from the app.
    table = shared("resident_survey", "kc_resident_survey_quarterly.csv")
    waves = table[table["question_id"] == "q3_01"].sort_values("label_month")
    page.goto(shared_live_server.url + "/measures/survey-police-services")
    drawn(page)
    # One error bar per wave, each as tall as twice its margin on the chart's own scale.
    bars = page.evaluate("""() => {
        const gd = document.querySelector('.trend-chart .js-plotly-plot');
        const ya = gd._fullLayout.yaxis;
        return [...gd.querySelectorAll('.errorbars .errorbar path')].map(
            p => p.getBBox().height / Math.abs(ya.l2p(0) - ya.l2p(1)));
    }""")
    margins = waves["moe95_pct"].tolist()
    assert len(bars) == len(margins) == 3
    for height, margin in zip(bars, margins, strict=True):
        assert height == pytest.approx(2 * margin, rel=0.05)
    latest = waves.iloc[-1]
    written = f"{latest.value_pct:.1f}% ± {latest.moe95_pct:.1f} points"
    expect(page.locator(".trend-chart .annotation-text").last).to_have_text(written)
    expect(page.locator(".headline-value")).to_contain_text(written)
    expect(page.locator(".headline-value")).to_contain_text("unweighted")
    table = page.locator(".districts-table")
    expect(table.locator("caption")).to_contain_text("95% margin of error")
    expect(table.locator("tbody tr")).to_have_count(6)
    headline_to_chart_screenshot(page, "survey-measure")


@pytest.mark.parametrize("slug, shot", [("public-safety", "public-safety-area"),
                                        ("finance", "finance-area")])
def test_area_pages_group_by_source_and_pass_axe(shared_live_server, page, slug, shot):
    page.goto(shared_live_server.url + f"/areas/{slug}")
    expect(page.locator("main h1")).to_be_visible()
    page.wait_for_load_state("networkidle")
    headings = page.locator(".source-group h2").all_inner_texts()
    assert "From the resident satisfaction survey" in headings
    if slug == "public-safety":
        assert headings.index("From KCPD crime reports") < headings.index(
            "FBI Uniform Crime Reporting (historical, peer context)") < headings.index(
            "From the resident satisfaction survey")
        police = page.locator(".source-kcpd")
        expect(police).to_contain_text("Crimes against persons reported")
        expect(page.locator(".source-resident-survey")).not_to_contain_text(
            "Crimes against persons reported")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    full_page_screenshot(page, shot)

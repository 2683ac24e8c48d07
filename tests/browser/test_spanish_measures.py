"""The measures pages in real Chromium set to Spanish: Spanish words, a chart whose axis and
hover speak Spanish (months named by Babel, a decimal comma), and axe-core clean."""

from __future__ import annotations

import re

from tests.browser.conftest import screenshot, wait_until

SPANISH = {"locale": "es-MX", "viewport": {"width": 1280, "height": 900}}
# Spanish month abbreviations (CLDR), lower case, with their year: "mar 2019", "sept 2020".
SPANISH_MONTH = re.compile(r"^(ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic) \d{4}$")
MEASURE = "311-median-days-to-close"


def test_a_spanish_browser_reads_the_overview_and_a_measure_in_spanish(live_server, new_page):
    page = new_page(**SPANISH)
    page.goto(live_server.url + "/")
    page.locator("main h1").wait_for()
    assert page.locator("main h1").inner_text() == "Indicadores de desempeño de KCStat"
    assert page.locator("html").get_attribute("lang") == "es"
    wait_until(page, "() => document.title.startsWith('KCStat Dash — Resumen')")

    page.get_by_role("link", name="Mediana de días para cerrar una solicitud al 311").first.click()
    page.wait_for_url(f"**/measures/{MEASURE}")
    page.locator(".trend-chart .main-svg").first.wait_for()
    assert "Lo que dice la ciudad" in page.locator("main").inner_text()

    ticks = page.locator(".trend-chart .xtick text").all_text_contents()
    assert ticks and all(SPANISH_MONTH.match(t) for t in ticks), ticks

    marker = page.locator(".trend-chart .scatterlayer .trace").first.locator(".points path")
    marker.nth(0).scroll_into_view_if_needed()
    box = marker.nth(0).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_until(page, "() => (document.querySelector('.trend-chart .hoverlayer') || {})"
                     ".textContent?.includes('día')")
    hover = page.locator(".trend-chart .hoverlayer").text_content()
    assert SPANISH_MONTH.match(hover.split(":")[0].strip()), hover
    assert "solicitud" in hover and "request" not in hover
    screenshot(page, "measure-es")


# Every public page in Spanish under axe: tests/browser/test_spanish_journey.py.

"""The measures pages in real Chromium: they render the real numbers and pass axe-core."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, describe


def test_overview_to_measure_shows_the_real_latest_value(live_server, page):
    api = page.request.get(live_server.url + "/api/measures/pothole-on-time-rate").json()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Pothole requests closed on time").first.click()
    page.wait_for_url("**/measures/pothole-on-time-rate")
    headline = page.locator(".headline-value")
    headline.wait_for()
    assert f"{api['latest_value']:.0f}%" in headline.inner_text()
    page.locator(".trend-chart .main-svg").first.wait_for()


@pytest.mark.parametrize("path", ["/", "/areas/infrastructure", "/areas/economic-development",
                                  "/measures/pothole-on-time-rate"])
def test_pages_have_no_serious_accessibility_violations(live_server, page, path):
    page.goto(live_server.url + path)
    page.locator("main h1").wait_for()
    violations = axe_violations(page)
    assert not violations, describe(violations)

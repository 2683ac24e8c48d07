"""The neighborhood map draws offline: filled outlines, one per neighborhood in the table."""

from __future__ import annotations

from urllib.parse import urlparse

from tests.browser.conftest import ARTIFACTS


def test_map_draws_every_neighborhood_without_leaving_the_app(live_server, page):
    outside = []
    page.on("request", lambda request: outside.append(request.url)
            if urlparse(request.url).hostname not in ("127.0.0.1", None) else None)
    page.goto(live_server.url + "/measures/311-on-time-rate")
    figure = page.locator(".neighborhoods .neighborhood-map .main-svg").first
    figure.wait_for()
    rows = page.locator(".neighborhoods table tbody tr").count()
    assert rows > 0
    # Each neighborhood in the table is a filled shape on the map (plus the grey context
    # trace and the colour bar's carrier), and the colour bar names the unit.
    filled = page.locator(".neighborhoods .neighborhood-map .scatterlayer .trace .js-fill")
    assert filled.count() >= rows
    assert "Percent" in page.locator(".neighborhoods .neighborhood-map .colorbar").text_content()
    box = page.locator(".neighborhoods .neighborhood-map .scatterlayer").bounding_box()
    assert box["width"] > 200 and box["height"] > 200
    assert not outside, f"the page asked the network for {outside}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".neighborhoods").screenshot(path=str(ARTIFACTS / "neighborhood-map.png"))

"""The overview and a measure page on a phone-sized screen (390x844, as an iPhone 12-15)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    yield context.new_page()
    context.close()


def _overflow(page) -> int:
    """How far the page is wider than the screen (0 when nothing scrolls sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("path, ready", [
    ("/", ".area-card"),
    ("/measures/pothole-on-time-rate", ".trend-chart .main-svg"),
    ("/areas/infrastructure", ".measures-table"),
])
def test_pages_fit_a_phone_screen(live_server, phone, path, ready):
    phone.goto(live_server.url + path)
    phone.locator(ready).first.wait_for()
    phone.wait_for_timeout(300)  # let plotly size itself to the container
    name = path.strip("/").replace("/", "-") or "overview"
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
    phone.screenshot(path=str(ARTIFACTS / f"phone-{name}-first-screen.png"))
    assert _overflow(phone) <= 0
    # Nothing inside scrolls sideways either: every status badge is on the screen.
    for badge in phone.locator(".status-badge").all()[:12]:
        box = badge.bounding_box()
        assert box is None or box["x"] + box["width"] <= PHONE["width"], badge.inner_text()
    # The navigation collapses behind its toggle, and the toggle opens it.
    toggle = phone.locator(".navbar-toggler")
    assert toggle.is_visible()
    toggle.click()
    phone.get_by_role("link", name="Overview").wait_for(state="visible")

"""The overview and a measure page on a phone-sized screen (390x844, as an iPhone 12-15)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, wait_until

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


def test_a_phone_asks_from_the_ask_page_without_downloading_plotly(live_server, phone):
    """The page residents open in the room: no chart library on the wire, the flag by list."""
    from sqlalchemy import select

    from kcstat_dash.db import db
    from kcstat_dash.models import Meeting, Question

    session = db.new_session()
    meeting_id = session.scalar(select(Meeting.id).where(Meeting.status == "live"))
    session.close()
    requested: list[str] = []
    phone.on("request", lambda request: requested.append(request.url))
    phone.goto(f"{live_server.url}/meetings/{meeting_id}/ask")
    question = phone.get_by_label("Your question")
    question.wait_for()
    phone.wait_for_load_state("networkidle")
    assert _overflow(phone) <= 0
    phone.locator("#ask-measure").select_option("pothole-on-time-rate")
    # The period list is filled from the measure's values once one is picked.
    wait_until(phone, "document.querySelectorAll('#ask-period option').length > 2")
    period = phone.locator("#ask-period option").nth(2).get_attribute("value")
    phone.locator("#ask-period").select_option(period)
    question.fill("Why was this month slower?")
    phone.get_by_role("button", name="Send question").tap()
    phone.locator(".ask-sent").wait_for()
    plotly = [url for url in requested if "plotly" in url.rsplit("/", 1)[-1].lower()]
    assert not plotly, plotly
    session = db.new_session()
    try:
        stored = session.scalar(select(Question).order_by(Question.id.desc()).limit(1))
        assert stored.text == "Why was this month slower?"
        assert (stored.measure.slug, stored.period) == ("pothole-on-time-rate", period)
    finally:
        session.close()

"""A resident's first visit in real Chromium: on a phone by touch, and by keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot, wait_until

AREA = ("infrastructure", "Infrastructure and Transportation")
MEASURE = ("pothole-on-time-rate", "Pothole requests closed on time")
AREA_NAMES = ["Neighborhoods and Healthy Communities", "Finance and Governance",
              "Infrastructure and Transportation", "Economic Development", "Public Safety",
              "Customer Service"]


def fits_the_screen(page) -> None:
    """Nothing wider than the viewport: no sideways scrolling on a phone."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]}px wide on a {widths[1]}px screen"


def focused(page) -> dict:
    """What has the keyboard focus, and whether it is drawn (an outline or a box shadow)."""
    return page.evaluate("""() => {
        const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
        return {tag: e.tagName, id: e.id, text: (e.innerText || e.textContent || '').trim(),
                href: e.getAttribute('href'), onScreen: r.right > 0 && r.bottom > 0 &&
                r.left < innerWidth && r.top < innerHeight && r.width > 0,
                drawn: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
                       || (s.boxShadow && s.boxShadow !== 'none')};
    }""")


def tab_to(page, text: str, key: str = "Tab", limit: int = 80) -> dict:
    """Press Tab (or Shift+Tab) until the focused element's text is ``text``; every stop on the
    way must be visibly focused and on screen (WCAG 2.4.7)."""
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        if now["tag"] not in ("BODY", "MAIN"):
            assert now["drawn"], f"focus on {now} is not visible"
        if now["text"] == text:
            assert now["onScreen"], f"{text!r} has focus but is off screen"
            return now
    raise AssertionError(f"{text!r} was never reached with {key}")


@pytest.fixture
def keyboard_page(browser):
    """A desktop page that never scrolls smoothly, so where focus lands can be read at once."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  reduced_motion="reduce")
    yield context.new_page()
    context.close()


def test_first_visit_on_a_phone_overview_area_measure_ask(shared_live_server, phone):
    page = phone
    page.goto(shared_live_server.url + "/")
    expect(page.locator("main h1")).to_have_text("KCStat performance measures")
    fits_the_screen(page)
    screenshot(page, "overview-phone")

    # On a phone the menu is folded behind the toggler; a tap shows the areas and the meetings.
    menu = page.locator("#nav-collapse")
    toggler = page.get_by_role("button", name="Toggle navigation")
    expect(menu.get_by_role("link", name="Meetings")).to_be_hidden()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    toggler.tap()
    expect(menu.get_by_role("link", name="Meetings")).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    menu.get_by_role("button", name="Goal areas").tap()
    for name in AREA_NAMES:
        expect(menu.get_by_role("link", name=name)).to_be_visible()
    screenshot(page, "menu-phone")
    menu.get_by_role("link", name=AREA[1]).tap()
    page.wait_for_url(f"**/areas/{AREA[0]}")
    expect(page.locator("main h1")).to_have_text(AREA[1])
    expect(menu.get_by_role("link", name="Meetings")).to_be_hidden()  # folded away again
    fits_the_screen(page)

    page.locator("main").get_by_role("link", name=MEASURE[1]).tap()
    page.wait_for_url(f"**/measures/{MEASURE[0]}")
    expect(page.locator("main h1")).to_have_text(MEASURE[1])
    expect(page.locator(".headline-value .status-badge")).to_be_visible()
    page.locator(".trend-chart .main-svg").first.wait_for()
    # The chart is drawn to the phone's width, not wider.
    chart = page.locator(".trend-chart").bounding_box()
    assert chart["x"] >= 0 and chart["x"] + chart["width"] <= PHONE["viewport"]["width"]
    fits_the_screen(page)
    screenshot(page, "measure-phone")

    # The chart's text alternative opens with a tap and holds the numbers.
    page.get_by_text("Data table (latest").tap()
    expect(page.locator(".data-table table tbody tr").first).to_be_visible()

    # To ask about it: the menu's Meetings, the live meeting, its ask form.
    page.get_by_role("button", name="Toggle navigation").tap()
    menu.get_by_role("link", name="Meetings").tap()
    page.wait_for_url("**/meetings")
    page.get_by_text("Ask a question").tap()
    page.wait_for_url("**/meetings/*/ask")
    question = page.get_by_label("Your question")
    expect(question).to_be_visible()
    fits_the_screen(page)
    question.tap()
    question.fill("Why were so many pothole requests late in 2019?")
    page.locator("#ask-measure").select_option(MEASURE[0])
    page.locator("#ask-heading").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('ask-heading').scrollIntoView()")
    screenshot(page, "meeting-phone")
    page.get_by_role("button", name="Send question").tap()
    expect(page.locator(".ask-sent")).to_contain_text("once a moderator approves it")
    expect(question).to_have_value("")


def test_the_same_journey_by_keyboard_alone(shared_live_server, keyboard_page):
    page = keyboard_page
    page.goto(shared_live_server.url + "/")
    expect(page.locator("main h1")).to_be_visible()

    # The first Tab shows the skip link; Enter takes focus past the navigation into main.
    skip = tab_to(page, "Skip to main content")
    assert skip["href"] == "#main"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    first_in_main = page.evaluate("document.querySelector('main a').innerText.trim()")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == first_in_main

    # Back up into the navigation; its dropdown opens with Enter and its items are reachable.
    tab_to(page, "Goal areas", key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".site-nav").get_by_role("link", name=AREA[1])).to_be_visible()
    tab_to(page, AREA[1])
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/areas/{AREA[0]}")
    expect(page.locator("main h1")).to_have_text(AREA[1])
    # The menu changed the page without a reload: focus is on the new page's main, not lost on
    # a link that no longer exists.
    wait_until(page, "document.activeElement.id === 'main'")

    tab_to(page, MEASURE[1])
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/measures/{MEASURE[0]}")
    expect(page.locator("main h1")).to_have_text(MEASURE[1])
    # (A plain link loads the page afresh: focus starts at the top, as on any web page.)
    assert focused(page)["tag"] in ("MAIN", "BODY")

    # The data table behind the chart opens with Space.
    tab_to(page, "Data table (latest 24 periods)")
    page.keyboard.press("Space")
    expect(page.locator(".data-table table tbody tr").first).to_be_visible()

    # Back up to the menu's Meetings, on to the live meeting, and ask, all by keyboard.
    tab_to(page, "Meetings", key="Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/meetings")
    expect(page.locator("main h1")).to_be_visible()
    tab_to(page, "Ask a question")
    page.keyboard.press("Enter")
    page.wait_for_url("**/meetings/*/ask")
    expect(page.get_by_label("Your question")).to_be_visible()
    while focused(page)["id"] != "ask-text":
        tab_to(page, "")  # the form's fields have no text of their own
    page.keyboard.type("Which neighborhoods wait longest for a pothole repair?")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "ask-name"
    page.keyboard.type("Sam")
    page.keyboard.press("Tab")
    # The measure on screen comes first: its latest month, one key to flag it.
    assert focused(page)["id"].startswith('{"measure":"pothole-on-time-rate"'), focused(page)
    page.keyboard.press("Enter")
    expect(page.locator("#flag-hint")).to_contain_text(
        "Flagged: Pothole requests closed on time, August 2020.")
    tab_to(page, "Send question")
    page.keyboard.press("Enter")
    expect(page.locator(".ask-sent")).to_contain_text("once a moderator approves it")


def test_the_phone_menu_opens_and_closes_by_keyboard(shared_live_server, browser):
    context = browser.new_context(viewport=PHONE["viewport"], reduced_motion="reduce")
    page = context.new_page()
    try:
        page.goto(shared_live_server.url + "/")
        meetings = page.locator("#nav-collapse").get_by_role("link", name="Meetings")
        expect(meetings).to_be_hidden()
        tab_to(page, "")  # the toggler has no text, only its label
        assert page.evaluate("document.activeElement.id") == "nav-toggle"
        page.keyboard.press("Enter")
        expect(meetings).to_be_visible()
        tab_to(page, "Goal areas")
        page.keyboard.press("Space")
        last_area = page.locator(".site-nav").get_by_role("link", name=AREA_NAMES[-1])
        expect(last_area).to_be_visible()
        page.keyboard.press("Escape")
        expect(last_area).to_be_hidden()
        tab_to(page, "", key="Shift+Tab")
        page.keyboard.press("Space")
        expect(meetings).to_be_hidden()
    finally:
        context.close()

"""Every page of the app scanned by axe-core in real Chromium (WCAG 2.0/2.1 A and AA).

The pages come from Dash Pages' own registry (and the Flask routes that answer with HTML), so a
page added later is scanned without anyone remembering to list it here.
"""

from __future__ import annotations

import re

import dash
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from kcstat_dash.db import db
from kcstat_dash.models import Area, Citation, Measure, Meeting, Observation
from kcstat_dash.services import citations
from kcstat_dash.web.app import create_app
from tests.browser.conftest import axe_violations, describe, screenshot
from tests.conftest import make_settings

# Paths of the app that are not pages for people (JSON, files, Dash's own endpoints).
NOT_PAGES = re.compile(r"^/(api|_dash|_reload|_favicon|assets|static|health|metrics|feeds?)\b"
                       r"|\.(json|csv|ics|xlsx|txt|xml)$")


# The README's pictures of the main pages (desktop), written when KCSTAT_SCREENSHOTS=1.
SCREENSHOT_NAMES = {"/": "overview", "/areas/<slug>": "area", "/measures/<slug>": "measure",
                    "/meetings": "meetings", "/meetings/<meeting_id>": "meeting",
                    "/meetings/<meeting_id>/projector": "projector",
                    "/cite/<citation_id>": "citation", "/404": "not-found"}


def registered_pages() -> list[str]:
    """The path (or path template) of every Dash page, from a freshly built app's registry."""
    create_app(make_settings("sqlite://"))
    pages = [page.get("path_template") or page["path"] for page in dash.page_registry.values()]
    db.engine.dispose()
    return sorted(set(pages))


PAGES = registered_pages()


def sample_values(session, template: str, variable: str) -> list[str]:
    """Concrete values from the sample data for a path template's variable (one or two, chosen
    to cover the page's different shapes)."""
    if template.startswith("/areas/"):
        slugs = session.scalars(select(Area.slug).order_by(Area.id)).all()
        return ["infrastructure" if "infrastructure" in slugs else slugs[0]]
    if template.startswith("/measures/"):
        # A 311 measure (trend, map, neighborhoods) and a survey measure (yearly, peers).
        survey = session.scalar(select(Measure.slug).where(Measure.kind != "311")
                                .order_by(Measure.id))
        return ["311-on-time-rate", survey]
    if variable == "meeting_id":
        live = session.scalar(select(Meeting.id).where(Meeting.status == "live"))
        scheduled = session.scalar(select(Meeting.id).where(Meeting.status == "scheduled")
                                   .order_by(Meeting.starts_at))
        return [str(live), str(scheduled)]
    if variable == "citation_id":
        citation = session.scalar(select(Citation.id).order_by(Citation.id))
        if citation is None:  # the sample has none: cite the pothole headline, as a user would
            # (the latest complete month: 12 requests, so the page shows a too-few value, its
            # n, the data's last day and the sample's coverage)
            latest = session.scalar(select(Observation.period).join(Measure)
                                    .where(Measure.slug == "pothole-on-time-rate",
                                           Observation.partial.is_(False))
                                    .order_by(Observation.period.desc()))
            citation = citations.create_citation(session, "pothole-on-time-rate", latest).id
            session.commit()
        return [str(citation)]
    raise AssertionError(f"{template}: tell sample_values() which sample {variable} to scan")


def concrete_paths(template: str) -> list[str]:
    variables = re.findall(r"<(\w+)>", template)
    if not variables:
        return [template]
    session = db.new_session()
    try:
        paths = [template]
        for variable in variables:
            values = sample_values(session, template, variable)
            paths = [p.replace(f"<{variable}>", v) for p in paths for v in values]
        return paths
    finally:
        session.close()


def scan(page, url: str) -> list[dict]:
    page.goto(url)
    expect(page.locator("main h1").first).to_be_visible()
    page.wait_for_load_state("networkidle")  # charts and callbacks have drawn
    return axe_violations(page)


def charts_without_text(page) -> list[str]:
    """Charts whose box (section, figure, card) holds no text alternative: a written summary
    (.chart-summary), a caption or a table of the values."""
    return page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
        .filter(chart => {
            const box = chart.closest('figure, section, article, .card');
            return !box || !box.querySelector('.chart-summary, figcaption, table');
        })
        .map(chart => chart.closest('[id]') ? chart.closest('[id]').id : chart.className)""")


@pytest.mark.parametrize("template", PAGES)
def test_every_page_has_no_serious_accessibility_violations(shared_live_server, page, template):
    paths = concrete_paths(template)
    if not paths:
        pytest.skip(f"the sample has nothing to show at {template}")
    for number, path in enumerate(paths):
        violations = scan(page, shared_live_server.url + path)
        assert not violations, f"{path}:\n{describe(violations)}"
        assert not charts_without_text(page), f"{path}: charts with no text alternative"
        if number == 0 and template in SCREENSHOT_NAMES:
            screenshot(page, SCREENSHOT_NAMES[template])


def test_an_unknown_address_has_a_page_that_says_what_to_do(shared_live_server, page):
    page.goto(shared_live_server.url + "/no/such/page")
    expect(page.locator("main h1")).to_have_text("We could not find that page")
    expect(page).to_have_title(re.compile("Page not found"))
    # It offers the ways on: the overview, each of the six areas, the meetings.
    links = page.locator("main a")
    expect(links).to_have_count(8)
    page.locator("main").get_by_role("link", name="Public Safety").click()
    page.wait_for_url("**/areas/public-safety")
    expect(page.locator("main h1")).to_have_text("Public Safety")


def test_the_not_found_page_passes_axe(shared_live_server, page):
    violations = scan(page, shared_live_server.url + "/no/such/page")
    assert not violations, describe(violations)


def flask_html_pages(server) -> list[str]:
    """Flask routes (login and the like) that a person opens: GET, no variables, HTML."""
    client = server.app.server.test_client()
    paths = []
    for rule in server.app.server.url_map.iter_rules():
        path = rule.rule
        if "GET" not in rule.methods or rule.arguments or NOT_PAGES.search(path):
            continue
        if path in PAGES:
            continue
        response = client.get(path)
        # Dash's own index page (served for any path) is scanned above, page by page.
        if (response.status_code == 200 and response.mimetype == "text/html"
                and b"_dash-renderer" not in response.data):
            paths.append(path)
    return paths


def test_flask_rendered_pages_have_no_serious_accessibility_violations(shared_live_server, page):
    paths = flask_html_pages(shared_live_server)
    if not paths:
        pytest.skip("no Flask-rendered HTML pages yet")
    for path in paths:
        page.goto(shared_live_server.url + path)
        page.wait_for_load_state("networkidle")
        violations = axe_violations(page)
        assert not violations, f"{path}:\n{describe(violations)}"


def test_the_moderator_queue_with_a_question_in_each_status_passes_axe(live_server, page):
    """The queue in its busy state: pending, published (approved, pinned), answered, hidden,
    rejected with a reason, merged; one chosen, and a meeting's confirmation open."""
    from tests.browser.test_moderation_pages import sign_in
    from tests.staff import make_meeting, make_question, make_user

    session = db.new_session()
    make_user(session)
    meeting = make_meeting(session, title="Busy KCStat")
    measure = session.scalar(select(Measure).where(Measure.slug == "pothole-on-time-rate"))
    kept = make_question(session, meeting, text="Approved and pinned", status="approved",
                         measure_id=measure.id, period="2024-03", upvotes=4)
    for text, values in [("Still pending", {}), ("Answered", {"status": "answered",
                                                              "answer": "Crews are back."}),
                         ("Hidden", {"status": "hidden"}),
                         ("Rejected", {"status": "rejected", "reject_reason": "off-topic"}),
                         ("Merged", {"status": "merged", "merged_into_id": kept.id}),
                         ("Held", {"held_reason": "profanity"})]:
        make_question(session, meeting, text=text, **values)
    session.commit()
    meeting_id = meeting.id
    session.close()
    sign_in(page, live_server.url)
    page.wait_for_url("**/moderate")
    page.get_by_label("Meeting", exact=True).select_option(str(meeting_id))
    page.get_by_label("Status").select_option(label="Any status")
    expect(page.locator("#mod-queue .queue-item")).to_have_count(7)
    page.get_by_role("button", name=f"Open #{kept.id}").click()
    page.locator("#mod-detail").get_by_text("Approved and pinned").wait_for()
    page.get_by_role("button", name="Pin as now discussing (p)").click()
    page.locator("#mod-message").get_by_text("pinned").wait_for()
    page.locator("#mod-queue").get_by_text("Now discussing").wait_for()
    page.locator(".mod-meeting").get_by_role("button", name="End meeting").click()
    expect(page.locator("#mod-step-confirm")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)

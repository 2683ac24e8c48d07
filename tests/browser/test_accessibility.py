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
        # 311 measures; police, FBI and survey groups; survey measures alone.
        return ["infrastructure" if "infrastructure" in slugs else slugs[0],
                *[s for s in ("public-safety", "finance") if s in slugs]]
    if template.startswith("/measures/"):
        # A 311 measure (trend, map, neighborhoods), a published survey figure (yearly,
        # peers), a police count (the 2019 break, the neighborhood map) and a resident survey
        # measure (error bars, council districts).
        survey = session.scalar(select(Measure.slug).where(Measure.kind == "survey")
                                .order_by(Measure.id))
        others = session.scalars(select(Measure.slug).where(Measure.slug.in_(
            ["kcpd-crimes-against-persons", "survey-police-services"]))).all()
        return ["311-on-time-rate", *([survey] if survey else []), *sorted(others)]
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


# --- Busy states (issue 16): pages as a meeting fills up, not only as they start ------------


def _busy_meeting(session) -> dict:
    """The live meeting with what a real one has: published, answered, flagged, edited and
    pinned questions, and questions waiting, rejected and merged at the moderators'."""
    from kcstat_dash.models import Question
    from kcstat_dash.services import moderation
    from kcstat_dash.services.questions import submit_question
    from tests.staff import make_user

    meeting = session.scalar(select(Meeting).where(Meeting.status == "live"))
    made = [submit_question(session, meeting_id=meeting.id, text=text, measure=measure,
                            period=period, display_name=name)
            for text, measure, period, name in [
                ("Why did pothole repairs slow in 2019?", "pothole-on-time-rate", "2019-03",
                 "Jordan"),
                ("Potholse on Troost?", None, None, None),
                ("Are street lights fixed faster now?", "pothole-on-time-rate", None, "Sam"),
                ("Off topic", None, None, None),
                ("Still waiting", None, None, None),
                ("Duplicate of the first", "pothole-on-time-rate", "2019-04", None)]]
    first, edited, answered, rejected, _pending, duplicate = made
    for question in (first, edited, answered):
        moderation.approve(session, question.id, None)
    moderation.edit_text(session, edited.id, "Potholes on Troost?", None)
    moderation.answer(session, answered.id, "Yes: within three days on average.", None)
    moderation.reject(session, rejected.id, "off-topic", None)
    moderation.merge(session, duplicate.id, first.id, None)
    moderation.pin(session, first.id, None)
    make_user(session, "mod@example.org", "moderator")
    session.commit()
    assert session.get(Question, first.id).status == "approved"
    return {"meeting": meeting.id}


def test_busy_meeting_pages_have_no_serious_accessibility_violations(live_server, page):
    from kcstat_dash.services import meeting_control
    from tests.browser.test_moderation_pages import sign_in

    session = db.new_session()
    try:
        ids = _busy_meeting(session)
    finally:
        session.close()
    meeting = ids["meeting"]
    busy = [f"/meetings/{meeting}", f"/meetings/{meeting}/ask", f"/meetings/{meeting}/projector",
            "/", "/areas/infrastructure"]
    for path in busy:
        violations = scan(page, live_server.url + path)
        assert not violations, f"{path} (busy):\n{describe(violations)}"
    # The feed in its busy state really was there to scan.
    page.goto(f"{live_server.url}/meetings/{meeting}")
    expect(page.locator(".pinned-question")).to_contain_text("Why did pothole repairs slow")
    expect(page.locator("#feed .question-flag").first).to_be_visible()
    expect(page.locator("#feed .answered-badge")).to_have_count(1)
    expect(page.get_by_text("edited by a moderator")).to_be_visible()
    # A resident's own questions: sent, then listed with their status.
    page.goto(f"{live_server.url}/meetings/{meeting}/ask")
    page.get_by_label("Your question").fill("Mine, waiting")
    page.get_by_role("button", name="Send question").click()
    expect(page.locator("#my-questions-list .own-question")).to_have_count(1)
    # "Cite this" is named by the words it shows (axe runs this rule only when asked).
    expect(page.locator("#feed .cite-flag").first).to_be_visible()
    violations = axe_violations(page, experimental=["label-content-name-mismatch"])
    assert not violations, f"ask page with own questions:\n{describe(violations)}"

    # The moderator's queue with each status, the pinned badge among them.
    sign_in(page, live_server.url, "mod@example.org", next_path="/moderate")
    page.wait_for_url("**/moderate")
    page.locator("#mod-queue .queue-item").first.wait_for()
    for status in ("pending", "approved", "answered", "rejected", "merged"):
        select = page.get_by_label("Status", exact=True)
        if select.count():
            select.select_option(status)
            page.wait_for_load_state("networkidle")
        violations = axe_violations(page)
        assert not violations, f"/moderate ({status}):\n{describe(violations)}"

    # Closed: questions closed, then the meeting ended.
    closing = db.new_session()
    try:
        meeting_control.set_accepting_questions(closing, meeting, False, None)
        closing.commit()
        for path in (f"/meetings/{meeting}", f"/meetings/{meeting}/ask"):
            violations = scan(page, live_server.url + path)
            assert not violations, f"{path} (questions closed):\n{describe(violations)}"
        meeting_control.end(closing, meeting, None)
        closing.commit()
    finally:
        closing.close()
    for path in (f"/meetings/{meeting}", f"/meetings/{meeting}/ask",
                 f"/meetings/{meeting}/projector"):
        violations = scan(page, live_server.url + path)
        assert not violations, f"{path} (ended):\n{describe(violations)}"

"""A phone set to Spanish, in real Chromium: from the home page to a sent question that flags a
statistic, and a citation of that statistic, with every page in Spanish and clean under axe.

Expected words come from the Spanish catalog (what a translator wrote), so the test fails when a
page shows English, or a string the catalog does not hold."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kcstat_dash import i18n
from kcstat_dash.i18n import _
from layouts.ids import meeting as ids
from tests.browser.conftest import PHONE, axe_violations, describe, screenshot, wait_until
from tests.browser.test_accessibility import PAGES, SCREENSHOT_NAMES, concrete_paths

AREA = ("infrastructure", "Infrastructure and Transportation")
MEASURE = ("pothole-on-time-rate", "Pothole requests closed on time")
# Words that are English and never Spanish: two on one line of a Spanish page mean a sentence
# was left untranslated (names from the city's data, like 311 categories, are not sentences).
ENGLISH_ONLY = {"the", "and", "of", "to", "is", "are", "was", "with", "this", "that", "for",
                "from", "your", "you", "what", "which", "when", "how", "not", "has", "have",
                "will", "by", "than", "per", "it", "its", "on", "at", "be", "or", "an", "can",
                "questions", "question", "requests", "days", "month", "data", "only", "yet"}
# Text of the page outside parts marked as English on purpose (lang="en": a narrative with no
# Spanish version yet, say so on the page).
VISIBLE_TEXT = """() => {
    const out = [];
    const walk = (node) => {
        if (node.nodeType === Node.TEXT_NODE) { out.push(node.textContent); return; }
        if (node.nodeType !== Node.ELEMENT_NODE) return;
        if (node.getAttribute('lang') === 'en' || node.getAttribute('aria-hidden') === 'true')
            return;
        const style = getComputedStyle(node);
        if (style.display === 'none' || style.visibility === 'hidden') return;
        if (['SCRIPT', 'STYLE', 'svg'].includes(node.tagName)) return;
        if (node.tagName === 'OPTION') { out.push(node.textContent + '\\n'); return; }
        for (const child of node.childNodes) walk(child);
        if (getComputedStyle(node).display !== 'inline') out.push('\\n');
    };
    walk(document.body);
    return out.join('');
}"""


def es(message: str, **values) -> str:
    with i18n.using("es"):
        spanish = _(message, **values)
    assert spanish != message.format(**values), f"the catalog has no Spanish for {message!r}"
    return spanish


# Addresses and ids are not words ("data.kcmo.org", "7at3-sxhp").
NOT_WORDS = re.compile(r"\S+://\S+|\S+\.(org|gov|com|us)\b\S*|\S*\d\S*")


def english_left(page) -> list[str]:
    lines = [line.strip() for line in page.evaluate(VISIBLE_TEXT).split("\n")]
    return [line for line in lines
            if len(ENGLISH_ONLY & set(re.findall(r"[^\W\d_]+",
                                                 NOT_WORDS.sub(" ", line.lower())))) >= 2]


def all_spanish(page, where: str) -> None:
    assert page.locator("html").get_attribute("lang") == "es"
    left = english_left(page)
    assert not left, f"English left on the {where} page: {left}"
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.fixture
def spanish_phone(browser):
    """A phone whose browser asks for Mexican Spanish first (Accept-Language and navigator)."""
    context = browser.new_context(**PHONE, locale="es-MX")
    yield context.new_page()
    context.close()


def test_a_spanish_phone_asks_a_flagged_question_and_cites_the_statistic(shared_live_server,
                                                                         spanish_phone):
    page = spanish_phone
    page.goto(shared_live_server.url + "/")
    expect(page.locator("main h1")).to_have_text(es("KCStat performance measures"))
    all_spanish(page, "home")
    screenshot(page, "overview-phone-es")

    # The menu, the area and the measure, all named in Spanish.
    page.get_by_role("button", name=es("Toggle navigation")).tap()
    menu = page.locator("#nav-collapse")
    menu.get_by_role("button", name=es("Goal areas")).tap()
    menu.get_by_role("link", name=es(AREA[1])).tap()
    page.wait_for_url(f"**/areas/{AREA[0]}")
    expect(page.locator("main h1")).to_have_text(es(AREA[1]))
    all_spanish(page, "area")
    page.locator("main").get_by_role("link", name=es(MEASURE[1])).tap()
    page.wait_for_url(f"**/measures/{MEASURE[0]}")
    expect(page.locator("main h1")).to_have_text(es(MEASURE[1]))
    page.locator(".trend-chart .main-svg").first.wait_for()
    # The chart's months are Spanish too (Babel's abbreviations, lower case: "ene", "mar").
    ticks = page.locator(".trend-chart .xtick text").all_text_contents()
    assert ticks and all(re.search(r"\b(ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic)\b",
                                   tick) for tick in ticks), ticks
    all_spanish(page, "measure")
    screenshot(page, "measure-phone-es")

    # Cite the latest value; the citation page opens in Spanish and verifies.
    page.get_by_role("button", name=es("Cite this"), exact=True).tap()
    link = page.locator(".citation-created a.created-citation-link")
    link.wait_for()
    citation = link.get_attribute("href")
    page.goto(shared_live_server.url + citation)
    page.locator(".verification").wait_for()
    expect(page.locator(".verification")).to_contain_text(es("Still the same today"))
    all_spanish(page, "citation")
    screenshot(page, "citation-phone-es")

    # Ask about that statistic in the live meeting, in Spanish.
    page.goto(shared_live_server.url + "/meetings")
    all_spanish(page, "meetings")
    page.get_by_text(es("Ask a question")).first.tap()
    page.wait_for_url("**/meetings/*/ask")
    page.locator(f"#{ids.ASK_MEASURE}").wait_for()
    question = page.locator(f"#{ids.ASK_TEXT}")
    question.fill("¿Por qué tantos baches se repararon tarde en 2019?")
    page.locator(f"#{ids.ASK_MEASURE}").select_option(MEASURE[0])
    all_spanish(page, "ask")
    screenshot(page, "ask-phone-es")
    page.get_by_role("button", name=es("Send question")).tap()
    wait_until(page, "() => !!document.querySelector('.ask-sent')")
    assert page.locator(".ask-sent").inner_text().strip()
    all_spanish(page, "sent question")
    expect(question).to_have_value("")

    # One tap back to English, remembered on the next page.
    page.get_by_role("link", name="English").first.tap()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(shared_live_server.url + "/")
    expect(page.locator("main h1")).to_have_text("KCStat performance measures")


# Staff pages stay English for now (README, "English and Spanish").
STAFF_PAGES = re.compile(r"^/(moderate|steward|admin|account|login)")
PUBLIC_PAGES = [template for template in PAGES if not STAFF_PAGES.match(template)]


@pytest.fixture
def spanish_desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-US")
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("template", PUBLIC_PAGES)
def test_every_public_page_in_spanish(shared_live_server, spanish_desktop, template):
    page = spanish_desktop
    for number, path in enumerate(concrete_paths(template)):
        page.goto(shared_live_server.url + path)
        expect(page.locator("main h1").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        all_spanish(page, path)
        if number == 0 and template in SCREENSHOT_NAMES:
            screenshot(page, SCREENSHOT_NAMES[template] + "-es")

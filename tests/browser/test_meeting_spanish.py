"""The meeting room in Spanish, in real Chromium (issue 19): a phone set to Spanish asks a
flagged question on the ask page, and the projector pages through the questions in Spanish
while saying how to join in both languages."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from kcstat_dash.models import Question
from tests.browser.conftest import PHONE, axe_violations, describe, screenshot, wait_until
from tests.browser.test_meeting_room import FULL_HD, add_questions, in_session, live_meeting_id

SPANISH_PHONE = {**PHONE, "locale": "es-MX"}


def test_a_spanish_phone_sends_a_flagged_question_entirely_in_spanish(live_server, new_page):
    meeting_id = live_meeting_id()
    phone = new_page(**SPANISH_PHONE)
    # The projector's short address, as a resident types it or its QR code opens it.
    phone.goto(f"{live_server.url}/j/{meeting_id}")
    phone.wait_for_url(f"**/meetings/{meeting_id}/ask")
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    expect(phone).to_have_title("KCStat Dash — Haga una pregunta")
    phone.get_by_label("Su pregunta").fill("¿Por qué se cerraron tan pocos baches a tiempo?")
    picker = phone.locator("#month-picker")
    expect(picker).to_contain_text("Se trata ahora:")
    chip = picker.locator(".month-chip").first
    expect(chip).to_contain_text("agosto")
    chip.tap()
    expect(phone.locator("#flag-hint")).to_contain_text("Señalado:")
    expect(phone.locator("#flag-hint")).to_contain_text("agosto de 2020")
    assert describe(axe_violations(phone)) == ""
    phone.get_by_role("button", name="Enviar pregunta").tap()
    sent = phone.locator(".ask-sent")
    expect(sent).to_contain_text("Enviada: “¿Por qué se cerraron tan pocos baches a tiempo?”, "
                                 "señalando")
    expect(sent).to_contain_text("agosto de 2020.")
    expect(sent).to_contain_text("Gracias.")
    # The resident's own question, with what became of it, in Spanish too.
    expect(phone.locator(".my-questions")).to_contain_text("Sus preguntas")
    expect(phone.locator(".my-questions")).to_contain_text("Esperando a un moderador")
    assert describe(axe_violations(phone)) == ""
    screenshot(phone, "ask-page-sent-es")
    stored = in_session(lambda s: s.scalar(select(Question).order_by(Question.id.desc())
                                           .limit(1)))
    assert stored.language == "es"
    assert (stored.flag_snapshot["measure"], stored.flag_snapshot["period"]) == (
        "pothole-on-time-rate", "2020-08")


def test_the_projector_pages_through_the_questions_in_spanish(live_server, new_page):
    meeting_id = live_meeting_id()
    add_questions(meeting_id, [f"Pregunta {i}: ¿y los baches de Troost?" for i in range(1, 8)])
    projector = new_page(**FULL_HD, locale="es-MX")
    projector.goto(f"{live_server.url}/meetings/{meeting_id}/projector")
    join = projector.locator("#projector-join")
    expect(join.locator(".projector-join-heading")).to_contain_text("Haga una pregunta")
    expect(join.locator(".projector-join-heading")).to_contain_text("Ask a question")
    expect(join.locator("[lang=en]").first).to_have_text("Ask a question")
    expect(projector.locator("#projector-page-note")).to_contain_text("Página 1 de 3")
    wait_until(projector, "() => document.querySelector('#projector-page-note')"
                          "?.innerText.includes('Página 2 de 3')", timeout=30_000)
    expect(projector.locator("#projector-page-note")).to_contain_text(
        "Página 2 de 3 de las 7 principales")
    screenshot(projector, "projector-es")

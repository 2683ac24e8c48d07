"""The meeting side of the public app in Spanish (issue 19): the question API's refusals, the
meetings, meeting, ask, projector and moderation summary pages, the feed and its live poll."""

from __future__ import annotations

import json

import pytest

from callbacks import pages
from callbacks.errors import message_for
from kcstat_dash import i18n
from kcstat_dash.db import db
from kcstat_dash.models import Question
from kcstat_dash.services import questions
from kcstat_dash.services.errors import MeetingNotFound
from layouts import live_banner, projector, qa_feed
from layouts import meeting as meeting_layout
from tests.test_hostile_input import _router_call
from tests.test_meeting_pages import add_questions, live_id, texts
from tests.test_page_ids import ROOT
from tests.test_questions_api import live_meeting

SPANISH = {"Accept-Language": "es-MX,es;q=0.9"}
ENGLISH = {"Accept-Language": "en-US"}


def _error(response) -> dict:
    return response.get_json()["error"]


# --- The question API's refusals: the same code, the message in the request's language -------


@pytest.mark.parametrize(("body", "code", "english", "spanish"), [
    ({"text": "¿Por qué?"}, "meeting_not_found", "Say which meeting", "Indique para qué reunión"),
    ({"meeting_id": 999999, "text": "¿Por qué?"}, "meeting_not_found",
     "There is no meeting 999999.", "No existe la reunión 999999."),
    ({"text": "   "}, "empty", "Please write a question", "Escriba una pregunta"),
    ({"text": "x" * 1234}, "too_long", "at most 1,000 characters; this one has 1,234",
     "como máximo 1000 caracteres; esta tiene 1234"),
    ({"text": "hola", "display_name": 5}, "bad_name", "must be text", "debe ser texto"),
    ({"text": "hola", "measure": "no-such-measure"}, "unknown_measure",
     "There is no measure called “no-such-measure”.",
     "No hay ningún indicador llamado “no-such-measure”."),
    ({"text": "hola", "period": "2024-03"}, "unknown_measure", "Pick the measure",
     "Elija el indicador"),
    ({"text": "hola", "colour": "red"}, "malformed", "unknown field(s): colour",
     "campo(s) desconocido(s): colour"),
])
def test_the_api_says_its_refusals_in_the_request_language(client, body, code, english, spanish):
    meeting = live_meeting(client)
    body = {"meeting_id": meeting["id"], **body} if "meeting_id" not in body and code not in (
        "meeting_not_found",) else body
    in_english = client.post("/api/questions", json=body, headers=ENGLISH)
    in_spanish = client.post("/api/questions", json=body, headers=SPANISH)
    assert in_english.status_code == in_spanish.status_code >= 400
    assert _error(in_english)["code"] == _error(in_spanish)["code"] == code
    assert _error(in_english)["field"] == _error(in_spanish)["field"]
    assert english in _error(in_english)["message"]
    assert spanish in _error(in_spanish)["message"]


def test_malformed_json_is_refused_in_spanish(client):
    answer = client.post("/api/questions", data=b"{not json", headers={
        **SPANISH, "Content-Type": "application/json"})
    assert _error(answer) == {"status": 400, "code": "malformed", "field": None,
                              "message": "el cuerpo no es JSON válido; envíe un objeto JSON"}
    wrong_type = client.post("/api/questions", data="x", headers={**SPANISH,
                                                                  "Content-Type": "text/plain"})
    assert _error(wrong_type)["code"] == "unsupported_media_type"
    assert _error(wrong_type)["message"].startswith("envíe el cuerpo como JSON")


def test_a_vote_for_a_question_not_public_is_refused_in_spanish(client):
    answer = client.post("/api/questions/999999/votes", json={}, headers=SPANISH)
    assert answer.status_code == 404
    assert _error(answer)["code"] == "not_public"
    assert _error(answer)["message"] == "Esa pregunta no está en el listado público."


def test_a_rate_limit_is_said_in_spanish_with_its_numbers(client):
    meeting = live_meeting(client)
    answers = [client.post("/api/questions", headers=SPANISH,
                           json={"meeting_id": meeting["id"], "text": f"Pregunta {i}"})
               for i in range(6)]
    refused = answers[-1]
    assert refused.status_code == 429 and _error(refused)["code"] == "rate_limited"
    assert _error(refused)["message"] == ("Ha enviado muchas preguntas (5 por minuto). "
                                          "Espere un poco antes de enviar otra.")


def test_an_error_keeps_its_english_message_and_says_it_where_shown():
    with i18n.using("es"):
        missing = MeetingNotFound(12345)
        assert missing.message == "There is no meeting 12345."  # logs and the CLI: English
        assert message_for(missing) == "No existe la reunión 12345."
        assert missing.body()["error"]["message"] == "No existe la reunión 12345."
    assert message_for(missing) == "There is no meeting 12345."
    assert str(missing) == "There is no meeting 12345."


def test_the_question_length_is_written_the_language_s_way():
    with pytest.raises(questions.QuestionRejected) as refused:
        questions.check_submission(meeting_id=1, text="x" * 12345)
    assert "12,345" in refused.value.message
    with i18n.using("es"):
        assert "12.345" in message_for(refused.value) and "1000" in message_for(refused.value)


# --- Asking in Spanish ------------------------------------------------------------------------


def test_a_spanish_insult_is_held_for_a_moderator(client):
    meeting = live_meeting(client)
    asked = client.post("/api/questions", headers=SPANISH, json={
        "meeting_id": meeting["id"], "text": "¿Por qué el pendejo del concejal no arregla "
                                             "los baches?"}).get_json()
    innocent = client.post("/api/questions", headers=SPANISH, json={
        "meeting_id": meeting["id"], "text": "¿Hay una disputa sobre la computadora del "
                                             "vehículo?"}).get_json()
    assert asked["held_reason"] == "profanity"
    assert innocent["held_reason"] is None
    session = db.new_session()
    try:
        assert session.get(Question, asked["id"]).language == "es"
    finally:
        session.close()


# --- The pages in Spanish ---------------------------------------------------------------------


def _page(client, app, pathname: str, headers: dict) -> str:
    """The page as the browser gets it: Dash's page router called over HTTP (the language
    comes from the request, as it does for a resident)."""
    client.get("/", headers=headers)
    answer = client.post("/_dash-update-component", json=_router_call(app, pathname),
                         headers=headers)
    assert answer.status_code == 200
    content = answer.get_json()["response"]["_pages_content"]["children"]
    # The words shown, then every attribute too (options, aria-labels, alt texts).
    return " ".join(texts(content)) + " " + json.dumps(content, ensure_ascii=False)


def _title(client, app, pathname: str, headers: dict) -> str:
    answer = client.post("/_dash-update-component", json=_router_call(app, pathname),
                         headers=headers)
    return answer.get_json()["response"]["_pages_store"]["data"]["title"]


def test_the_meetings_page_in_spanish(app, client):
    spanish = _page(client, app, "/meetings", SPANISH)
    english = _page(client, app, "/meetings", ENGLISH)
    assert "Reuniones de KCStat" in spanish and "Próximas reuniones" in spanish
    assert "Suscríbase al calendario (iCalendar)" in spanish and "En vivo ahora" in spanish
    assert "KCStat meetings" not in spanish and "Upcoming meetings" not in spanish
    assert "KCStat meetings" in english and "Reuniones de KCStat" not in english
    assert _title(client, app, "/meetings", SPANISH) == "KCStat Dash — Reuniones"
    assert _title(client, app, f"/meetings/{live_id()}/ask", SPANISH) == (
        "KCStat Dash — Haga una pregunta")


def test_the_meeting_page_in_spanish(app, client):
    meeting_id = live_id()
    spanish = _page(client, app, f"/meetings/{meeting_id}", SPANISH)
    for words in ("Haga una pregunta", "Enviar pregunta", "Nombre visible (opcional)",
                  "Señale una estadística (opcional)", "Su pregunta (hasta 1000 caracteres)",
                  "Preguntas abiertas", "(hora de Kansas City)", "Vista de proyector",
                  "Más recientes", "Más apoyadas", "Ninguna estadística", "Todas las reuniones"):
        assert words in spanish, words
    for words in ("Ask a question", "Send question", "Questions open", "Projector view"):
        assert words not in spanish, words
    english = _page(client, app, f"/meetings/{meeting_id}", ENGLISH)
    assert "Send question" in english and "Enviar pregunta" not in english


def test_the_ask_page_in_spanish(app, client):
    meeting_id = live_id()
    spanish = _page(client, app, f"/meetings/{meeting_id}/ask", SPANISH)
    assert "Elija el indicador y el mes sobre los que trata su pregunta." in spanish
    assert "Ver los indicadores con sus gráficas" in spanish and "Enviar pregunta" in spanish
    assert "Pick the measure and the month" not in spanish


def test_the_moderation_summary_in_spanish(app, client):
    meeting_id = live_id()
    add_questions(meeting_id, 2)
    spanish = _page(client, app, f"/meetings/{meeting_id}/moderation", SPANISH)
    assert "Cómo se moderaron las preguntas" in spanish
    assert "Todas las preguntas según su resultado" in spanish
    assert "Publicada" in spanish and "Fuera de tema" in spanish
    missing = _page(client, app, "/meetings/99999/moderation", SPANISH)
    assert "No se encontró la reunión" in missing


def test_an_unknown_meeting_is_not_found_in_spanish(app, client):
    assert "No hay ninguna reunión en esta dirección." in _page(client, app, "/meetings/99999",
                                                               SPANISH)


def test_own_questions_and_their_status_in_spanish(app):
    own = [{"id": 1, "meeting_id": 1, "text": "¿Y los baches?", "status": "rejected",
            "status_words": "Not published", "answer": None, "reason": "Off-topic",
            "merged_into": None, "edited": True, "flag": None,
            "created_at": "2026-11-26T18:00:00+00:00", "can_withdraw": False},
           {"id": 2, "meeting_id": 1, "text": "¿Cuándo?", "status": "pending",
            "status_words": "Waiting for a moderator", "answer": None, "reason": None,
            "merged_into": None, "edited": False, "flag": None,
            "created_at": "2026-11-26T18:05:00+00:00", "can_withdraw": True}]
    with i18n.using("es"):
        words = " ".join(texts(meeting_layout.own_questions_list(own)))
    for expected in ("Sus preguntas", "No publicada", "Motivo indicado: Fuera de tema.",
                     "editada por un moderador", "Esperando a un moderador", "Retirar"):
        assert expected in words, expected
    assert "Not published" not in words


def test_the_live_banner_in_spanish():
    summary = {"id": 3, "title": "KCStat de infraestructura", "status": "scheduled",
               "starts_at": "2026-11-26T18:00:00+00:00", "open_for_questions": False,
               "location": None}
    with i18n.using("es"):
        words = " ".join(texts(live_banner.live_banner([summary])))
    assert "Pronto comienza una reunión de KCStat" in words
    assert "comienza el" in words and "jue, 26 nov 2026" in words
    assert "(hora de Kansas City)" in words and "Ver la reunión" in words


# --- The feed: on the page and through the poll, each in its requester's language -------------


def test_the_poll_brings_the_feed_in_the_requester_s_language(app, client):
    meeting_id = live_id()
    add_questions(meeting_id, 3, status="answered")
    path = f"/api/meetings/{meeting_id}/version?known=-1&order=top"
    spanish = client.get(path, headers=SPANISH).get_json()["feed"]
    english = client.get(path, headers=ENGLISH).get_json()["feed"]
    assert spanish["summary"] == "3 preguntas, las más apoyadas primero."
    assert english["summary"] == "3 questions, most upvoted first."
    assert "Yo también" in " ".join(texts(spanish["children"]))
    assert "Respondida" in " ".join(texts(spanish["children"]))
    assert "Me too" in " ".join(texts(english["children"]))
    assert "Yo también" not in " ".join(texts(english["children"]))
    # The same version, asked again in each language, is each language's (cached per language).
    assert client.get(path, headers=SPANISH).get_json()["feed"]["summary"] == spanish["summary"]
    assert client.get(path, headers=ENGLISH).get_json()["feed"]["summary"] == english["summary"]


def test_the_poll_follows_the_remembered_choice(app, client):
    meeting_id = live_id()
    add_questions(meeting_id, 1)
    client.get("/lang/es")
    feed = client.get(f"/api/meetings/{meeting_id}/version?known=-1",
                      headers=ENGLISH).get_json()["feed"]
    assert feed["summary"] == "1 pregunta, las más recientes primero."


def test_the_poll_s_refusals_keep_their_code_in_spanish(client):
    missing = client.get("/api/meetings/99999/version", headers=SPANISH).get_json()["error"]
    assert missing["code"] == "meeting_not_found"
    assert missing["message"] == "No existe la reunión 99999."
    bad = client.get("/api/meetings/1/version?order=sideways", headers=SPANISH).get_json()
    assert bad["error"]["code"] == "malformed"
    assert bad["error"]["message"] == "el orden debe ser uno de estos: newest, top"
    assert i18n.language() == "en"  # the poll's language did not leak


def test_the_feed_summary_uses_the_language_s_plural():
    feed = {"total": 1, "questions": [{}]}
    with i18n.using("es"):
        assert qa_feed.feed_summary(feed, "newest") == "1 pregunta, las más recientes primero."
        assert qa_feed.feed_summary({"total": 1234, "questions": [{}] * 50}, "top") == (
            "1234 preguntas; se muestran las 50 más apoyadas primero.")
        assert qa_feed.feed_summary({"total": 0, "questions": []}, "top") == (
            "Todavía no hay preguntas publicadas.")


# --- The projector and the join code ----------------------------------------------------------


def test_the_projector_says_how_to_join_in_both_languages(app, client):
    meeting_id = live_id()
    for headers, first in ((SPANISH, "es"), (ENGLISH, "en")):
        page = _page(client, app, f"/meetings/{meeting_id}/projector", headers)
        assert "Ask a question" in page and "Haga una pregunta" in page
        assert "or go to" in page and "o visite" in page
        assert f"/j/{meeting_id}" in page
        # The page's own language first.
        assert (page.index("Haga una pregunta") < page.index("Ask a question")) == (first == "es")
    with app.server.test_request_context(), i18n.using("es"):
        panel = projector.join_panel({"id": 7, "status": "live"}, "https://kcstat.example.org")
    spans = [c for c in panel.children[0].children]
    assert [(s.lang, s.children) for s in spans] == [("es", "Haga una pregunta"),
                                                      ("en", "Ask a question")]
    # The QR code names no language: it opens the ask page, which takes the resident's.
    assert projector.join_urls("https://kcstat.example.org", 7) == (
        "https://kcstat.example.org/meetings/7/ask", "kcstat.example.org/j/7")


def test_the_projector_rotation_gets_its_words_from_the_page(app, client):
    meeting_id = live_id()
    with app.server.test_request_context(), i18n.using("es"):
        page = pages.projector(meeting_id=str(meeting_id))
    words = json.loads(page.to_plotly_json()["props"]["data-projector-words"])
    assert words == {"pageNote": "Página {page} de {pages} de las {total} principales"}
    script = (ROOT / "assets" / "meeting_live.js").read_text()
    assert "of the top" not in script  # no word of the page spelled in the script


def test_the_join_link_opens_the_ask_page_in_the_resident_s_language(app, client):
    meeting_id = live_id()
    answer = client.get(f"/j/{meeting_id}", headers=SPANISH)
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/meetings/{meeting_id}/ask")
    assert "lang" not in answer.headers["Location"]
    # Followed by a Spanish phone: the ask page's frame and form are in Spanish.
    html_page = client.get(answer.headers["Location"], headers=SPANISH).get_data(as_text=True)
    assert '<html lang="es">' in html_page
    assert "Enviar pregunta" in _page(client, app, f"/meetings/{meeting_id}/ask", SPANISH)
    assert "Send question" in _page(client, app, f"/meetings/{meeting_id}/ask", ENGLISH)

"""The meeting side of the public app in Spanish (issue 19): the question API's refusals, the
meetings, meeting, ask, projector and moderation summary pages, the feed and its live poll."""

from __future__ import annotations

import pytest

from callbacks.errors import message_for
from kcstat_dash import i18n
from kcstat_dash.db import db
from kcstat_dash.models import Question
from kcstat_dash.services import questions
from kcstat_dash.services.errors import MeetingNotFound
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
     "como máximo 1.000 caracteres; esta tiene 1.234"),
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
        assert "12.345" in message_for(refused.value) and "1.000" in message_for(refused.value)


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

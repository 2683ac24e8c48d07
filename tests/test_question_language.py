"""A question keeps the language it was asked in (issue 19): stored from the page's language or
the post's, shown to moderators, in the meeting record, and a filter of the moderators' queue."""

from __future__ import annotations

import csv
import io
import json

import pytest
from alembic import command
from sqlalchemy import select

from kcstat_dash import i18n
from kcstat_dash.db import db
from kcstat_dash.migrate import alembic_config, upgrade
from kcstat_dash.models import Question
from kcstat_dash.services import moderation, questions
from kcstat_dash.services.question_language import UNKNOWN, language_name, recorded
from kcstat_dash.services.social.store import QuestionWriter
from kcstat_dash.services.social.x import parse_search_page
from layouts import moderate
from tests.social.x_api import fixture
from tests.staff import make_meeting, make_question, make_user
from tests.test_questions_api import live_meeting


@pytest.mark.parametrize(("given", "kept"), [
    ("es", "es"), ("es-MX", "es"), ("EN_us", "en"), ("fr", "fr"),
    # X's codes for "no one language" and anything else that names none are not kept.
    ("und", None), ("zxx", None), ("qme", None), ("qht", None), ("", None), (None, None),
    ("xx", None), (7, None),
])
def test_a_language_is_kept_only_when_it_names_one(given, kept):
    assert recorded(given) == kept


def _stored(question_id: int) -> Question:
    session = db.new_session()
    try:
        return session.get(Question, question_id)
    finally:
        session.close()


def test_a_question_asked_on_a_spanish_page_is_stored_as_spanish(client):
    meeting = live_meeting(client)
    spanish = client.post("/api/questions", headers={"Accept-Language": "es-MX,es;q=0.9"},
                          json={"meeting_id": meeting["id"],
                                "text": "¿Por qué tardan tanto los baches?"}).get_json()
    english = client.post("/api/questions", headers={"Accept-Language": "en-US"},
                          json={"meeting_id": meeting["id"],
                                "text": "Why are potholes slow?"}).get_json()
    assert _stored(spanish["id"]).language == "es"
    assert _stored(english["id"]).language == "en"
    assert spanish["language"] == "es"


def test_the_remembered_choice_decides_the_language_stored(client):
    meeting = live_meeting(client)
    client.get("/lang/es")
    asked = client.post("/api/questions", headers={"Accept-Language": "en-US"},
                        json={"meeting_id": meeting["id"], "text": "¿Y las banquetas?"})
    assert _stored(asked.get_json()["id"]).language == "es"


def test_the_service_stores_the_language_being_made(session):
    meeting = make_meeting(session)
    with i18n.using("es"):
        question = questions.submit_question(session, meeting_id=meeting.id, text="¿Cuándo?")
    assert question.language == "es"
    assert questions.submit_question(session, meeting_id=meeting.id,
                                     text="When?").language == "en"


def test_a_post_keeps_the_language_x_detected(session):
    make_meeting(session)
    page = parse_search_page(fixture("search_page2.json"))
    assert {p.language for p in page.posts} == {"en"}
    tweet = page.posts[0]
    writer = QuestionWriter(session, "x")
    spanish = type(tweet)(**{**tweet.__dict__, "id": "99", "root_id": "99",
                             "text": "¿Cuándo arreglan los baches? #KCStat", "language": "es"})
    unknown = type(tweet)(**{**tweet.__dict__, "id": "98", "root_id": "98",
                             "text": "#KCStat 🕳️🕳️", "language": "und"})
    for post in (tweet, spanish, unknown):
        writer.store(post)
    session.commit()
    stored = {q.external_id: q.language for q in session.scalars(select(Question))}
    assert stored == {tweet.root_id: "en", "99": "es", "98": None}


def test_moderators_see_each_question_s_language_in_english(session):
    meeting = make_meeting(session)
    make_question(session, meeting, text="¿Por qué?", language="es")
    make_question(session, meeting, text="Via X", channel="x", external_id="1")
    rows = moderation.queue(session)
    page = str(moderate.queue_list(rows, current=None, selected=set()))
    assert "Spanish" in page and "Language not known" in page
    # The moderators' page stays English whatever the browser says.
    with i18n.using("es"):
        assert "Spanish" in str(moderate.queue_list(rows, current=None, selected=set()))
    assert "Asked in Spanish" in str(moderate.detail(rows[0]))
    assert "lang='es'" in str(moderate.detail(rows[0]))  # read aloud as Spanish
    assert language_name("es") == "Spanish"


def test_moderators_filter_the_queue_by_language(session):
    make_user(session)
    meeting = make_meeting(session)
    spanish = make_question(session, meeting, text="¿Cuándo?", language="es")
    english = make_question(session, meeting, text="When?", language="en")
    unknown = make_question(session, meeting, text="#KCStat", channel="x", external_id="5")
    assert [r["id"] for r in moderation.queue(session, language="es")] == [spanish.id]
    assert [r["id"] for r in moderation.queue(session, language="en")] == [english.id]
    assert [r["id"] for r in moderation.queue(session, language=UNKNOWN)] == [unknown.id]
    assert len(moderation.queue(session, language=None)) == 3
    assert (moderation.queue_signature(session, language="es")
            != moderation.queue_signature(session, language="en"))
    # The filter offers both public languages even before anyone asked in one.
    assert moderation.filter_options(session)["languages"] == ["en", "es"]


def test_the_filter_is_on_the_moderators_page():
    options = {"meetings": [], "channels": ["web"], "measures": [], "languages": ["en", "es"]}
    page = str(moderate.filters(options))
    assert "Language asked in" in page
    assert "'label': 'Spanish', 'value': 'es'" in page
    assert f"'label': 'Language not known', 'value': '{UNKNOWN}'" in page


def test_the_meeting_record_says_each_question_s_language(client, app):
    with app.server.app_context():
        session = db.session
        meeting = make_meeting(session, title="Record", status="ended")
        make_question(session, meeting, text="¿Por qué?", status="approved", language="es")
        make_question(session, meeting, text="Why?", status="approved", language="en")
        make_question(session, meeting, text="#KCStat", channel="x", external_id="3",
                      status="approved")
        meeting_id = meeting.id
    for header in ("en", "es"):  # the record is the same file in either language
        answer = client.get(f"/exports/meetings/{meeting_id}/questions.csv",
                            headers={"Accept-Language": header})
        rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
        assert [r["language"] for r in rows] == ["es", "en", ""]
    body = json.loads(client.get(f"/exports/meetings/{meeting_id}/questions.json",
                                 headers={"Accept-Language": "es"}).get_data(as_text=True))
    assert [q["language"] for q in body["questions"]] == ["es", "en", None]


def test_the_migration_calls_earlier_web_questions_english_and_social_ones_unknown(
        session, database_url):
    meeting = make_meeting(session)
    make_question(session, meeting, text="From the English-only form")
    make_question(session, meeting, text="From X", channel="x", external_id="7")
    session.close()
    db.engine.dispose()
    command.downgrade(alembic_config(database_url), "1100")
    upgrade(database_url)
    db.configure(database_url)
    with db.transaction() as migrated:
        languages = dict(migrated.execute(select(Question.channel, Question.language)).all())
    assert languages == {"web": "en", "x": None}

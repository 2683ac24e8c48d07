"""Built pages are served from memory until what they are built from changes, then rebuilt.

The key is read from the database (the data version the triggers bump, a meeting's row and
feed content), so a steward's edit, an import's write or an approval made anywhere (another
worker, another app instance) changes the next page served.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text, update

from kcstat_dash.db import db
from kcstat_dash.models import Measure, Question
from kcstat_dash.services import data_version, moderation, questions, stewardship
from kcstat_dash.web.page_cache import CachedPage
from tests.staff import page_content

MEASURE = "pothole-on-time-rate"


def _cache(app):
    return app.server.extensions["kcstat_page_cache"]


def _version() -> int:
    with db.transaction() as session:
        return data_version.current(session)


def _latest_period(client) -> str:
    return client.get(f"/api/measures/{MEASURE}/observations").get_json()[-1]["period"]


def test_a_measure_page_is_built_once_then_served_from_memory(app, client):
    cache = _cache(app)
    first = page_content(client, f"/measures/{MEASURE}")
    misses, hits = cache.misses, cache.hits
    again = page_content(client, f"/measures/{MEASURE}")
    assert again == first
    assert (cache.misses, cache.hits) == (misses, hits + 1)


def test_a_stewards_narrative_is_on_the_next_page_served(app, client):
    before = page_content(client, f"/measures/{MEASURE}")
    version = _version()
    with db.transaction() as session:
        stewardship.write_narrative(session, MEASURE, _latest_period(client),
                                    "Crews were moved to the storm response.", None)
    assert _version() > version
    after = page_content(client, f"/measures/{MEASURE}")
    assert "Crews were moved to the storm response." in after
    assert "Crews were moved" not in before


def test_a_write_outside_the_orm_changes_the_page_too(app, client):
    """Imports and the sync write with Core and driver cursors: the triggers see those too."""
    page_content(client, f"/measures/{MEASURE}")
    with db.transaction() as session:
        session.execute(update(Measure).where(Measure.slug == MEASURE)
                        .values(name="Potholes, renamed by an import"))
    assert "Potholes, renamed by an import" in page_content(client, f"/measures/{MEASURE}")
    with db.transaction() as session:
        session.execute(text("UPDATE measure SET name = 'Potholes, by a driver cursor' "
                             "WHERE slug = :slug"), {"slug": MEASURE})
    assert "Potholes, by a driver cursor" in page_content(client, f"/measures/{MEASURE}")


def test_a_write_rolled_back_leaves_the_version(app, client):
    version = _version()
    with pytest.raises(RuntimeError), db.transaction() as session:
        session.execute(update(Measure).values(name="never"))
        raise RuntimeError("refused")
    assert _version() == version


def _meeting_id(client) -> int:
    return [m for m in client.get("/api/meetings").get_json() if m["status"] == "live"][0]["id"]


def test_a_meeting_page_changes_with_an_approval_but_not_with_a_vote(app, client):
    cache = _cache(app)
    meeting_id = _meeting_id(client)
    path = f"/meetings/{meeting_id}"
    with db.transaction() as session:
        question = Question(meeting_id=meeting_id, text="When will the backlog clear?",
                            status="pending")
        session.add(question)
        session.flush()
        question_id = question.id
    assert "When will the backlog clear?" not in page_content(client, path)
    with db.transaction() as session:
        moderation.approve(session, question_id, None)
    shown = page_content(client, path)
    assert "When will the backlog clear?" in shown
    hits = cache.hits
    with db.transaction() as session:
        questions.upvote(session, question_id, "a voter")
    # A vote changes counts only: the page is served from memory (its first poll brings them).
    assert page_content(client, path) == shown
    assert cache.hits == hits + 1


def test_the_overview_and_area_pages_follow_the_data_version(app, client):
    page_content(client, "/")
    with db.transaction() as session:
        session.execute(update(Measure).where(Measure.slug == MEASURE)
                        .values(name="Potholes on the overview"))
    assert "Potholes on the overview" in page_content(client, "/")


def test_the_key_holds_the_language(app):
    cache = _cache(app)
    english = CachedPage("200 OK", [("Content-Type", "application/json")], b'{"en": 1}')
    cache.put(("measure", MEASURE, 7), (), english, language="en")
    assert cache.get(("measure", MEASURE, 7), (), language="en") is english
    assert cache.get(("measure", MEASURE, 7), (), language="es") is None
    assert cache.get(("measure", MEASURE, 8), (), language="en") is None


def test_a_query_string_or_a_staff_page_is_never_kept(app, client):
    cache = _cache(app)
    page_content(client, "/moderate")
    page_content(client, "/moderate")
    response = client.post("/_dash-update-component", json={
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/moderate"},
                   {"id": "_pages_location", "property": "search", "value": "?x=1"}],
        "changedPropIds": ["_pages_location.pathname"], "state": []})
    assert response.status_code == 200
    assert cache.hits == 0 and cache.misses == 0


def test_a_meeting_pages_charts_follow_a_change_of_the_numbers(app, client):
    """The charts are kept per data version (layouts/figure_memo.py), under the page's key."""
    meeting_id = _meeting_id(client)
    path = f"/meetings/{meeting_id}"
    before = page_content(client, path)
    with db.transaction() as session:
        session.execute(text("UPDATE observation SET value = 12345.678 WHERE id = "
                             "(SELECT MAX(o.id) FROM observation o JOIN measure m "
                             "ON m.id = o.measure_id JOIN meeting g ON g.area_id = m.area_id "
                             "WHERE g.id = :meeting)"), {"meeting": meeting_id})
    assert "12345.678" not in before
    assert "12345.678" in page_content(client, path)


def test_figures_are_kept_per_data_version_and_language():
    from layouts import figure_memo

    built = []

    def build():
        built.append(1)
        return {"data": [], "layout": {"title": "x"}}

    figure_memo.clear()
    first = figure_memo.cached("trend", ("potholes", ()), 3, build)
    first["layout"] = "changed by a caller"
    assert figure_memo.cached("trend", ("potholes", ()), 3, build)["layout"] == {"title": "x"}
    figure_memo.cached("trend", ("potholes", ()), 4, build)
    figure_memo.cached("trend", ("potholes", ()), 4, build, language="es")
    figure_memo.cached("trend", ("potholes", ()), None, build)
    assert len(built) == 4


def test_a_page_in_another_language_is_built_and_kept_apart(app, client):
    cache = _cache(app)
    cache.language_of = lambda environ, _inputs: (
        "es" if "lang=es" in environ.get("HTTP_COOKIE", "") else "en")
    page_content(client, f"/measures/{MEASURE}")
    misses = cache.misses
    client.set_cookie("lang", "es")
    page_content(client, f"/measures/{MEASURE}")
    assert cache.misses == misses + 1
    page_content(client, f"/measures/{MEASURE}")
    assert cache.misses == misses + 1


def test_workers_sharing_a_directory_build_a_page_once(sample_database_url, tmp_path):
    """Two apps on one database and one directory stand for two gunicorn workers."""
    from kcstat_dash.web.app import create_app
    from tests.conftest import make_settings

    shared = str(tmp_path / "pages")
    first = create_app(make_settings(sample_database_url, page_cache_dir=shared))
    second = create_app(make_settings(sample_database_url, page_cache_dir=shared))
    built = page_content(first.server.test_client(), f"/measures/{MEASURE}")
    assert page_content(second.server.test_client(), f"/measures/{MEASURE}") == built
    assert _cache(second).shared_hits == 1 and _cache(first).shared_hits == 0
    with db.transaction() as session:
        session.execute(update(Measure).where(Measure.slug == MEASURE)
                        .values(name="Potholes, shared"))
    assert "Potholes, shared" in page_content(second.server.test_client(), f"/measures/{MEASURE}")
    assert "Potholes, shared" in page_content(first.server.test_client(), f"/measures/{MEASURE}")
    assert _cache(first).shared_hits == 1
    db.engine.dispose()


def test_a_spanish_page_is_never_the_english_one_from_memory(app, client):
    """The language is the request's (web/language.py): its own entry, in its own words."""
    english = page_content(client, f"/measures/{MEASURE}")
    client.set_cookie("kcstat_lang", "es")
    spanish = page_content(client, f"/measures/{MEASURE}")
    assert spanish != english
    assert page_content(client, f"/measures/{MEASURE}") == spanish
    client.delete_cookie("kcstat_lang")
    assert page_content(client, f"/measures/{MEASURE}") == english

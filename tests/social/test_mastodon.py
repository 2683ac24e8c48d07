"""The second network: a Mastodon hashtag timeline through the same source interface and loop."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import responses
from responses import matchers
from sqlalchemy import select

from kcstat_dash.models import Measure
from kcstat_dash.services.social import IngestError, SourceFatal, current_cursor, ingest
from kcstat_dash.services.social.mastodon import MastodonSource
from kcstat_dash.services.social.runner import configured_sources
from kcstat_dash.settings import Settings
from tests.conftest import DATA_DIR
from tests.social.conftest import stored

TIMELINE = "https://mastodon.social/api/v1/timelines/tag/KCStat"
M_DIR = DATA_DIR / "mastodon"
PAGE1 = json.loads((M_DIR / "tag_page1.json").read_text())
PAGE2 = json.loads((M_DIR / "tag_page2.json").read_text())
S3, S2 = (s["id"] for s in PAGE1)
(S1,) = (s["id"] for s in PAGE2)


@pytest.fixture
def mastodon():
    with responses.RequestsMock() as mock:
        yield mock


def _serve(mock, params: dict, name: str, status: int = 200, headers: dict | None = None):
    mock.get(TIMELINE, body=(M_DIR / name).read_text(), status=status, headers=headers or {},
             content_type="application/json; charset=utf-8",
             match=[matchers.query_param_matcher(params)])


def _source() -> MastodonSource:
    return MastodonSource("https://mastodon.social/", "#KCStat", limit=2)


def test_a_hashtag_timeline_is_read_page_by_page_into_the_queue(database, meetings, mastodon):
    _serve(mastodon, {"limit": "2"}, "tag_page1.json")
    _serve(mastodon, {"limit": "2", "max_id": S2}, "tag_page2.json")
    report = ingest(database, _source())
    assert (report.pages, report.added) == (2, 3)

    rows = stored(database, "mastodon")
    with database.transaction() as session:
        slugs = {m.id: m.slug for m in session.scalars(select(Measure))}
    assert stored(database, "x") == {}
    assert set(rows) == {S3, S2, S1}
    remote = rows[S2]
    assert remote.author_handle == "bikewalkkc@urbanists.social"
    assert remote.external_url == f"https://urbanists.social/@bikewalkkc/{S2}"
    # HTML became text: entities decoded, links' words kept, <br> and paragraphs as line breaks.
    assert remote.text == ("Crosswalk wait times near schools & the 311-on-time-rate:\nare they "
                           "tracked together? #KCStat\n\nThanks!")
    assert "<" not in rows[S3].text and rows[S1].text == "Looking forward to Tuesday's #KCStat"
    assert slugs[rows[S3].measure_id] == "pothole-on-time-rate"
    assert slugs[remote.measure_id] == "311-on-time-rate"
    assert {q.meeting_id for q in rows.values()} == {meetings["nov18"]}
    assert rows[S3].posted_at == datetime.fromisoformat("2026-11-19T00:44:31+00:00")
    assert current_cursor(database, "mastodon").since_id == S3

    _serve(mastodon, {"limit": "2", "since_id": S3}, "tag_empty.json")
    assert ingest(database, _source()).added == 0


def test_a_mastodon_rate_limit_waits_until_its_reset_time(database, meetings, mastodon):
    reset = "2026-11-19T01:05:00.000Z"
    now = datetime.fromisoformat("2026-11-19T01:00:00+00:00").timestamp()
    mastodon.get(TIMELINE, status=429, json={"error": "Too many requests"},
                 headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                          "X-RateLimit-Reset": reset},
                 match=[matchers.query_param_matcher({"limit": "2"})])
    _serve(mastodon, {"limit": "2"}, "tag_page1.json")
    _serve(mastodon, {"limit": "2", "max_id": S2}, "tag_page2.json")
    slept = []
    ingest(database, _source(), sleep=slept.append, clock=lambda: now)
    assert slept == [301.0]


def test_a_refused_timeline_names_the_setting(database, meetings, mastodon):
    _serve(mastodon, {"limit": "2"}, "unauthorized.json", status=401)
    with pytest.raises(IngestError) as failed:
        ingest(database, _source())
    assert isinstance(failed.value.__cause__, SourceFatal)
    assert "401" in str(failed.value) and "MASTODON_BASE_URL" in str(failed.value)


def test_sources_are_turned_on_by_their_settings():
    def names(**env):
        return [s.name for s in configured_sources(Settings(**env))]

    assert names() == []
    assert names(x_bearer_token="t") == ["x"]
    assert names(x_bearer_token="t", mastodon_base_url="https://mastodon.social") == [
        "x", "mastodon"]

"""Shared fixtures for the social-ingestion tests: a sample database, meetings, a fake X."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import responses
from sqlalchemy import delete, select

from kcstat_dash.db import Database
from kcstat_dash.models import Area, Meeting, Question
from kcstat_dash.services.social.x import XSource
from tests.social.x_api import TOKEN, FakeX, fixture

PAGE1, PAGE2, LATER = (fixture(n) for n in
                       ("search_page1.json", "search_page2.json", "search_later.json"))
TOKEN1 = PAGE1["meta"]["next_token"]
P5, P4, P3 = (t["id"] for t in PAGE1["data"])
P2, P1 = (t["id"] for t in PAGE2["data"])
P7, P6 = (t["id"] for t in LATER["data"])
ALL_FIRST_RUN = {P1, P2, P3, P4, P5}


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def database(sample_database_url):
    database = Database()
    database.configure(sample_database_url)
    yield database
    database.engine.dispose()


@pytest.fixture
def meetings(database) -> dict[str, int]:
    with database.transaction() as session:
        # The sample seeds demo meetings around today; these tests place posts among their own.
        session.execute(delete(Meeting))
        areas = {a.slug: a for a in session.scalars(select(Area))}
        made = {
            "nov14": Meeting(area=areas["neighborhoods"], title="Neighborhoods, November",
                             starts_at=utc(2026, 11, 14, 0, 0), ends_at=utc(2026, 11, 14, 1, 30),
                             status="ended"),
            "nov18": Meeting(area=areas["infrastructure"], title="Infrastructure, November",
                             starts_at=utc(2026, 11, 18, 23, 30), ends_at=utc(2026, 11, 19, 1, 0),
                             status="ended"),
            "dec": Meeting(area=areas["customer-service"], title="Customer service, December",
                           starts_at=utc(2026, 12, 16, 23, 30), status="scheduled"),
        }
        session.add_all(made.values())
        session.flush()
        return {name: m.id for name, m in made.items()}


@pytest.fixture
def fake_x():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeX(mock)


def first_run_routes(fake_x: FakeX) -> None:
    fake_x.route(None, None, "search_page1.json")
    fake_x.route(None, TOKEN1, "search_page2.json")
    fake_x.route(P5, None, "search_empty.json")


def x_source() -> XSource:
    return XSource(TOKEN, "#KCStat -is:retweet")


def stored(database, channel: str = "x") -> dict[str, Question]:
    """The channel's questions by external id, after checking none is stored twice."""
    with database.transaction() as session:
        rows = list(session.scalars(select(Question).where(Question.channel == channel)))
    ids = [q.external_id for q in rows]
    assert len(ids) == len(set(ids)), f"duplicate questions: {sorted(ids)}"
    return {q.external_id: q for q in rows}

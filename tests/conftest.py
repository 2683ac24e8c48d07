"""Shared fixtures: a fresh database per test on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kcstat_dash.db import db
from kcstat_dash.migrate import upgrade
from kcstat_dash.settings import Settings, normalise_database_url
from kcstat_dash.web.app import create_app
from tests import ast_lock

# Before any test runs a thread: no two threads of this process make or compile an AST at once,
# so CPython 3.11's gh-106905 race cannot fail a run (tests/ast_lock.py says why and how).
ast_lock.install()

POSTGRES_URL = os.environ.get("KCSTAT_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI") == "true"
BACKENDS = ["sqlite", "postgres"]


def pytest_collection_modifyitems(config, items):
    # In CI the PostgreSQL runs must run: a missing server is a failure, never a silent skip.
    if IN_CI and not POSTGRES_URL:
        raise pytest.UsageError("CI=true but KCSTAT_TEST_POSTGRES_URL is not set")


class PostgresServer:
    """Creates throwaway databases on the test server, cloned from migrated templates."""

    def __init__(self, url: str):
        self.url = make_url(normalise_database_url(url))
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.prefix = f"kcstat_{uuid.uuid4().hex[:8]}"
        self.created: list[str] = []

    def url_for(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        clause = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        self.created.append(name)
        return self.url_for(name)

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        for name in reversed(self.created):
            self.drop(name)
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_server():
    if not POSTGRES_URL:
        pytest.skip("KCSTAT_TEST_POSTGRES_URL is not set (CI sets it; see README)")
    server = PostgresServer(POSTGRES_URL)
    yield server
    db.engine and db.engine.dispose()
    server.close()


def _load_sample(url: str) -> None:
    from kcstat_dash.services.data_load import load_sample

    db.configure(url)
    report = load_sample(db)
    assert not report.errors
    db.engine.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory, request):
    """Migrated databases built once per run: ``empty`` and ``sample`` for each backend."""
    made: dict[tuple[str, str], str] = {}

    def get(backend: str, kind: str) -> str:
        key = (backend, kind)
        if key in made:
            return made[key]
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("templates") / f"{kind}.db"
            url = f"sqlite:///{path}"
        else:
            server = request.getfixturevalue("postgres_server")
            url = server.create(f"{server.prefix}_tpl_{kind}")
        upgrade(url)
        if kind == "sample":
            _load_sample(url)
        if backend == "postgres":
            # A template must have no open connections when it is cloned.
            db.engine and db.engine.dispose()
        made[key] = url
        return url

    return get


def _fresh_database(backend: str, kind: str, templates, request, tmp_path) -> str:
    source = templates(backend, kind)
    if backend == "sqlite":
        target = tmp_path / f"{kind}.db"
        shutil.copy(make_url(source).database, target)
        return f"sqlite:///{target}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"{server.prefix}_{uuid.uuid4().hex[:10]}"
    url = server.create(name, template=make_url(source).database)
    request.addfinalizer(lambda: (db.engine and db.engine.dispose(), server.drop(name)))
    return url


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    if request.param == "postgres" and not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured (set KCSTAT_TEST_POSTGRES_URL)")
    return request.param


@pytest.fixture
def database_url(backend, templates, request, tmp_path) -> str:
    """An empty, migrated database of its own for this test."""
    return _fresh_database(backend, "empty", templates, request, tmp_path)


@pytest.fixture
def sample_database_url(backend, templates, request, tmp_path) -> str:
    """A database of its own with the embedded Kansas City sample loaded."""
    return _fresh_database(backend, "sample", templates, request, tmp_path)


def make_settings(url: str, **overrides) -> Settings:
    return Settings.from_env(testing=True, database_url=url, **overrides)


@pytest.fixture
def session(database_url):
    """A session on an empty database, for service tests."""
    db.configure(database_url)
    s = db.new_session()
    yield s
    s.close()
    db.engine.dispose()


@pytest.fixture
def sample_session(sample_database_url):
    db.configure(sample_database_url)
    s = db.new_session()
    yield s
    s.close()
    db.engine.dispose()


@pytest.fixture
def app(sample_database_url):
    application = create_app(make_settings(sample_database_url))
    yield application
    db.engine.dispose()


@pytest.fixture
def client(app):
    return app.server.test_client()


@pytest.fixture
def runner(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return CliRunner()


DATA_DIR = Path(__file__).parent / "data"
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "kcstat_dash" / "sample"

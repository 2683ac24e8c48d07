"""The ``kcstat`` command on both databases: init-db, import-311, import-figures, demo."""

from __future__ import annotations

import csv
import gzip
import shutil
import uuid

import pytest
from sqlalchemy import create_engine, func, inspect, select

from kcstat_dash.db import db
from kcstat_dash.models import ImportRun, Measure, Observation, ServiceRequest
from kcstat_dash.sample_data import KC311_FILES, PUBLISHED_FIGURES
from kcstat_dash.web.cli import main
from tests.conftest import DATA_DIR

SMALL = DATA_DIR / "kc311_small.csv"


def _rows(path) -> list[dict]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _count(url: str, model) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(model))
    finally:
        engine.dispose()


@pytest.fixture
def blank_database_url(backend, request, tmp_path) -> str:
    """A database with no tables at all (not even Alembic's)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'blank.db'}"
    server = request.getfixturevalue("postgres_server")
    name = f"{server.prefix}_blank_{uuid.uuid4().hex[:8]}"
    url = server.create(name)
    request.addfinalizer(lambda: (db.engine and db.engine.dispose(), server.drop(name)))
    return url


@pytest.mark.parametrize("command", [["export-open-data"], ["verify-citation", "abc"]])
def test_read_only_commands_never_migrate(blank_database_url, monkeypatch, command):
    from click.testing import CliRunner

    monkeypatch.setenv("DATABASE_URL", blank_database_url)
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1
    assert "run kcstat init-db first" in result.output
    db.engine.dispose()
    engine = create_engine(blank_database_url)
    tables = inspect(engine).get_table_names()
    engine.dispose()
    assert tables == []


def test_init_db_creates_the_schema_on_an_empty_database(blank_database_url, monkeypatch):
    from click.testing import CliRunner

    monkeypatch.setenv("DATABASE_URL", blank_database_url)
    result = CliRunner().invoke(main, ["init-db"])
    assert result.exit_code == 0, result.output
    assert "Database ready" in result.output
    db.engine.dispose()
    engine = create_engine(blank_database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"alembic_version", "service_request", "measure", "observation", "narrative"} <= tables
    # Running it again is harmless.
    assert CliRunner().invoke(main, ["init-db"]).exit_code == 0


def test_import_311_reports_what_it_added_and_recomputes(runner, database_url):
    result = runner.invoke(main, ["import-311", "--no-progress", str(SMALL)])
    assert result.exit_code == 0, result.output
    expected = len(_rows(SMALL))
    assert f"kc311_small.csv: {expected} rows read, {expected} added, 0 updated" in result.output
    assert "Measures recomputed" in result.output
    assert _count(database_url, ServiceRequest) == expected
    assert _count(database_url, Observation) > 0

    again = runner.invoke(main, ["import-311", "--no-progress", str(SMALL)])
    assert f"{expected} rows read, 0 added, 0 updated" in again.output
    assert _count(database_url, ServiceRequest) == expected


def test_import_311_refuses_a_bad_file_by_name_and_line(runner, database_url, tmp_path):
    rows = _rows(SMALL)
    rows[9]["CREATION DATE"] = "yesterday"
    bad = tmp_path / "broken_export.csv"
    with open(bad, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with open(bad, newline="") as handle:  # the physical line of the tenth row
        reader = csv.reader(handle)
        line = next(reader.line_num for index, _ in enumerate(reader) if index == 10)
    result = runner.invoke(main, ["import-311", "--no-progress", str(bad)])
    assert result.exit_code == 1
    assert f"broken_export.csv, line {line}" in result.output
    assert "CREATION DATE 'yesterday'" in result.output
    assert "nothing imported from this file" in result.output
    assert _count(database_url, ServiceRequest) == 0


def test_import_311_missing_file_is_an_error_not_a_crash(runner, tmp_path):
    result = runner.invoke(main, ["import-311", "--no-progress", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert "nope.csv" in result.output and "no such file" in result.output


def test_import_311_shows_a_progress_bar_when_asked(runner):
    shown = runner.invoke(main, ["import-311", "--progress", str(SMALL)])
    hidden = runner.invoke(main, ["import-311", "--no-progress", str(SMALL)])
    assert shown.exit_code == hidden.exit_code == 0
    # tqdm draws on stderr: the file's name as the description and a count of rows.
    assert "kc311_small.csv:" in shown.stderr and "rows" in shown.stderr
    assert "rows/s" in shown.stderr
    assert hidden.stderr == ""


def test_import_figures_makes_measures_with_observations(runner, database_url):
    result = runner.invoke(main, ["import-figures", str(PUBLISHED_FIGURES)])
    assert result.exit_code == 0, result.output
    with open(PUBLISHED_FIGURES, newline="", encoding="utf-8") as handle:
        published = list(csv.DictReader(handle))
    assert "published figures imported" in result.output
    names = {r["measure"] for r in published}
    engine = create_engine(database_url)
    with engine.connect() as conn:
        stored = set(conn.scalars(select(Measure.name).where(Measure.kind != "311")))
    engine.dispose()
    assert names <= stored


def test_import_figures_refuses_a_file_that_is_not_figures(runner, database_url):
    result = runner.invoke(main, ["import-figures", str(SMALL)])
    assert result.exit_code == 1
    assert "kc311_small.csv" in result.output and "not a published-figures file" in result.output
    assert "nothing imported" in result.output
    assert _count(database_url, ImportRun) == 0


def test_demo_no_serve_loads_the_sample_once(blank_database_url, monkeypatch, tmp_path):
    from click.testing import CliRunner

    # One of the embedded neighborhoods keeps the test quick; the whole sample is loaded the
    # same way by the session fixtures (see conftest.templates).
    one = tmp_path / KC311_FILES[0].name
    shutil.copy(KC311_FILES[0], one)
    monkeypatch.setattr("kcstat_dash.services.data_load.KC311_FILES", [one])
    monkeypatch.setenv("DATABASE_URL", blank_database_url)
    first = CliRunner().invoke(main, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    expected = len(_rows(one))
    assert f"Loaded {expected:,} requests" in first.output
    db.engine.dispose()
    runs = _count(blank_database_url, ImportRun)
    assert _count(blank_database_url, ServiceRequest) == expected

    second = CliRunner().invoke(main, ["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    assert "already loaded" in second.output
    db.engine.dispose()
    assert _count(blank_database_url, ServiceRequest) == expected
    assert _count(blank_database_url, ImportRun) == runs

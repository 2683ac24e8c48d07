"""``kcstat set-target`` and ``kcstat import-targets``: the analysts' service, history kept."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from kcstat_dash.cli import main
from kcstat_dash.db import db
from kcstat_dash.models import AuditEntry
from kcstat_dash.services import measures


@pytest.fixture
def cli(sample_database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sample_database_url)
    db.configure(sample_database_url)  # _points reads before the first command configures it
    yield CliRunner()
    db.engine and db.engine.dispose()


def _points(slug: str) -> dict[str, dict]:
    with db.transaction() as session:
        return {p["period"]: p for p in
                measures.observation_points(measures.get_measure(session, slug))}


def test_set_target_applies_from_its_period_and_keeps_the_past(cli):
    before = _points("311-on-time-rate")
    done = cli.invoke(main, ["set-target", "311-on-time-rate", "70", "--from", "2020-01",
                             "--note", "FY2021 business plan"])
    assert done.exit_code == 0, done.output
    after = _points("311-on-time-rate")
    assert after["2019-12"]["target"] == before["2019-12"]["target"] == 80
    assert after["2020-01"]["target"] == after["2020-08"]["target"] == 70
    # 2020-08's value (about 77% on 345 requests) misses 80 and meets 70.
    assert before["2020-08"]["status"] == "missed" and after["2020-08"]["status"] == "met"
    with db.transaction() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "measure.set_target")).one()
        assert entry.after == {"effective_from": "2020-01", "value": 70.0,
                               "note": "FY2021 business plan"}


@pytest.mark.parametrize("arguments, message", [
    (["no-such-measure", "70", "--from", "2020-01"], "no measure"),
    (["311-on-time-rate", "170", "--from", "2020-01"], "at most 100"),
    (["311-on-time-rate", "70", "--from", "January"], "YYYY-MM"),
])
def test_set_target_refuses_bad_input_and_changes_nothing(cli, arguments, message):
    before = _points("311-on-time-rate")
    done = cli.invoke(main, ["set-target", *arguments])
    assert done.exit_code != 0 and message in done.output
    assert _points("311-on-time-rate") == before


def test_import_targets_sets_them_all(cli, tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("slug,value,effective_from,note\n"
                    "311-on-time-rate,75,2020-01,Business plan\n"
                    "pothole-on-time-rate,85,2019-07,\n"
                    "311-median-days-to-close,,2020-01,Target dropped\n", encoding="utf-8")
    done = cli.invoke(main, ["import-targets", str(path)])
    assert done.exit_code == 0, done.output
    assert "3 targets set" in done.output
    assert _points("311-on-time-rate")["2020-02"]["target"] == 75
    assert _points("pothole-on-time-rate")["2019-07"]["target"] == 85
    assert _points("pothole-on-time-rate")["2019-06"]["target"] == 80
    assert _points("311-median-days-to-close")["2020-02"]["target"] is None
    assert _points("311-median-days-to-close")["2020-02"]["status"] in ("no-target", "too-few",
                                                                       "partial")


@pytest.mark.parametrize("body, message", [
    ("slug,value\n311-on-time-rate,75\n", "line 1: the header lacks effective_from"),
    ("slug,value,effective_from,note\n311-on-time-rate,75,2020-01,ok\n"
     "nope,75,2020-01,\n", "line 3: There is no measure"),
    ("slug,value,effective_from,note\n311-on-time-rate,75,2020-01,ok\n"
     "311-on-time-rate,lots,2020-02,\n", "line 3: The target must be a number"),
    ("slug,value,effective_from,note\n311-on-time-rate,75,2020-01,<script>x</script>\n",
     "line 2: The note contains HTML"),
    ("slug,value,effective_from,note\n", "has no targets"),
])
def test_a_bad_targets_file_sets_nothing(cli, tmp_path, body, message):
    path = tmp_path / "targets.csv"
    path.write_text(body, encoding="utf-8")
    before = _points("311-on-time-rate")
    done = cli.invoke(main, ["import-targets", str(path)])
    assert done.exit_code != 0
    assert message in done.output and "nothing imported" in done.output
    assert _points("311-on-time-rate") == before

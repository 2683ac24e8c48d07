"""``kcstat cite``, ``verify-citation`` and ``export-open-data`` call the same services."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from kcstat_dash.cli import main
from kcstat_dash.db import db
from kcstat_dash.services import measures


@pytest.fixture
def cli(sample_database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sample_database_url)
    monkeypatch.setenv("KCSTAT_PUBLIC_URL", "https://kcstat.example.org")
    yield CliRunner()
    db.engine and db.engine.dispose()


def test_cite_then_verify_then_a_changed_target_is_reported(cli):
    made = cli.invoke(main, ["cite", "pothole-on-time-rate", "2019-03"])
    assert made.exit_code == 0, made.output
    citation_id = re.search(r"Citation ([a-z2-7]{16})", made.output).group(1)
    assert ("March 2019: " in made.output and "target 80%, target missed). Retrieved " in
            made.output and f"https://kcstat.example.org/cite/{citation_id}." in made.output)

    same = cli.invoke(main, ["verify-citation", citation_id])
    assert same.exit_code == 0 and same.output.startswith("Still the same today.")

    with db.transaction() as session:
        measures.set_target(session, measures.get_measure(session, "pothole-on-time-rate"),
                            "2019-01", 85.0)
    changed = cli.invoke(main, ["verify-citation", citation_id])
    # The value itself is unchanged, but a reader relies on the target too.
    assert changed.exit_code == 1 and changed.output.startswith("Changed since it was cited.")
    assert "Target: 80% when cited, 85% now (changed target" in changed.output


@pytest.mark.parametrize("args, message", [
    (["cite", "no-such-measure", "2019-03"], "There is no measure 'no-such-measure'."),
    (["cite", "pothole-on-time-rate", "2019-3"], "YYYY-MM"),
    (["cite", "pothole-on-time-rate", "1999-01"], "no value for January 1999"),
    (["verify-citation", "../x"], "There is no citation '../x'."),
])
def test_cli_refuses_bad_input_with_a_clear_message(cli, args, message):
    result = cli.invoke(main, args)
    assert result.exit_code != 0
    assert message in result.output


def test_export_open_data_json_has_every_measure(cli, sample_session):
    result = cli.invoke(main, ["export-open-data", "--format", "json"])
    assert result.exit_code == 0
    body = json.loads(result.output)
    slugs = {m["slug"] for m in measures.list_measures(sample_session)}
    assert {m["slug"] for m in body["measures"]} == slugs

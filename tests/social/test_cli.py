"""``kcstat ingest-social``: not configured, once, failures, and the --follow loop."""

from __future__ import annotations

import threading

from click.testing import CliRunner

from kcstat_dash.cli import main
from kcstat_dash.services.social import current_cursor
from kcstat_dash.services.social.runner import follow
from kcstat_dash.settings import PROJECT_ROOT
from tests.social.conftest import ALL_FIRST_RUN, P5, TOKEN1, first_run_routes, stored, x_source
from tests.social.x_api import TOKEN, Reply


def _cli(monkeypatch, url: str, token: str | None) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", url)
    if token:
        monkeypatch.setenv("X_BEARER_TOKEN", token)
    else:
        monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    monkeypatch.delenv("KCSTAT_SOCIAL_QUERY", raising=False)
    monkeypatch.delenv("MASTODON_BASE_URL", raising=False)
    return CliRunner()


def test_without_a_token_the_command_says_it_is_not_configured(monkeypatch, database_url):
    result = _cli(monkeypatch, database_url, None).invoke(main, ["ingest-social"])
    assert result.exit_code != 0
    assert "Social ingestion is not configured" in result.output
    assert "X_BEARER_TOKEN" in result.output and "MASTODON_BASE_URL" in result.output


def test_the_query_comes_from_the_settings(monkeypatch, database, meetings, fake_x):
    fake_x.route(None, None, "search_empty.json")
    url = database.engine.url.render_as_string(hide_password=False)
    runner = _cli(monkeypatch, url, TOKEN)
    monkeypatch.setenv("KCSTAT_SOCIAL_QUERY", "#KCStat #bikekc -is:retweet lang:en")
    assert runner.invoke(main, ["ingest-social"]).exit_code == 0
    assert fake_x.calls[0]["params"]["query"] == "#KCStat #bikekc -is:retweet lang:en"


def test_the_app_runs_without_a_token(monkeypatch, client):
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200


def test_once_stores_the_posts_and_reports(monkeypatch, database, meetings, fake_x):
    first_run_routes(fake_x)
    url = database.engine.url.render_as_string(hide_password=False)
    result = _cli(monkeypatch, url, TOKEN).invoke(main, ["ingest-social"])
    assert result.exit_code == 0, result.output
    assert "x: 2 page(s), 5 post(s): 5 new question(s)" in result.output
    assert fake_x.calls[0]["authorization"] == f"Bearer {TOKEN}"
    assert set(stored(database)) == ALL_FIRST_RUN


def test_once_fails_non_zero_with_the_reason_and_what_was_kept(monkeypatch, database, meetings,
                                                              fake_x):
    fake_x.route(None, None, "search_page1.json")
    fake_x.route(None, TOKEN1, Reply.of("client_not_enrolled.json", 403))
    url = database.engine.url.render_as_string(hide_password=False)
    result = _cli(monkeypatch, url, TOKEN).invoke(main, ["ingest-social"])
    assert result.exit_code == 1
    assert "client-not-enrolled" in result.output
    assert "kept: x: 1 page(s), 3 post(s): 3 new question(s)" in result.output
    assert len(stored(database)) == 3


def test_follow_retries_after_a_network_failure_and_stops_when_asked(database, meetings, fake_x):
    fake_x.route(None, None, Reply.of("service_unavailable.json", 503), "search_page1.json")
    fake_x.route(None, TOKEN1, "search_page2.json")
    stop = threading.Event()
    passes = []

    def on_pass(reports, errors):
        passes.append((reports, errors))
        if reports:
            stop.set()

    assert follow(database, [x_source()], 0.01, stop, on_pass=on_pass) is True
    (first_reports, first_errors), (second_reports, second_errors) = passes
    assert first_reports == [] and "503" in str(first_errors[0])
    assert second_errors == [] and second_reports[0].added == 5
    assert current_cursor(database, "x").since_id == P5


def test_follow_gives_up_on_bad_credentials(database, meetings, fake_x):
    fake_x.route(None, None, Reply.of("unauthorized.json", 401))
    passes = []
    assert follow(database, [x_source()], 0.01, threading.Event(),
                  on_pass=lambda r, e: passes.append(e)) is False
    assert len(passes) == 1 and "401" in str(passes[0][0])


def test_the_procfile_runs_the_follower_as_a_worker():
    lines = (PROJECT_ROOT / "Procfile").read_text().splitlines()
    assert "worker: kcstat ingest-social --follow" in lines

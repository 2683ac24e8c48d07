"""Settings from the environment: database URLs as Heroku writes them, the secret key rule."""

from __future__ import annotations

import pytest

from kcstat_dash.settings import Settings, SettingsError, normalise_database_url

ENV = ("DATABASE_URL", "SECRET_KEY", "KCSTAT_DEBUG", "REDIS_URL", "SOCRATA_APP_TOKEN")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("given, expected", [
    ("postgres://u:p@db.example.com:5432/kc", "postgresql+psycopg://u:p@db.example.com:5432/kc"),
    ("postgresql://u@localhost/kc", "postgresql+psycopg://u@localhost/kc"),
    ("postgresql+psycopg://u@localhost/kc", "postgresql+psycopg://u@localhost/kc"),
    ("sqlite:////tmp/kc.db", "sqlite:////tmp/kc.db"),
])
def test_database_urls_are_normalised(given, expected):
    assert normalise_database_url(given) == expected


def test_herokus_database_url_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://kc:secret@ec2.example.com:5432/d1")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    assert Settings.from_env().database_url == "postgresql+psycopg://kc:secret@ec2.example.com:5432/d1"


def test_the_default_database_is_a_sqlite_file_under_instance(monkeypatch, tmp_path):
    monkeypatch.setenv("KCSTAT_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("KCSTAT_DEBUG", "1")
    assert Settings.from_env().database_url == f"sqlite:///{tmp_path / 'kcstat.db'}"


def test_secret_key_is_required_outside_debug():
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env()


def test_the_app_refuses_to_start_without_a_secret_key():
    from kcstat_dash.web.app import create_app

    with pytest.raises(SettingsError):
        create_app()


def test_secret_key_from_the_environment_is_used_and_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-production-secret-0123456789")
    settings = Settings.from_env()
    assert settings.secret_key == "a-long-production-secret-0123456789"
    assert settings.secure_cookies


def test_debug_gets_a_throwaway_key_that_is_not_shared(monkeypatch):
    monkeypatch.setenv("KCSTAT_DEBUG", "1")
    first, second = Settings.from_env(), Settings.from_env()
    assert len(first.secret_key) >= 32
    assert first.secret_key != second.secret_key
    assert not first.secure_cookies


def test_optional_services_are_off_when_unset(monkeypatch):
    monkeypatch.setenv("KCSTAT_DEBUG", "1")
    monkeypatch.setenv("SOCRATA_APP_TOKEN", "")
    settings = Settings.from_env()
    assert settings.redis_url is None and settings.socrata_app_token is None


def test_local_commands_may_ask_for_a_throwaway_key_without_debug():
    settings = Settings.from_env(allow_generated_secret=True)
    assert not settings.debug
    assert len(settings.secret_key) >= 32 and settings.generated_secret
    # A throwaway key means a local run on plain HTTP, as debug did for `kcstat serve`.
    assert not settings.secure_cookies


def test_a_given_secret_key_wins_over_allow_generated_secret(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-production-secret-0123456789")
    settings = Settings.from_env(allow_generated_secret=True)
    assert settings.secret_key == "a-long-production-secret-0123456789"
    assert not settings.generated_secret and settings.secure_cookies

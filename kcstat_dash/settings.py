"""Settings read once from the environment, with safe local defaults."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_database_url() -> str:
    """A SQLite file under ``instance/`` beside the project (the embedded default)."""
    instance = Path(os.environ.get("KCSTAT_INSTANCE_DIR", PROJECT_ROOT / "instance"))
    return f"sqlite:///{instance / 'kcstat.db'}"


def normalise_database_url(url: str) -> str:
    """Accept Heroku's ``postgres://`` form and pick the psycopg 3 driver for PostgreSQL."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class SettingsError(RuntimeError):
    """Raised when the environment cannot give a safe configuration."""


DEFAULT_PUBLISHER = "KCStat Dash (an independent deployment, not the City of Kansas City, Mo.)"
DEFAULT_MIN_N = 30


def publisher_from_env() -> str:
    """``KCSTAT_PUBLISHER``: the name citations give as publisher."""
    return (os.environ.get("KCSTAT_PUBLISHER") or "").strip() or DEFAULT_PUBLISHER


def min_n_from_env() -> int:
    """``KCSTAT_MIN_N``: the fewest requests a rate or median may be judged on (default 30)."""
    text = (os.environ.get("KCSTAT_MIN_N") or "").strip()
    if not text:
        return DEFAULT_MIN_N
    if not text.isdigit() or int(text) < 1:
        raise SettingsError(f"KCSTAT_MIN_N must be a whole number of at least 1, not {text!r}")
    return int(text)


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment."""

    database_url: str = field(default_factory=default_database_url)
    secret_key: str = ""
    debug: bool = False
    redis_url: str | None = None
    x_bearer_token: str | None = None
    socrata_app_token: str | None = None
    social_query: str = "#KCStat -is:retweet"
    # A Mastodon server whose public hashtag timeline is read (off unless set), and the tag.
    mastodon_base_url: str | None = None
    mastodon_hashtag: str = "KCStat"
    public_base_url: str | None = None
    testing: bool = False
    # Anonymous questions per browser (per address for API clients); see services/rate_limits.
    question_rate_limits: str = "5/minute;40/hour"
    # Proxies in front of the app whose X-Forwarded-For is trusted (1 on Heroku): without it
    # every client would share the router's address, and per-client rate limits would be moot.
    trusted_proxies: int = 0
    # True when SECRET_KEY was unset and a throwaway key was made: a local run (debug, tests,
    # or a local command that asked for it), whose sessions end with the process.
    generated_secret: bool = False

    @classmethod
    def from_env(cls, *, allow_generated_secret: bool = False, **overrides) -> Settings:
        """Read the environment; ``SECRET_KEY`` is required unless debugging or testing.

        ``allow_generated_secret`` is for local commands (``kcstat demo``, ``kcstat serve``, and
        the commands that sign nothing): without ``SECRET_KEY`` they run on a throwaway key.
        """
        values = dict(
            database_url=normalise_database_url(os.environ.get("DATABASE_URL")
                                                or default_database_url()),
            secret_key=os.environ.get("SECRET_KEY", ""),
            debug=_flag("KCSTAT_DEBUG"),
            redis_url=os.environ.get("REDIS_URL") or None,
            x_bearer_token=os.environ.get("X_BEARER_TOKEN") or None,
            socrata_app_token=os.environ.get("SOCRATA_APP_TOKEN") or None,
            social_query=os.environ.get("KCSTAT_SOCIAL_QUERY", "#KCStat -is:retweet"),
            mastodon_base_url=os.environ.get("MASTODON_BASE_URL") or None,
            mastodon_hashtag=(os.environ.get("KCSTAT_MASTODON_HASHTAG") or "KCStat").lstrip("#"),
            public_base_url=os.environ.get("KCSTAT_PUBLIC_URL") or None,
            question_rate_limits=os.environ.get("KCSTAT_QUESTION_RATE_LIMITS")
            or "5/minute;40/hour",
            trusted_proxies=int(os.environ.get("KCSTAT_TRUSTED_PROXIES") or 0),
        )
        values.update(overrides)
        if "database_url" in overrides:
            values["database_url"] = normalise_database_url(values["database_url"])
        settings = cls(**values)
        if not settings.secret_key:
            if not (settings.debug or settings.testing or allow_generated_secret):
                raise SettingsError(
                    "SECRET_KEY must be set outside debug mode "
                    "(set KCSTAT_DEBUG=1 for a local run, or export SECRET_KEY)."
                )
            # A throwaway key for local runs: sessions do not outlive the process.
            settings = cls(**{**values, "secret_key": secrets.token_hex(32),
                              "generated_secret": True})
        return settings

    @property
    def secure_cookies(self) -> bool:
        """Cookies are Secure everywhere but local runs (debugging, tests, a throwaway key),
        which are served on plain HTTP."""
        return not (self.debug or self.testing or self.generated_secret)

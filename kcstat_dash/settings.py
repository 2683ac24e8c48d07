"""Settings read once from the environment, with safe local defaults."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

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


@dataclass(frozen=True)
class RateLimit:
    """One public action's limits, in the ``limits`` notation ("5/minute;40/hour").

    ``per_client`` counts a server-issued browser id (or, without one, the network address);
    ``per_address`` is the ceiling for one network address whatever ids it shows. A venue's
    attendees often share one public address, so the ceiling is only against floods.
    """

    per_client: str
    per_address: str


# Every default limit on anonymous input, in one place (services/rate_limits.py applies them).
DEFAULT_QUESTION_LIMITS = RateLimit(per_client="5/minute;40/hour", per_address="120/minute")
# A person says "me too" to many questions in a meeting; a room of 200 may do so in a minute.
DEFAULT_VOTE_LIMITS = RateLimit(per_client="30/minute;300/hour", per_address="1200/minute")
DEFAULT_CITATION_LIMITS = RateLimit(per_client="20/minute;200/hour", per_address="60/minute")
# Browser ids issued to one address: enough for a full venue behind one Wi-Fi address, and the
# most votes a stuffing client can cast on one question from one address (docs/SECURITY.md).
DEFAULT_BROWSER_ID_LIMITS = "300/hour;1000/day"
# Staff forms: sign-in and password-change posts per address (the routes' limiter), and wrong
# passwords for one e-mail from one address before that pair waits out the window
# (services/accounts.py).
SIGN_IN_POST_LIMIT = "20 per minute"
PASSWORD_CHANGE_POST_LIMIT = "10 per minute"
SIGN_IN_FAILURE_LIMIT = "5 per 15 minutes"
# Where local runs (debug, tests, `kcstat demo`) link to when KCSTAT_PUBLIC_URL is unset.
LOCAL_PUBLIC_URL = "http://127.0.0.1:8050"


def public_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the site's public base URL, or None when it can."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"KCSTAT_PUBLIC_URL must be an http(s) URL such as https://kcstat.example.org, " \
               f"not {url!r}"
    if parts.query or parts.fragment:
        return f"KCSTAT_PUBLIC_URL must not carry a query or fragment: {url!r}"
    return None


def proxy_binding_problem(trusted_proxies: int, binds: list[str],
                          reachable_only_by_proxy: bool = False) -> str | None:
    """Why trusting ``trusted_proxies`` proxies is unsafe with gunicorn bound to ``binds``.

    With a proxy count the app believes X-Forwarded-For, so a client that reaches gunicorn
    directly could name any address on every request and never meet a rate limit. gunicorn must
    then listen only where the proxy alone reaches it: loopback, a private address or a Unix
    socket. ``reachable_only_by_proxy`` is the operator's word (Heroku's ``DYNO``, or
    ``KCSTAT_PROXY_ONLY_NETWORK=1`` for a container or firewall) that a wildcard or public
    bind is reachable by the proxy alone.
    """
    if trusted_proxies <= 0 or reachable_only_by_proxy:
        return None
    for bind in binds:
        host = _bind_host(bind)
        if host is None:  # a Unix socket or a file descriptor: not reachable from the network
            continue
        if host == "localhost":
            continue
        try:
            address = ipaddress.ip_address(host or "0.0.0.0")
        except ValueError:  # a host name: what it resolves to is not ours to guess
            address = None
        if address is None or address.is_unspecified or not (address.is_loopback
                                                             or address.is_private):
            return (f"KCSTAT_TRUSTED_PROXIES={trusted_proxies} with gunicorn bound to {bind!r}, "
                    "which clients may reach directly: they could send their own "
                    "X-Forwarded-For and escape every rate limit. Bind gunicorn to loopback, a "
                    "private IP address or a Unix socket that only the proxy reaches; set "
                    "KCSTAT_PROXY_ONLY_NETWORK=1 if a firewall already ensures that; or set "
                    "KCSTAT_TRUSTED_PROXIES=0.")
    return None


def trusted_proxies_from_env() -> int:
    """``KCSTAT_TRUSTED_PROXIES``: how many proxies' X-Forwarded-For entries to believe."""
    text = (os.environ.get("KCSTAT_TRUSTED_PROXIES") or "0").strip()
    if not text.isdigit():
        raise SettingsError(f"KCSTAT_TRUSTED_PROXIES must be a whole number, not {text!r}")
    return int(text)


def proxy_only_network_from_env() -> bool:
    """Whether the operator says gunicorn is reachable by the proxy alone (Heroku: always)."""
    return bool(os.environ.get("DYNO")) or _flag("KCSTAT_PROXY_ONLY_NETWORK")


def _bind_host(bind: str) -> str | None:
    if bind.startswith(("unix:", "fd://")):
        return None
    if bind.startswith("["):  # [::1]:8000
        return bind[1:bind.index("]")]
    host, colon, _port = bind.rpartition(":")
    return host if colon else bind


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
    # KCSTAT_PUBLIC_URL: the base of every absolute link (calendar feed, citations); never
    # the request's Host header, which a client chooses. Required in production.
    public_base_url: str | None = None
    testing: bool = False
    # Limits on anonymous input (see RateLimit); KCSTAT_QUESTION_RATE_LIMITS sets questions'
    # per-client limit.
    question_limits: RateLimit = DEFAULT_QUESTION_LIMITS
    vote_limits: RateLimit = DEFAULT_VOTE_LIMITS
    citation_limits: RateLimit = DEFAULT_CITATION_LIMITS
    browser_id_limits: str = DEFAULT_BROWSER_ID_LIMITS
    # Proxies in front of the app whose X-Forwarded-For is trusted (1 on Heroku): without it
    # every client would share the router's address, and per-client rate limits would be moot.
    trusted_proxies: int = 0
    # KCSTAT_PAGE_CACHE_DIR: a directory the workers of one server share built pages through
    # (web/page_cache.py); gunicorn.conf.py makes a fresh one per server start. Unset: each
    # process keeps its own only.
    page_cache_dir: str | None = None
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
            question_limits=RateLimit(
                per_client=os.environ.get("KCSTAT_QUESTION_RATE_LIMITS")
                or DEFAULT_QUESTION_LIMITS.per_client,
                per_address=DEFAULT_QUESTION_LIMITS.per_address),
            trusted_proxies=trusted_proxies_from_env(),
            page_cache_dir=os.environ.get("KCSTAT_PAGE_CACHE_DIR") or None,
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
        if settings.public_base_url and (problem := public_url_problem(settings.public_base_url)):
            raise SettingsError(problem)
        return settings

    @property
    def production(self) -> bool:
        """Not a local run (debugging, tests, or a throwaway key for a local command)."""
        return not (self.debug or self.testing or self.generated_secret)

    @property
    def public_url(self) -> str:
        """The base of absolute links: KCSTAT_PUBLIC_URL, or the local address in local runs."""
        return (self.public_base_url or LOCAL_PUBLIC_URL).rstrip("/")

    def check_can_serve(self) -> None:
        """Refuse to serve the web app in production without what it needs to be safe."""
        if self.production and not self.public_base_url:
            raise SettingsError(
                "KCSTAT_PUBLIC_URL must be set in production (for example "
                "https://kcstat.example.org): calendar feeds and citations link to it, and the "
                "request's Host header, which any client can set, is never used instead.")

    @property
    def secure_cookies(self) -> bool:
        """Cookies are Secure everywhere but local runs (debugging, tests, a throwaway key),
        which are served on plain HTTP."""
        return self.production

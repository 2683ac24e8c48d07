"""Rate limits on anonymous submissions, in flask-limiter's storage (Redis, else the database).

The limiter's storage is shared by every worker when ``REDIS_URL`` is set, so a client cannot
multiply its allowance by landing on different workers. Both the web form (a Dash callback) and
the JSON API call ``take_question_slot``, so one rule covers both ways in.
"""

from __future__ import annotations

from limits import RateLimitItem, parse_many
from limits.strategies import RateLimiter

from kcstat_dash.services.questions import QuestionRejected

# Per browser (or per address for API clients): generous for a person, tight for a script.
DEFAULT_CLIENT_LIMITS = "5/minute;40/hour"
# Per network address: a venue's attendees often share one public address, so this is only a
# ceiling against floods from one machine that fakes many browsers.
DEFAULT_ADDRESS_LIMITS = "120/minute"


def _limits(spec: str) -> list[RateLimitItem]:
    return parse_many(spec)


def take_question_slot(strategy: RateLimiter, client_key: str, address: str | None = None,
                       client_limits: str = DEFAULT_CLIENT_LIMITS,
                       address_limits: str = DEFAULT_ADDRESS_LIMITS) -> None:
    """Count one submission; raise ``QuestionRejected`` (429) when the client is over a limit."""
    checks = [(item, "client", client_key) for item in _limits(client_limits)]
    if address:
        checks += [(item, "address", address) for item in _limits(address_limits)]
    for item, kind, key in checks:
        if not strategy.hit(item, "kcstat-question", kind, key):
            raise QuestionRejected(
                "rate_limited", f"You have sent a lot of questions ({item.amount} per "
                f"{_per(item)}). Please wait a little before sending another.", status=429)


def _per(item: RateLimitItem) -> str:
    name = item.GRANULARITY.name
    return name if item.multiples == 1 else f"{item.multiples} {name}s"

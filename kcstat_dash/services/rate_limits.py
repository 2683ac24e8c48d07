"""Rate limits on anonymous input, in flask-limiter's storage (Redis, else the database).

The limiter's storage is shared by every worker when ``REDIS_URL`` is set, so a client cannot
multiply its allowance by landing on different workers. Each public action (a question, a
"me too", a citation, a browser id issued) takes its slot here, whichever way it came in (a
Dash callback or the JSON API); the limits themselves are settings (``settings.RateLimit``).
"""

from __future__ import annotations

from limits import RateLimitItem, parse_many
from limits.strategies import RateLimiter

from kcstat_dash.services.questions import QuestionRejected
from kcstat_dash.settings import RateLimit

# What a refusal says, per action: "{limit}" is e.g. "5 per minute".
MESSAGES = {
    "question": "You have sent a lot of questions ({limit}). Please wait a little before "
                "sending another.",
    "vote": "You have said “me too” a lot ({limit}). Please wait a little before the next one.",
    "citation": "You have made a lot of citations ({limit}). Please wait a little before the "
                "next one.",
    "browser-id": "This network address has been given many browser ids ({limit}). Please try "
                  "again later.",
}


class RateLimited(QuestionRejected):
    """Over a limit: 429, whatever the action (a question's refusals are its subclass too)."""

    def __init__(self, message: str):
        super().__init__("rate_limited", message, status=429)


def take_slot(strategy: RateLimiter, action: str, limits: RateLimit, client_key: str | None,
              address_key: str | None) -> None:
    """Count one ``action``; raise ``RateLimited`` when the client or its address is over.

    ``client_key`` is a server-issued browser id (hashed) or, without one, the address; the
    address's ceiling is counted too, so ids cannot multiply what one address may do.
    """
    checks = []
    if client_key:
        checks += [(item, "client", client_key) for item in parse_many(limits.per_client)]
    if address_key:
        checks += [(item, "address", address_key) for item in parse_many(limits.per_address)]
    for item, kind, key in checks:
        if not strategy.hit(item, f"kcstat-{action}", kind, key):
            raise RateLimited(MESSAGES[action].format(limit=f"{item.amount} per {_per(item)}"))


def _per(item: RateLimitItem) -> str:
    name = item.GRANULARITY.name
    return name if item.multiples == 1 else f"{item.multiples} {name}s"

"""Rate limits on anonymous input, in flask-limiter's storage (Redis, else the database).

The limiter's storage is shared by every worker when ``REDIS_URL`` is set, so a client cannot
multiply its allowance by landing on different workers. Each public action (a question, a
"me too", a citation, a browser id issued) takes its slot here, whichever way it came in (a
Dash callback or the JSON API); the limits themselves are settings (``settings.RateLimit``).
"""

from __future__ import annotations

from limits import RateLimitItem, parse_many
from limits.strategies import RateLimiter

from kcstat_dash.i18n import N_
from kcstat_dash.services.errors import Count, Later
from kcstat_dash.services.questions import QuestionRejected
from kcstat_dash.settings import RateLimit

# What a refusal says, per action: "{limit}" is e.g. "5 per minute".
MESSAGES = {
    "question": N_("You have sent a lot of questions ({limit}). Please wait a little before "
                   "sending another."),
    "vote": N_("You have said “me too” a lot ({limit}). Please wait a little before the next "
               "one."),
    "citation": N_("You have made a lot of citations ({limit}). Please wait a little before the "
                   "next one."),
    "browser-id": N_("This network address has been given many browser ids ({limit}). Please "
                     "try again later."),
}
# A limit in words, by its window (limits' granularity names): one window, or several.
PER = {
    "second": (N_("{amount} per second"), N_("{amount} per {multiples} seconds")),
    "minute": (N_("{amount} per minute"), N_("{amount} per {multiples} minutes")),
    "hour": (N_("{amount} per hour"), N_("{amount} per {multiples} hours")),
    "day": (N_("{amount} per day"), N_("{amount} per {multiples} days")),
    "month": (N_("{amount} per month"), N_("{amount} per {multiples} months")),
    "year": (N_("{amount} per year"), N_("{amount} per {multiples} years")),
}


class RateLimited(QuestionRejected):
    """Over a limit: 429, whatever the action (a question's refusals are its subclass too)."""

    def __init__(self, message: str, **values):
        super().__init__("rate_limited", message, status=429, **values)


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
            raise RateLimited(MESSAGES[action], limit=_limit(item))


def _limit(item: RateLimitItem) -> Later:
    """``5 per minute``, ``10 per 5 minutes``: said in the language the refusal is shown in."""
    one, several = PER[item.GRANULARITY.name]
    if item.multiples == 1:
        return Later(one, amount=Count(item.amount))
    return Later(several, amount=Count(item.amount), multiples=Count(item.multiples))

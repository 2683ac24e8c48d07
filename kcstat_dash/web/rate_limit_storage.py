"""Rate-limit counters in the app's own database, for deployments without Redis.

flask-limiter keeps its counters in ``memory://`` by default: each gunicorn worker would then
count on its own, and a client could multiply its allowance by the number of workers. With
``REDIS_URL`` set the counters live in Redis; without it they live here, in the
``rate_limit_counter`` table, so every worker (and every dyno) shares one count.
"""

from __future__ import annotations

import random
import time

from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from kcstat_dash.models import RateLimitCounter

SCHEME = "kcstat-sql"
# Expired counters are deleted now and then by the writers themselves (no cron needed).
PURGE_CHANCE = 0.01


def _engine():
    # The app's engine at call time: tests configure a new database for every app.
    from kcstat_dash.web.extensions import db

    return db.engine


def _insert(dialect_name: str):
    return (postgresql.insert if dialect_name == "postgresql" else sqlite.insert)(RateLimitCounter)


class DatabaseStorage(Storage):
    """A fixed-window counter per key: one atomic upsert per hit, in its own transaction."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        table = RateLimitCounter.__table__
        engine = _engine()
        statement = _insert(engine.dialect.name).values(key=key, count=amount,
                                                        expires_at=now + expiry)
        expired = table.c.expires_at <= now
        # A window that has run out starts again from this hit; otherwise the hit is added.
        # One statement, so concurrent hits from several workers are never lost.
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"count": case((expired, statement.excluded.count),
                                else_=table.c.count + statement.excluded.count),
                  "expires_at": case((expired, statement.excluded.expires_at),
                                     else_=table.c.expires_at)},
        ).returning(table.c.count)
        with engine.begin() as connection:
            count = connection.execute(statement).scalar_one()
            if random.random() < PURGE_CHANCE:
                connection.execute(delete(RateLimitCounter)
                                   .where(RateLimitCounter.expires_at <= now))
        return count

    def get(self, key: str) -> int:
        with _engine().connect() as connection:
            count = connection.execute(select(RateLimitCounter.count).where(
                RateLimitCounter.key == key, RateLimitCounter.expires_at > time.time())).scalar()
        return count or 0

    def get_expiry(self, key: str) -> float:
        with _engine().connect() as connection:
            expires = connection.execute(select(RateLimitCounter.expires_at).where(
                RateLimitCounter.key == key)).scalar()
        return expires if expires and expires > time.time() else time.time()

    def check(self) -> bool:
        try:
            with _engine().connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with _engine().begin() as connection:
            return connection.execute(delete(RateLimitCounter)).rowcount

    def clear(self, key: str) -> None:
        with _engine().begin() as connection:
            connection.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))

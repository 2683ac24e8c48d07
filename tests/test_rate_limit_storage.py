"""Rate-limit counters in the database: exact under concurrency, windows that run out, shared."""

from __future__ import annotations

import threading

from limits import parse
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import update

from kcstat_dash.db import db
from kcstat_dash.models import RateLimitCounter
from kcstat_dash.web.rate_limit_storage import DatabaseStorage


def test_counts_add_up_and_clear(session):
    storage = DatabaseStorage()
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("k", 60, amount=2) == 5
    assert storage.get("k") == 5 and storage.get("other") == 0
    storage.clear("k")
    assert storage.get("k") == 0
    storage.incr("a", 60)
    storage.incr("b", 60)
    assert storage.reset() == 2
    assert storage.check() is True


def test_a_window_that_ran_out_starts_again(session):
    storage = DatabaseStorage()
    storage.incr("k", 60)
    storage.incr("k", 60)
    with db.transaction() as writer:  # the window's end passes
        writer.execute(update(RateLimitCounter).values(expires_at=1.0))
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1
    assert storage.get_expiry("k") > 1.0


def test_no_hit_is_lost_when_many_arrive_at_once(session):
    storage = DatabaseStorage()
    barrier = threading.Barrier(12)
    results: list[int] = []

    def hit():
        barrier.wait()
        for _ in range(5):
            results.append(storage.incr("crowd", 60))

    threads = [threading.Thread(target=hit) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert storage.get("crowd") == 60
    assert sorted(results) == list(range(1, 61))  # every hit saw its own count


def test_flask_limiter_strategy_refuses_past_the_limit(session):
    limiter = FixedWindowRateLimiter(DatabaseStorage())
    item = parse("3/minute")
    assert [limiter.hit(item, "client", "x") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(item, "client", "y") is True


def test_the_app_uses_the_database_without_redis(app):
    from kcstat_dash.web.extensions import limiter

    assert isinstance(limiter.limiter.storage, DatabaseStorage)

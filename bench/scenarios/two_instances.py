"""(h) Two app instances (separate gunicorn processes on two ports) sharing one PostgreSQL and
one Redis: approval to visible across both, attendees split between them as a load balancer
would spread them. PostgreSQL and Redis only (``--database-url``, ``--redis-url``).
"""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid

from bench import protocol
from bench.findings import ScenarioResult
from bench.scenarios.approval_latency import (
    APPROVALS,
    GAP_S,
    SEEN_TIMEOUT_S,
    TARGET_P99_S,
    WARM_UP_S,
    Room,
    _attendee,
)
from bench.server import Gunicorn
from bench.stats import percentile


async def _run_room(urls: list[str], meeting_id: int, attendees: int, markers: list[str],
                    question_ids: list[int], db) -> tuple[Room, dict[str, float]]:
    poll_s = protocol.poll_interval_ms() / 1000
    room = Room(markers)
    known = protocol.current_version(urls[0], meeting_id)
    tasks = [asyncio.create_task(_attendee(urls[k % len(urls)], meeting_id, poll_s, room,
                                           known)) for k in range(attendees)]
    await asyncio.sleep(WARM_UP_S + poll_s)
    approved_at: dict[str, float] = {}
    for marker, question_id in zip(markers, question_ids, strict=True):
        approved_at[marker] = time.time()
        await asyncio.to_thread(protocol.approve, db, question_id)
        await asyncio.sleep(GAP_S)
    deadline = time.monotonic() + SEEN_TIMEOUT_S
    while time.monotonic() < deadline and any(len(room.seen[m]) < attendees for m in markers):
        await asyncio.sleep(0.2)
    room.stop = True
    await asyncio.gather(*tasks, return_exceptions=True)
    return room, approved_at


def run(context) -> ScenarioResult:
    from kcstat_dash.db import db

    result = ScenarioResult("h", "(h) two instances")
    if context.database.backend != "postgresql" or not context.redis_url:
        result.skipped = "needs PostgreSQL and Redis (--database-url, --redis-url)"
        return result
    # Instances behind one balancer share their configuration, the secret key included.
    env = {"DATABASE_URL": context.database.url, "REDIS_URL": context.redis_url,
           "SECRET_KEY": secrets.token_hex(32)}
    db.configure(context.database.url)
    markers = [f"benchtwo{uuid.uuid4().hex[:10]}" for _ in range(APPROVALS)]
    question_ids = protocol.add_pending_questions(
        db, context.meeting_id, [f"Seen on both instances? ({m})" for m in markers])
    with Gunicorn("kcstat_dash.web.wsgi:server", env=env, workers=context.workers,
                  log=context.log_dir / "gunicorn-first.log") as first, \
            Gunicorn("kcstat_dash.web.wsgi:server", env=env, workers=context.workers,
                     log=context.log_dir / "gunicorn-second.log") as second:
        room, approved_at = asyncio.run(_run_room(
            [first.url, second.url], context.meeting_id, context.attendees, markers,
            question_ids, db))
    db.engine.dispose()
    delays = [seen - approved_at[m] for m in markers for seen in room.seen[m]]
    expected = context.attendees * len(markers)
    p99 = percentile(delays, 0.99)
    result.add("visible across both: p50 / p99 / max",
               f"{percentile(delays, 0.5):.2f} / {p99:.2f} / {max(delays, default=0):.2f} s",
               f"p99 ≤ {TARGET_P99_S:g} s", len(delays) == expected and p99 <= TARGET_P99_S)
    result.add("attendee-approvals seen", f"{len(delays):,} of {expected:,}", "all",
               len(delays) == expected)
    result.add("meanwhile", f"{room.polls:,} polls, {room.errors} errors")
    result.method = (
        f"Two gunicorn instances of the app on two ports, sharing the bench's PostgreSQL database "
        f"and Redis and one secret key; {context.attendees} simulated attendees, alternately "
        f"on one and the other, poll as in (b); {APPROVALS} questions are approved {GAP_S:g} s "
        "apart through the moderation service, and the clock stops when a feed an attendee "
        "received contains the question. That nothing is lost in a burst over both and that "
        "one client's rate limit is one limit across both is tested "
        "(tests/test_two_instances.py), not timed.")
    return result

"""(b) From a moderator's approval until the polling attendees' pages show the question.

1,000 simulated attendees (asyncio, one connection each) follow the page's real protocol: each
polls every interval (first polls spread over one interval) with the version it shows, and the
answer carries the rebuilt feed when the version changed; a question counts as visible to that
attendee when a feed it received contains the question's text.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid

from bench import protocol
from bench.client import HttpClient
from bench.findings import ScenarioResult
from bench.machine import UsageMeter
from bench.stats import percentile

TARGET_P99_S = 2.0
APPROVALS = 8
GAP_S = 4.0
WARM_UP_S = 3.0
SEEN_TIMEOUT_S = 15.0


class Room:
    """Shared state of the simulated attendees: which marker each has seen, and when."""

    def __init__(self, markers: list[str]):
        self.markers = markers
        self.seen: dict[str, list[float]] = {marker: [] for marker in markers}
        self.polls = self.renders = self.errors = 0
        self.stop = False


async def _attendee(base_url: str, meeting_id: int, poll_s: float, room: Room,
                    known: int) -> None:
    # Compressed, as a browser asks (gzip here: the client unpacks it like a browser would).
    client = HttpClient(base_url, headers={"Accept-Encoding": "gzip"})
    seen: set[str] = set()
    await asyncio.sleep(random.uniform(0, poll_s))
    while not room.stop:
        started = time.monotonic()
        try:
            response = await client.request("GET", protocol.version_path(meeting_id, known))
            room.polls += 1
            answer = response.json()
            if answer["version"] != known:
                known = answer["version"]
                if "feed" in answer:
                    room.renders += 1
                    arrived = time.time()
                    body = response.body.decode("utf-8", "replace")
                    for marker in room.markers:
                        if marker not in seen and marker in body:
                            seen.add(marker)
                            room.seen[marker].append(arrived)
        except (OSError, ValueError, KeyError, asyncio.IncompleteReadError):
            room.errors += 1
        # The page's timer ticks every interval whatever the last answer took (dcc.Interval).
        await asyncio.sleep(max(0.0, poll_s * random.uniform(0.95, 1.05)
                                - (time.monotonic() - started)))
    await client.close()


async def _run_room(context, markers: list[str], question_ids: list[int], db) -> tuple:
    poll_s = protocol.poll_interval_ms() / 1000
    room = Room(markers)
    # Every page opens showing the version of the moment (as the layout renders it).
    known = protocol.current_version(context.app.url, context.meeting_id)
    tasks = [asyncio.create_task(_attendee(context.app.url, context.meeting_id, poll_s, room,
                                           known)) for _ in range(context.attendees)]
    await asyncio.sleep(WARM_UP_S + poll_s)
    approved_at: dict[str, float] = {}
    db_pids = context.database.backend_pids if context.database.backend == "postgresql" else None
    with UsageMeter(context.app.pid, db_pids) as meter:
        for marker, question_id in zip(markers, question_ids, strict=True):
            approved_at[marker] = time.time()
            await asyncio.to_thread(protocol.approve, db, question_id)
            await asyncio.sleep(GAP_S)
        deadline = time.monotonic() + SEEN_TIMEOUT_S
        while (time.monotonic() < deadline
               and any(len(room.seen[m]) < context.attendees for m in markers)):
            await asyncio.sleep(0.2)
    room.stop = True
    await asyncio.gather(*tasks, return_exceptions=True)
    return room, approved_at, meter.usage


def run(context) -> ScenarioResult:
    from kcstat_dash.db import db

    result = ScenarioResult("b", "(b) approval to visible")
    if protocol.feed_check(context.app.url, context.meeting_id) is None:
        result.skipped = "this commit has no live-feed check yet (issue 3)"
        return result
    db.configure(context.database.url)
    markers = [f"benchvisible{uuid.uuid4().hex[:10]}" for _ in range(APPROVALS)]
    question_ids = protocol.add_pending_questions(
        db, context.meeting_id, [f"How is this measured? ({m})" for m in markers])
    room, approved_at, usage = asyncio.run(_run_room(context, markers, question_ids,
                                                                db))
    db.engine.dispose()
    delays = [seen - approved_at[m] for m in markers for seen in room.seen[m]]
    expected = context.attendees * len(markers)
    p99 = percentile(delays, 0.99)
    slowest = max(delays, default=float("nan"))
    result.add("visible: p50 / p99 / max",
               f"{percentile(delays, 0.5):.2f} / {p99:.2f} / {slowest:.2f} s",
               f"p99 ≤ {TARGET_P99_S:g} s", len(delays) == expected and p99 <= TARGET_P99_S)
    result.add("attendee-approvals seen", f"{len(delays):,} of {expected:,}",
               "all", len(delays) == expected)
    cpu = f"app {usage.app_cpu_percent:.0f}%"
    if usage.db_cpu_percent is not None:
        cpu += f", PostgreSQL {usage.db_cpu_percent:.0f}%"
    result.add("meanwhile", f"{room.polls / usage.seconds:,.0f} polls/s, {room.renders:,} feeds "
               f"received, {room.errors} errors; CPU {cpu} (machine "
               f"{usage.machine_busy_percent:.0f}% busy)")
    result.method = (
        f"{context.attendees} simulated attendees (one asyncio HTTP/1.1 connection each, in the "
        f"bench's process) poll `GET /api/meetings/<id>/version?known=<shown>` every "
        f"{protocol.poll_interval_ms()} ms (the page's interval, ±5%, phases spread), gzip "
        f"accepted; when the version changed the answer carries the rebuilt feed, as the page "
        f"receives it. {APPROVALS} pending questions are approved "
        f"{GAP_S:g} s apart through `kcstat_dash.services.moderation.approve` (or, before it "
        "existed, status and `feed_version.bump` in one transaction); the clock starts just "
        "before the approval and stops when a feed an attendee received contains the question.")
    return result

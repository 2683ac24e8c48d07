"""(c) A burst of questions from 100 concurrent clients through ``POST /api/questions``.

Each simulated client has its own identity as the app defines it for API callers: its network
address. Client k of wave w connects from 127.<w+10>.<k // 250>.<k % 250 + 1> (all of 127/8 is
loopback on Linux), so the per-client rate limit is not what is measured, and nothing in the
app is reconfigured for the bench.
"""

from __future__ import annotations

import asyncio
import time
import uuid

from sqlalchemy import func, select

from bench.client import HttpClient
from bench.findings import ScenarioResult
from bench.machine import UsageMeter
from bench.stats import percentile

CLIENTS = 100
WAVES = 5


async def _wave(base_url: str, meeting_id: int, wave: int, marker: str) -> list[tuple]:
    clients = [HttpClient(base_url, source_address=f"127.{wave + 10}.{k // 250}.{k % 250 + 1}")
               for k in range(CLIENTS)]
    go = asyncio.Event()

    async def one(index: int, client: HttpClient):
        await go.wait()
        started = time.perf_counter()
        try:
            response = await client.request("POST", "/api/questions", {
                "meeting_id": meeting_id,
                "text": f"Why did this number change? {marker} wave {wave} client {index}"})
            status = response.status
        except (OSError, asyncio.IncompleteReadError) as error:
            status = type(error).__name__
        finally:
            await client.close()
        return status, time.perf_counter() - started

    tasks = [asyncio.create_task(one(i, c)) for i, c in enumerate(clients)]
    await asyncio.sleep(0.2)  # every task is waiting on the same starting gun
    go.set()
    return await asyncio.gather(*tasks)


def run(context) -> ScenarioResult:
    from kcstat_dash.db import db
    from kcstat_dash.models import Question

    result = ScenarioResult("c", "(c) question burst")
    marker = f"benchburst{uuid.uuid4().hex[:10]}"
    outcomes = []
    db_pids = context.database.backend_pids if context.database.backend == "postgresql" else None
    with UsageMeter(context.app.pid, db_pids) as meter:
        for wave in range(WAVES):
            outcomes += asyncio.run(_wave(context.app.url, context.meeting_id, wave, marker))
            time.sleep(1.0)
    db.configure(context.database.url)
    with db.transaction() as session:
        stored = session.scalar(select(func.count(Question.id))
                                .where(Question.text.contains(marker)))
        distinct = session.scalar(select(func.count(func.distinct(Question.text)))
                                  .where(Question.text.contains(marker)))
    db.engine.dispose()
    sent = len(outcomes)
    accepted = sum(1 for status, _ in outcomes if status == 201)
    refused: dict = {}
    for status, _ in outcomes:
        if status != 201:
            refused[status] = refused.get(status, 0) + 1
    latencies = [seconds for _, seconds in outcomes]
    result.add("latency p50 / p99 / max", f"{percentile(latencies, 0.5) * 1000:.0f} / "
               f"{percentile(latencies, 0.99) * 1000:.0f} / {max(latencies) * 1000:.0f} ms")
    result.add("stored / sent", f"{stored} / {sent}"
               + (f" (answers other than 201: {refused})" if refused else ""),
               "all stored, none twice", stored == sent == accepted == distinct)
    cpu = f"app {meter.usage.app_cpu_percent:.0f}%"
    if meter.usage.db_cpu_percent is not None:
        cpu += f", PostgreSQL {meter.usage.db_cpu_percent:.0f}%"
    result.add("meanwhile", f"CPU {cpu} (machine {meter.usage.machine_busy_percent:.0f}% busy)")
    result.method = (
        f"{WAVES} waves, 1 s apart, of {CLIENTS} clients that each open their own connection "
        "from their own loopback address and POST one question at the same instant (an "
        "asyncio event as the starting gun); latency is from send to full answer. Stored is "
        "counted in the database afterwards by the questions' unique text.")
    return result

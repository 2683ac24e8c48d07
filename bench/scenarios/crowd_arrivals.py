"""(i) A crowd opening the meeting page: 500 arrivals within 10 s, each until its charts arrive.

"Look at potholes": hundreds of phones open the meeting page within seconds. Each simulated
arrival opens a connection of its own and does what Dash's renderer does before the charts are
on screen: the page's HTML, ``/_dash-layout``, ``/_dash-dependencies``, then the page router's
POST (captured once from Chromium), whose answer carries the charts. The data version is bumped
just before the crowd, so every worker builds the page once during it (a cold cache, as after
an import), rather than serving a page warmed by an earlier scenario.
"""

from __future__ import annotations

import asyncio
import random
import time

from bench.browser import capture_dash_request, chromium_available
from bench.client import HttpClient
from bench.findings import ScenarioResult
from bench.machine import UsageMeter
from bench.stats import percentile

ARRIVALS = 500
WINDOW_S = 10.0
TARGET_P99_S = 3.0


async def _arrival(base_url: str, path: str, router_body: bytes, start_at: float,
                   times: list[float], failures: list[str], steps: dict[str, list]) -> None:
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    client = HttpClient(base_url, headers={"Accept-Encoding": "gzip, deflate, br",
                                           "Accept": "*/*"})
    started = time.monotonic()
    try:
        for step, name in ((path, "page"), ("/_dash-layout", "layout"),
                           ("/_dash-dependencies", "dependencies")):
            began = time.monotonic()
            response = await client.request("GET", step)
            steps[name].append(time.monotonic() - began)
            if response.status != 200:
                failures.append(f"{step}: {response.status}")
                return
        began = time.monotonic()
        response = await client.request("POST", "/_dash-update-component", router_body)
        steps["router"].append(time.monotonic() - began)
        if response.status != 200 or b'"figure"' not in response.body:
            failures.append(f"router: {response.status}")
            return
        times.append(time.monotonic() - started)
    except (OSError, asyncio.IncompleteReadError) as error:
        failures.append(type(error).__name__)
    finally:
        await client.close()


async def _crowd(base_url: str, path: str, router_body: bytes) -> tuple[list, list, dict]:
    times: list[float] = []
    failures: list[str] = []
    steps: dict[str, list] = {"page": [], "layout": [], "dependencies": [], "router": []}
    origin = time.monotonic() + 0.5
    await asyncio.gather(*(
        _arrival(base_url, path, router_body, origin + random.uniform(0, WINDOW_S), times,
                 failures, steps) for _ in range(ARRIVALS)))
    return times, failures, steps


def run(context) -> ScenarioResult:
    from sqlalchemy import text

    from kcstat_dash.db import db

    result = ScenarioResult("i", "(i) crowd opening the meeting page")
    if not chromium_available():
        result.skipped = "Chromium is not installed at /usr/bin/chromium"
        return result
    path = f"/meetings/{context.meeting_id}"
    router_body = capture_dash_request(context.app.url, path, "_pages_content")
    db.configure(context.database.url)
    with db.transaction() as session:  # as an import would: every worker's pages go stale
        session.execute(text("UPDATE data_version SET version = version + 1"))
    db.engine.dispose()
    db_pids = context.database.backend_pids if context.database.backend == "postgresql" else None
    with UsageMeter(context.app.pid, db_pids) as meter:
        times, failures, steps = asyncio.run(_crowd(context.app.url, path, router_body))
    usage = meter.usage
    p99 = percentile(times, 0.99)
    slowest = max(times, default=float("nan"))
    result.add("time to charts: p50 / p99 / max",
               f"{percentile(times, 0.5):.2f} / {p99:.2f} / {slowest:.2f} s",
               f"p99 ≤ {TARGET_P99_S:g} s", not failures and p99 <= TARGET_P99_S)
    result.add("arrivals served", f"{len(times)} of {ARRIVALS}"
               + (f" (failures: {', '.join(sorted(set(failures)))})" if failures else ""),
               "all", len(times) == ARRIVALS)
    result.add("each request: p50 / p99", "; ".join(
        f"{name} {percentile(values, 0.5) * 1000:.0f} / {percentile(values, 0.99) * 1000:.0f} ms"
        for name, values in steps.items()))
    cpu = f"app {usage.app_cpu_percent:.0f}%"
    if usage.db_cpu_percent is not None:
        cpu += f", PostgreSQL {usage.db_cpu_percent:.0f}%"
    result.add("meanwhile", f"CPU {cpu} (machine {usage.machine_busy_percent:.0f}% busy)")
    result.method = (
        f"{ARRIVALS} simulated phones arrive at random within {WINDOW_S:g} s, each on a "
        f"connection of its own (asyncio, in the bench's process), gzip accepted, and fetch "
        f"`{path}`, `/_dash-layout`, `/_dash-dependencies` and then the page router's "
        "`/_dash-update-component` POST that Chromium made for the page (captured once); the "
        "time to charts runs from the first request to the end of the router's answer, which "
        "must hold the charts' figures. Static bundles (fingerprinted, compressed once per "
        "worker, cached by browsers; see (f)) are not fetched. The data version is bumped just "
        "before, so each worker builds the page once during the crowd.")
    return result

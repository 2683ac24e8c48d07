"""(a) The live-feed check with 1,000 attendees, beside a minimal Flask JSON endpoint."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench import protocol
from bench.findings import ScenarioResult
from bench.machine import UsageMeter
from bench.server import Gunicorn
from bench.wrk import WrkResult, run_wrk

TARGET_RATIO = 0.5


def _measure(server: Gunicorn, request: protocol.FeedCheck, connections: int, seconds: int,
             poll_ms: int | None, db_pids=None) -> tuple[WrkResult, object]:
    scripts, env = [], {"BENCH_ACCEPT_ENCODING": "gzip, deflate, br"}
    body_file = None
    if request.body is not None:
        with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as handle:
            handle.write(request.body)
            body_file = handle.name
        scripts.append("post.lua")
        env["BENCH_BODY_FILE"] = body_file
    else:
        scripts.append("get.lua")
    if poll_ms:
        scripts.append("paced.lua")
        env["BENCH_POLL_MS"] = str(poll_ms)
    try:
        with UsageMeter(server.pid, db_pids) as meter:
            measured = run_wrk(server.url + request.path, scripts, connections, seconds, env=env)
    finally:
        if body_file:
            Path(body_file).unlink()
    return measured, meter.usage


def _line(result: ScenarioResult, label: str, measured: WrkResult, usage) -> None:
    cpu = f"app {usage.app_cpu_percent:.0f}%"
    if usage.db_cpu_percent is not None:
        cpu += f", PostgreSQL {usage.db_cpu_percent:.0f}%"
    errors = f", {measured.error_count} errors" if measured.error_count else ""
    busy = f"machine {usage.machine_busy_percent:.0f}% busy"
    result.add(label, f"{measured.rate:,.0f} req/s; p50 {measured.p50_ms:.1f} ms, "
               f"p99 {measured.p99_ms:.1f} ms; CPU {cpu} ({busy}){errors}")


def run(context) -> ScenarioResult:
    result = ScenarioResult("a", "(a) live-feed check")
    check = protocol.feed_check(context.app.url, context.meeting_id)
    if check is None:
        result.skipped = "this commit has no live-feed check yet (issue 3)"
        return result
    attendees, seconds = context.attendees, context.seconds
    poll_ms = protocol.poll_interval_ms()
    minimal_request = protocol.FeedCheck("GET", "/ping", None)
    with Gunicorn("bench.minimal_app:server", workers=context.workers,
                  log=context.log_dir / "gunicorn-minimal.log") as minimal:
        minimal_max, minimal_max_usage = _measure(minimal, minimal_request, attendees, seconds,
                                                  None)
        minimal_paced, minimal_paced_usage = _measure(minimal, minimal_request, attendees, seconds,
                                                      poll_ms)
    db_pids = context.database.backend_pids if context.database.backend == "postgresql" else None
    app_max, app_max_usage = _measure(context.app, check, attendees, seconds, None, db_pids)
    app_paced, app_paced_usage = _measure(context.app, check, attendees, seconds, poll_ms, db_pids)

    ratio = app_max.rate / minimal_max.rate if minimal_max.rate else 0.0
    _line(result, f"feed check, flat out ({attendees} connections)", app_max, app_max_usage)
    _line(result, f"minimal Flask, flat out ({attendees} connections)", minimal_max,
          minimal_max_usage)
    result.add("feed check ÷ minimal Flask (throughput)", f"{ratio:.0%}", f"≥ {TARGET_RATIO:.0%}",
               ratio >= TARGET_RATIO)
    _line(result, f"feed check, {attendees} attendees every {poll_ms / 1000:g} s", app_paced,
          app_paced_usage)
    _line(result, f"minimal Flask, {attendees} attendees every {poll_ms / 1000:g} s",
          minimal_paced, minimal_paced_usage)
    # Each connection waits its interval after an answer (as a page's timer does not), so the
    # rate falls below attendees/interval by as much as answers take: the latency shows it.
    share = app_paced.rate / minimal_paced.rate if minimal_paced.rate else 0.0
    result.add(f"polls answered, {attendees} attendees", f"{share:.0%} of "
               "the minimal endpoint's rate under the same pacing, "
               f"{app_paced.error_count} errors", "no errors", app_paced.error_count == 0)
    result.method = (
        f"wrk, {attendees} connections (one per attendee), 2 threads, {seconds} s per run, "
        f"against `{check.method} {check.path}` — {check.description}. 'Flat out': every "
        "connection sends its next request as soon as the last is answered (the capacity). "
        f"'Every {poll_ms / 1000:g} s': each connection waits the page's poll interval "
        f"({poll_ms} ms, ±10%, first polls spread over one interval) between requests, as the "
        "attendees' browsers do. The minimal endpoint (`bench/minimal_app.py`, one `jsonify`) "
        "runs under the same gunicorn settings, in the same run, just before. CPU is the time "
        "the gunicorn processes (and the PostgreSQL backends serving this database) used, as a "
        "percentage of one core; wrk runs on the same 2 cores.")
    return result

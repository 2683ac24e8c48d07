"""(d) A measure page's render callback on the full sample: the POST Dash makes for the page,
beside the minimal Flask endpoint at the same concurrency in the same run (issue 18: at least a
third of its throughput)."""

from __future__ import annotations

import gzip
import json
import tempfile
import urllib.request
from pathlib import Path

from bench.browser import capture_dash_request, chromium_available
from bench.findings import ScenarioResult
from bench.server import Gunicorn
from bench.wrk import run_wrk

TARGET_RATIO = 1 / 3


def pick_measure(base_url: str) -> str:
    """The measure with the most periods: the heaviest page the sample has."""
    with urllib.request.urlopen(base_url + "/api/measures", timeout=30) as response:
        measures = json.load(response)
    best, most = measures[0]["slug"], -1
    for measure in measures:
        with urllib.request.urlopen(f"{base_url}/api/measures/{measure['slug']}/observations",
                                    timeout=30) as response:
            count = len(json.load(response))
        if count > most:
            best, most = measure["slug"], count
    return best


def _response_sizes(url: str, body: bytes) -> tuple[int, int]:
    """The render response's size as sent to a browser that accepts gzip, and unpacked."""
    request = urllib.request.Request(url + "/_dash-update-component", data=body, headers={
        "Content-Type": "application/json", "Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=60) as response:
        raw = response.read()
        encoding = response.headers.get("Content-Encoding", "")
    plain = gzip.decompress(raw) if encoding == "gzip" else raw
    return len(raw), len(plain)


def run(context) -> ScenarioResult:
    result = ScenarioResult("d", "(d) measure page render")
    if not chromium_available():
        result.skipped = "Chromium is not installed at /usr/bin/chromium"
        return result
    base = context.app.url
    slug = pick_measure(base)
    path = f"/measures/{slug}"
    body = capture_dash_request(base, path, "_pages_content")
    with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as handle:
        handle.write(body)
        body_file = handle.name
    try:
        sent, unpacked = _response_sizes(base, body)
        env = {"BENCH_BODY_FILE": body_file, "BENCH_ACCEPT_ENCODING": "gzip, deflate, br"}
        single = run_wrk(base + "/_dash-update-component", "post.lua", 1,
                         context.seconds, threads=1, env=env)
        several = run_wrk(base + "/_dash-update-component", "post.lua", 10,
                          context.seconds, threads=2, env=env)
    finally:
        Path(body_file).unlink()
    # The yardstick, at the same concurrency, in the same run, just after.
    with Gunicorn("bench.minimal_app:server", workers=context.workers,
                  log=context.log_dir / "gunicorn-minimal-d.log") as minimal:
        yardstick = run_wrk(minimal.url + "/ping", "get.lua", 10, context.seconds, threads=2,
                            env={"BENCH_ACCEPT_ENCODING": "gzip, deflate, br"})
    for label, measured in (("1 user", single), ("10 users at once", several)):
        result.add(f"{label}: p50 / p99", f"{measured.p50_ms:.0f} / {measured.p99_ms:.0f} ms")
        result.add(f"{label}: renders/s", f"{measured.rate:.1f}"
                   + (f" ({measured.error_count} errors)" if measured.error_count else ""))
    result.add("minimal Flask, 10 connections: req/s",
               f"{yardstick.rate:,.0f} (p50 {yardstick.p50_ms:.1f} ms)")
    ratio = several.rate / yardstick.rate if yardstick.rate else 0.0
    result.add("measure page ÷ minimal Flask (10 connections)", f"{ratio:.0%}",
               f"≥ {TARGET_RATIO:.0%}", ratio >= TARGET_RATIO and not several.error_count)
    result.add("response sent / unpacked", f"{sent / 1024:.0f} KB / {unpacked / 1024:.0f} KB")
    result.method = (
        f"The page `{path}` (the measure with the most periods) is opened once in Chromium to "
        "capture the exact `/_dash-update-component` POST Dash Pages makes to render it; wrk "
        f"then replays that POST for {context.seconds} s, from 1 connection and from 10. The "
        "minimal Flask endpoint (`bench/minimal_app.py`, `GET /ping`) is then served under the "
        "same gunicorn settings and loaded by wrk from 10 connections for as long. The page is "
        "served from each worker's page cache once built (kcstat_dash/web/page_cache.py): the "
        "first render in each worker is part of the run.")
    return result

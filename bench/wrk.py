"""Runs wrk (Debian's /usr/bin/wrk) with a Lua script and reads its JSON summary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

LUA_DIR = Path(__file__).resolve().parent / "lua"


@dataclass
class WrkResult:
    requests: int
    seconds: float
    errors: dict[str, int]
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    bytes: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(url: str, scripts: str | list[str], connections: int, seconds: int, threads: int = 2,
            env: dict[str, str] | None = None, timeout_s: int = 10) -> WrkResult:
    """Run ``wrk`` for a fixed time with scripts from bench/lua/ (report.lua is added)."""
    threads = max(1, min(threads, connections))
    names = [scripts] if isinstance(scripts, str) else list(scripts)
    source = "\n".join((LUA_DIR / name).read_text() for name in [*names, "report.lua"])
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(source)
        path = handle.name
    run_env = {**os.environ, "BENCH_CONNECTIONS_PER_THREAD": str(connections // threads),
               **(env or {})}
    try:
        completed = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
             "--timeout", f"{timeout_s}s", "-s", path, url],
            capture_output=True, text=True, env=run_env, timeout=seconds + 60)
    finally:
        os.unlink(path)
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line[len("BENCH_JSON "):])
            latency = data["latency_us"]
            return WrkResult(data["requests"], data["duration_us"] / 1e6, data["errors"],
                             latency["p50"] / 1000, latency["p90"] / 1000, latency["p99"] / 1000,
                             latency["max"] / 1000, data["bytes"])
    raise RuntimeError(f"wrk gave no summary:\n{completed.stdout}\n{completed.stderr}")

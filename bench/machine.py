"""What the bench ran on, and how busy the machine and the app's processes were meanwhile."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _first_line(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (out.strip().splitlines() or ["unknown"])[0]


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.platform()


def describe(database_version: str) -> dict[str, str]:
    """The machine, software and time of the run, as printed above the results."""
    import dash
    import flask
    import gunicorn
    import sqlalchemy

    return {
        "Date (UTC)": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "CPU": f"{cpu_model()}, {os.cpu_count()} cores",
        "RAM": f"{memory_gib():.1f} GiB",
        "OS": f"{os_name()} (kernel {platform.release()})",
        "Python": platform.python_version(),
        "Database": database_version,
        "Libraries": (f"Dash {dash.__version__}, Flask {flask.__version__}, "
                      f"SQLAlchemy {sqlalchemy.__version__}, gunicorn {gunicorn.__version__}"),
        "Load generator": _first_line(["wrk", "--version"]).split(" Copyright")[0],
    }


def load_average() -> tuple[float, float, float]:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies over all cores since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])
    return total - idle, total


def _process_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    # After the command name: utime and stime are fields 14 and 15 of the whole line.
    return int(fields[11]) + int(fields[12])


def process_tree(root: int) -> list[int]:
    """The pid and all its descendants (gunicorn's master and workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


@dataclass
class Usage:
    seconds: float
    app_cpu_percent: float  # of one core: 200% is both cores of a 2-core machine
    db_cpu_percent: float | None
    machine_busy_percent: float
    load_before: tuple[float, float, float]


class UsageMeter:
    """CPU used by the app's processes (and the database's backends) over a stretch of time."""

    def __init__(self, app_root_pid: int, db_pids=None):
        self.app_root_pid = app_root_pid
        self.db_pids = db_pids  # a callable giving the database server's pids for this run

    def _app_ticks(self) -> dict[int, int]:
        return {pid: _process_ticks(pid) for pid in process_tree(self.app_root_pid)}

    def __enter__(self) -> UsageMeter:
        self.load_before = load_average()
        self.start_app = self._app_ticks()
        self.start_db = {pid: _process_ticks(pid) for pid in self.db_pids()} if self.db_pids else {}
        self.start_machine = _machine_ticks()
        self.started = time.monotonic()
        return self

    def __exit__(self, *_exc) -> None:
        self.seconds = time.monotonic() - self.started
        end_app = self._app_ticks()
        end_db = {pid: _process_ticks(pid) for pid in self.db_pids()} if self.db_pids else {}
        busy = _machine_ticks()
        app = sum(ticks - self.start_app.get(pid, 0) for pid, ticks in end_app.items())
        dbt = sum(ticks - self.start_db.get(pid, 0) for pid, ticks in end_db.items())
        d_busy, d_total = busy[0] - self.start_machine[0], busy[1] - self.start_machine[1]
        self.usage = Usage(
            seconds=self.seconds,
            app_cpu_percent=100.0 * app / CLOCK_TICKS / self.seconds,
            db_cpu_percent=100.0 * dbt / CLOCK_TICKS / self.seconds if self.db_pids else None,
            machine_busy_percent=100.0 * d_busy / d_total if d_total else 0.0,
            load_before=self.load_before,
        )

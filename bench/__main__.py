"""``python -m bench``: build a database, serve the app under gunicorn, run every scenario.

Loopback only, every load bounded in time; the table is printed and written, with the machine's
description, into docs/PERFORMANCE.md (the section for this database only).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench import machine, report
from bench.database import BenchDatabase, prepare
from bench.scale import parse_scale
from bench.server import PROJECT_ROOT, Gunicorn
from bench.wrk import wrk_available

# Imports first: they need no server running.
SCENARIOS = ("g", "e", "d", "i", "f", "a", "b", "j", "c", "h")
UNSERVED = ("g", "e")
OWN_SERVERS = ("h",)  # starts its own app instances, after the shared one has stopped


@dataclass
class Context:
    server_url: str | None
    database: BenchDatabase
    meeting_id: int
    app: Gunicorn | None
    seconds: int
    attendees: int
    workers: int | None
    repeats: int
    log_dir: Path
    ask_path: str | None = None
    scale: int | None = None
    redis_url: str | None = None


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="a PostgreSQL server URL; the bench creates (and drops) a database "
                             "of its own there. Default: a temporary SQLite file.")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL"),
                        help="REDIS_URL for the app under test (default: none)")
    parser.add_argument("--only", default=None,
                        help="scenarios to run, e.g. a,b (default: all but g; with --scale, g)")
    parser.add_argument("--seconds", type=int, default=15, help="length of each load run")
    parser.add_argument("--attendees", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of the import timing")
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "docs" / "PERFORMANCE.md")
    parser.add_argument("--ask-path", default=None,
                        help="measure this page in (f) instead of the live meeting's")
    parser.add_argument("--scale", default=None,
                        help="(g) at citywide scale: the sample replayed to this many requests, "
                             "e.g. 1.5M (built once, cached in ~/.cache/kcstat-bench)")
    parser.add_argument("--section", default=None,
                        help="the docs section to write (default: the database's name), e.g. "
                             "sqlite-crowd for a run of only d,i,j beside the full run's")
    parser.add_argument("--no-write", action="store_true", help="print only")
    return parser.parse_args(argv)


def _scenario_module(key: str):
    from bench.scenarios import (
        approval_latency,
        ask_page,
        citywide_scale,
        crowd_arrivals,
        feed_check,
        import_311,
        measure_callback,
        question_burst,
        two_instances,
        voting_room,
    )

    return {"a": feed_check, "b": approval_latency, "c": question_burst, "d": measure_callback,
            "e": import_311, "f": ask_page, "g": citywide_scale,
            "h": two_instances, "i": crowd_arrivals, "j": voting_room}[key]


def _run_one(key: str, context) -> object:
    """One scenario; a failure is reported in the table rather than ending the whole run."""
    from bench.findings import ScenarioResult

    print(f"Running ({key}) ...", flush=True)
    try:
        return _scenario_module(key).run(context)
    except Exception as error:  # noqa: BLE001 - the other scenarios' numbers still count
        failed = ScenarioResult(key, f"({key})")
        failed.skipped = f"failed: {type(error).__name__}: {error}"
        return failed


def _gunicorn_settings(workers: int | None) -> dict[str, str]:
    import runpy

    conf = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    return {"gunicorn": f"{workers or conf['workers']} workers, {conf['worker_class']}"
            + (f" × {conf['threads']} threads" if conf["worker_class"] == "gthread" else "")
            + " (gunicorn.conf.py), bound to 127.0.0.1"}


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.only:
        chosen = [key for key in SCENARIOS if key in args.only.split(",")]
    else:
        chosen = ["g"] if args.scale else [key for key in SCENARIOS if key != "g"]
    if not wrk_available() and set(chosen) & {"a", "d"}:
        print("wrk is needed (apt-get install wrk)", file=sys.stderr)
        return 2
    log_dir = Path(tempfile.mkdtemp(prefix="kcstat-bench-logs-"))
    print(f"Preparing the database ({'PostgreSQL' if args.database_url else 'SQLite'}) ...")
    database = BenchDatabase.create(args.database_url)
    results = []
    try:
        # The served scenarios need the sample and a live meeting; the imports make their own.
        meeting_id = prepare(database) if set(chosen) - set(UNSERVED) else 0
        context = Context(args.database_url, database, meeting_id, None, args.seconds,
                          args.attendees, args.workers, args.repeats, log_dir, args.ask_path,
                          parse_scale(args.scale) if args.scale else None, args.redis_url)
        description = machine.describe(database.version())
        env = {"DATABASE_URL": database.url}
        if args.redis_url:
            env["REDIS_URL"] = args.redis_url
        for key in [k for k in chosen if k in UNSERVED]:
            results.append(_run_one(key, context))
        served = [k for k in chosen if k not in UNSERVED + OWN_SERVERS]
        if served:
            with Gunicorn("kcstat_dash.web.wsgi:server", env=env, workers=args.workers,
                          log=log_dir / "gunicorn-app.log") as app:
                context.app = app
                for key in served:
                    results.append(_run_one(key, context))
        for key in [k for k in chosen if k in OWN_SERVERS]:
            results.append(_run_one(key, context))
    finally:
        database.drop()
    load = " / ".join(f"{value:.2f}" for value in machine.load_average())
    settings = {**_gunicorn_settings(args.workers),
                "Redis": "yes (REDIS_URL)" if args.redis_url else "no",
                "Machine load": f"load average {load} (1/5/15 min) at the end of the run; "
                "each CPU line gives the machine's busy share while it ran"}
    backend = "PostgreSQL" if args.database_url else "SQLite"
    if args.scale:
        backend += f", citywide scale ({args.scale})"
    if args.section:
        backend += f" ({args.section})"
    print()
    print(report.text_table(results))
    if not args.no_write:
        body = report.markdown(results, description, settings, backend)
        section = args.section or ("postgresql" if args.database_url else "sqlite") + (
            "-citywide-scale" if args.scale else "")
        report.write_section(args.output, section, body)
        print(f"\nWritten to {args.output} (gunicorn logs in {log_dir}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

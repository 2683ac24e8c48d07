"""gunicorn settings shared by the Procfile and the bench (bench/), so both measure one thing."""

import multiprocessing
import os

# Several worker processes: the app keeps nothing shared in one process's memory (rate limits,
# feed versions and caches live in the database or Redis), so any worker can answer any request.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A meeting's attendees poll over kept-alive connections; a poll every second or two re-uses it.
keepalive = 5
backlog = 2048
timeout = 30
graceful_timeout = 20


def _shared_page_cache() -> None:
    """A directory this server's workers share built pages through (kcstat_dash/web/
    page_cache.py), made fresh at each start, so a page is built once per server rather than
    once per worker, and nothing survives a restart (or reaches another server)."""
    import tempfile

    os.environ["KCSTAT_PAGE_CACHE_DIR"] = tempfile.mkdtemp(prefix="kcstat-pages-")


def on_exit(server):
    import shutil

    shutil.rmtree(os.environ.get("KCSTAT_PAGE_CACHE_DIR", ""), ignore_errors=True)


def on_starting(server):
    """Refuse to start when a trusted proxy count meets a bind that clients can reach directly.

    Behind KCSTAT_TRUSTED_PROXIES the app believes X-Forwarded-For; a client that could reach
    gunicorn itself would choose its own address and escape every per-address limit.
    """
    from kcstat_dash.settings import (
        SettingsError,
        proxy_binding_problem,
        proxy_only_network_from_env,
        trusted_proxies_from_env,
    )

    try:
        problem = proxy_binding_problem(trusted_proxies_from_env(), list(server.cfg.bind),
                                        proxy_only_network_from_env())
    except SettingsError as error:
        problem = str(error)
    if problem:
        server.log.error("Refusing to start: %s", problem)
        raise SystemExit(1)
    _shared_page_cache()

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

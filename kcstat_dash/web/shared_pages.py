"""Built pages shared by the workers of one server through files, built by one worker at a time.

Each gunicorn worker keeps its pages in memory (page_cache.py), so after an import every worker
would build the same page once: five builds where one would do, at the moment a crowd arrives.
Through this directory the first worker to miss builds the page under a lock file while the
others wait, then read its bytes. The directory is made fresh at each server start
(gunicorn.conf.py), so no file outlives the server that wrote it; keys are those of the memory
cache (read from the database), so a file is never older than its key either.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MAX_FILES = 256  # the oldest go first; pages are a few hundred KB


class SharedPages:
    """``load(key)``, ``save(key, status, headers, plain, gzipped)`` and ``building(key)``."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def _path(self, key: tuple, suffix: str) -> Path:
        # repr of a tuple of str, int, bool and None is the same in every process.
        return self.directory / (hashlib.sha256(repr(key).encode()).hexdigest() + suffix)

    def load(self, key: tuple) -> tuple[str, list, bytes, bytes] | None:
        try:
            data = self._path(key, ".page").read_bytes()
        except FileNotFoundError:
            return None
        head, _, rest = data.partition(b"\n")
        meta = json.loads(head)
        plain_length = meta["plain"]
        return (meta["status"], [tuple(h) for h in meta["headers"]], rest[:plain_length],
                rest[plain_length:])

    def save(self, key: tuple, status: str, headers: list, plain: bytes, gzipped: bytes) -> None:
        path = self._path(key, ".page")
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        head = json.dumps({"status": status, "headers": headers, "plain": len(plain)})
        temporary.write_bytes(head.encode() + b"\n" + plain + gzipped)
        os.replace(temporary, path)  # readers see the whole file or none
        self._prune()

    @contextmanager
    def building(self, key: tuple) -> Iterator[None]:
        """Held by one process at a time per key (an advisory lock on a file of its own)."""
        path = self._path(key, ".lock")
        with open(path, "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _prune(self) -> None:
        pages = sorted(self.directory.glob("*.page"), key=lambda p: p.stat().st_mtime)
        for old in pages[:-MAX_FILES]:
            for stale in (old, old.with_suffix(".lock")):
                stale.unlink(missing_ok=True)

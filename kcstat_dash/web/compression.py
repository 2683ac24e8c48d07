"""Compressed responses: Dash's JavaScript bundles, stylesheets, pages and JSON (flask-compress).

A phone on a venue's wifi downloads React, Dash's renderer and the component libraries on its
first visit; compressed, that is about a quarter of the bytes. Fingerprinted bundles never change
for a given URL, so each worker compresses each one once and keeps the result; every other
response (pages, callbacks, the API) is compressed afresh, since its content varies.
"""

from __future__ import annotations

from flask import Flask, Request
from flask_compress import Compress

# Dash's URLs for its bundles carry the package version and file time (``.v4_4_1m1795...``),
# and assets carry ``?m=<mtime>``: the same URL always means the same bytes.
_FINGERPRINTED = ("/_dash-component-suites/",)
_VERSIONED = {"/assets/": "m"}


def _cache_key(request: Request) -> str:
    """The URL for immutable bundles; empty (not cached) for everything else."""
    path = request.path
    versioned = any(path.startswith(prefix) and request.args.get(arg)
                    for prefix, arg in _VERSIONED.items())
    if path.startswith(_FINGERPRINTED) or versioned:
        return request.full_path
    return ""


class _ImmutableBundleCache:
    """Compressed bytes of fingerprinted bundles only, bounded by the (finite) set of them.

    This is a per-process memo of a pure function of files shipped with the app, not shared
    state: every worker computes the same bytes, so nothing needs to live in Redis.
    """

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._data.get(key) if not key.endswith(";") else None

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):  # flask-compress keys are "<algorithm>;<our key>"
            self._data[key] = value


def enable_compression(server: Flask) -> None:
    """Compress text responses over 500 bytes with the best encoding the browser accepts."""
    server.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip", "deflate"])
    server.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
    server.config.setdefault("COMPRESS_BR_LEVEL", 5)
    server.config.setdefault("COMPRESS_MIN_SIZE", 500)
    server.config["COMPRESS_CACHE_KEY"] = _cache_key
    server.config["COMPRESS_CACHE_BACKEND"] = _ImmutableBundleCache
    Compress(server)

"""A citywide-scale 311 export for the bench only: the bundled real sample replayed until it
holds the asked-for number of requests. Never product data, and labelled so in its name.

Each replay keeps every field of every real request (so the value distributions are the real
ones) but gives it a new CASE ID and shifts its neighborhood id, as if another part of the
city had asked for the same things. The file is one gzipped CSV in the legacy export's columns,
the shape of a whole-city download, built once and kept in ``~/.cache/kcstat-bench``.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import pandas as pd

CACHE = Path(os.environ.get("KCSTAT_BENCH_CACHE", Path.home() / ".cache" / "kcstat-bench"))
NBH_SHIFT = 10_000  # replay k's neighborhood ids are the real ones plus k × this


def parse_scale(text: str) -> int:
    """``1.5M`` → 1,500,000; ``200k`` → 200,000; ``45584`` as it is."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kKmM]?)\s*", text)
    if not match:
        raise ValueError(f"not a number of requests: {text!r} (e.g. 1.5M, 200k)")
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    return int(float(match.group(1)) * factor)


def _sample() -> pd.DataFrame:
    from kcstat_dash.sample_data import KC311_FILES

    return pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in KC311_FILES],
                     ignore_index=True)


def sample_size() -> int:
    """How many requests the bundled sample holds (one replay)."""
    return len(_sample())


def scale_file(rows: int) -> Path:
    """The replayed export of at least ``rows`` requests, built on first use."""
    path = CACHE / f"kc311-bench-only-replay-{rows}.csv.gz"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    sample = _sample()
    replays = math.ceil(rows / len(sample))
    partial = path.with_suffix(".part")
    header = True
    for k in range(replays):
        replay = sample.copy()
        if k:
            replay["CASE ID"] = replay["CASE ID"] + f"-r{k:02d}"
            ids = pd.to_numeric(replay["nbh_id"], errors="coerce")
            replay["nbh_id"] = (ids + k * NBH_SHIFT).map(
                lambda v: "" if pd.isna(v) else str(int(v)))
        replay.to_csv(partial, mode="a" if k else "w", header=header, index=False,
                      compression={"method": "gzip", "compresslevel": 1})
        header = False
    partial.rename(path)
    return path


def rows_in(path: Path) -> int:
    return sum(len(chunk) for chunk in pd.read_csv(path, dtype=str, usecols=["CASE ID"],
                                                   chunksize=500_000))

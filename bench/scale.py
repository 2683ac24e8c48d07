"""A citywide-scale 311 export for the bench only: the bundled real sample replayed until it
holds the asked-for number of requests. Never product data, and labelled so in its name.

Each replay keeps every field of every real request (so the value distributions are the real
ones) but gives it a new CASE ID and moves it to another of the city's neighborhoods (name and
id from the bundled boundary file), as if another part of the city had asked for the same
things: the replayed city has every one of its neighborhoods, as the whole city's data has,
not the sample's twelve. The file is one gzipped CSV in the legacy export's columns, the shape
of a whole-city download, built once and kept in ``~/.cache/kcstat-bench``.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import pandas as pd

CACHE = Path(os.environ.get("KCSTAT_BENCH_CACHE", Path.home() / ".cache" / "kcstat-bench"))


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


def _city_neighborhoods() -> list[tuple[str, str]]:
    """The city's named neighborhoods as (name, id), from the bundled boundary file."""
    from kcstat_dash.services.neighborhoods import boundaries

    found: dict[str, str] = {}
    for feature in boundaries()["features"]:
        properties = feature["properties"]
        name = (properties.get("nbhname") or "").strip()
        if name:
            found.setdefault(name, str(properties.get("nbhid") or ""))
    return sorted(found.items())


def _moves(sample: pd.DataFrame) -> list[dict[str, tuple[str, str]]]:
    """For each replay after the first, where each of the sample's neighborhood spellings goes:
    (name, id) of a neighborhood the sample lacks, taken in turn, so that together the replays
    cover the city. A cut-off spelling goes where its whole name goes."""
    spellings = sorted(n for n in sample["NEIGHBORHOOD"].unique() if n)
    whole = {n: max((m for m in spellings if m.startswith(n)), key=len) for n in spellings}
    names = sorted(set(whole.values()))
    others = [place for place in _city_neighborhoods() if place[0] not in names]
    moves, turn = [], 0
    while turn < len(others) or not moves:
        target = {name: others[(turn + j) % len(others)] for j, name in enumerate(names)}
        moves.append({spelling: target[whole[spelling]] for spelling in spellings})
        turn += len(names)
    return moves


def scale_file(rows: int) -> Path:
    """The replayed export of at least ``rows`` requests, built on first use."""
    path = CACHE / f"kc311-bench-only-city-replay-{rows}.csv.gz"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    sample = _sample()
    replays = math.ceil(rows / len(sample))
    partial = path.with_suffix(".part")
    header = True
    moves = _moves(sample)
    for k in range(replays):
        replay = sample.copy()
        if k:
            replay["CASE ID"] = replay["CASE ID"] + f"-r{k:02d}"
            move = moves[(k - 1) % len(moves)]
            moved = replay["NEIGHBORHOOD"].isin(list(move))
            spelling = replay.loc[moved, "NEIGHBORHOOD"]
            replay.loc[moved, "NEIGHBORHOOD"] = spelling.map({n: p[0] for n, p in move.items()})
            replay.loc[moved, "nbh_id"] = spelling.map({n: p[1] for n, p in move.items()})
        replay.to_csv(partial, mode="a" if k else "w", header=header, index=False,
                      compression={"method": "gzip", "compresslevel": 1})
        header = False
    partial.rename(path)
    return path


def thinned_file(rows: int, size: int) -> Path:
    """Every k-th request of the replayed export of ``rows``, about ``size`` of them: the same
    city (every neighborhood, every month) at the sample's size, for comparing pages by the
    number of requests alone. Built on first use."""
    path = CACHE / f"kc311-bench-only-city-replay-{rows}-thinned-{size}.csv.gz"
    if path.exists():
        return path
    step = max(1, rows // size)
    partial = path.with_suffix(".part")
    start = 0
    for k, chunk in enumerate(pd.read_csv(scale_file(rows), dtype=str, keep_default_na=False,
                                          chunksize=500_000)):
        kept = chunk.iloc[(-start) % step::step]
        start += len(chunk)
        kept.to_csv(partial, mode="a" if k else "w", header=not k, index=False,
                    compression={"method": "gzip", "compresslevel": 1})
    partial.rename(path)
    return path


def rows_in(path: Path) -> int:
    return sum(len(chunk) for chunk in pd.read_csv(path, dtype=str, usecols=["CASE ID"],
                                                   chunksize=500_000))

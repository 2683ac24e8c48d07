"""Paths to the real Kansas City data shipped inside the package (the embedded default)."""

from __future__ import annotations

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"
KC311_FILES = sorted(SAMPLE_DIR.glob("kc311_*.csv.gz"))
PUBLISHED_FIGURES = SAMPLE_DIR / "published_figures.csv"
NEIGHBORHOODS_GEOJSON = SAMPLE_DIR / "kc_neighborhoods.geojson.gz"

"""Paths to the real Kansas City data shipped inside the package (the embedded default)."""

from __future__ import annotations

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"
KC311_FILES = sorted(SAMPLE_DIR.glob("kc311_*.csv.gz"))
PUBLISHED_FIGURES = SAMPLE_DIR / "published_figures.csv"
NEIGHBORHOODS_GEOJSON = SAMPLE_DIR / "kc_neighborhoods.geojson.gz"
KCPD_MONTHLY_BY_CATEGORY = SAMPLE_DIR / "kcpd_incidents_monthly_placed_by_category.csv"
KCPD_ANNUAL = SAMPLE_DIR / "kcpd_incidents_annual_citywide.csv"
KCPD_MONTHLY_BY_NEIGHBORHOOD = SAMPLE_DIR / "kcpd_incidents_monthly_by_neighborhood.csv.gz"
FBI_UCR_ANNUAL = SAMPLE_DIR / "fbi_ucr_kcpd_annual_violent_property.csv"
RESIDENT_SURVEY = SAMPLE_DIR / "kc_resident_survey_quarterly.csv"
RESIDENT_SURVEY_BY_DISTRICT = SAMPLE_DIR / "kc_resident_survey_quarterly_by_district.csv.gz"

"""Measures from the city's resident satisfaction survey, FY2021-22 waves 1–3: a value per
wave with its n, numerator and 95% margin of error, citywide and by council district.

The figures are unweighted aggregates computed from the city's response files; that and the
credit travel with every measure (its source and definition), as the data's provenance asks.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kcstat_dash.i18n import N_
from kcstat_dash.models import DistrictObservation, ImportRun, Measure, Observation, utcnow
from kcstat_dash.services.formatting import period_end
from kcstat_dash.services.measure_catalog import BETTER
from kcstat_dash.services.own_scope import KIND_RESIDENT_SURVEY

CREDIT = N_("City of Kansas City, MO Resident Survey, FY2021-22 (unweighted, computed from "
          "response files)")
SOURCE_URL = ("https://github.com/ogilvie89scott/Resident-Survey/tree/"
              "b10cde29934ed6d921a3d4ba9f1a511a2b3ada2d")
CAVEAT = N_("Unweighted: computed from the survey's response files, not weighted to the city's "
          "population as the city's published results are. The margin of error (95%) assumes a "
          "simple random sample; a change or gap within it is not a real difference. Don't-know "
          "answers are left out of n.")
Q32_CAVEAT = N_(" The source gave this question's answers no labels: 5 = very satisfied was "
              "inferred from its positive correlation with overall satisfaction.")
SCALE_WORDS = {"sat5": N_("satisfied or very satisfied (4 or 5 on a 5-point scale)"),
               "rate5": N_("rating it good or excellent (4 or 5 on a 5-point scale)"),
               "yesno": N_("answering yes")}
DEFINITION = N_("Of residents answering the city's resident survey question on “{question}”, "
                "the percent {scale}. One value per quarterly wave, with its 95% margin of "
                "error. {better} Source: {credit}.")
# The questions as the survey's files word them (the definitions quote them), marked so that
# pages can say them in Spanish (services/measure_words.py).
QUESTIONS = {
    "q2_01": N_("overall quality of services provided by the city"),
    "q2_02": N_("overall value you receive for your city tax dollars and fees"),
    "q2_03": N_("overall image of the city"),
    "q3_12": N_("customer service you receive from city employees"),
    "q3_13": N_("overall effectiveness of city communication with the public"),
    "q1_03": N_("as a place to work"),
    "q3_16": N_("city planning and development services"),
    "q32_01": N_("job opportunities available within the city limits of kansas city"),
    "q32_03": N_("support for entrepreneurs and small business owners available in kansas city"),
    "q32_04": N_("citys use of economic development incentives to support economic opportunity "
                 "for residents"),
    "q2_05": N_("overall feeling of safety in the city"),
    "q2_06": N_("how safe you feel in your neighborhood"),
    "q3_01": N_("police services"),
    "q3_02": N_("fire and ambulance services"),
    "q5_03": N_("the citys overall efforts to prevent crime"),
    "q31_01": N_("were you or anyone in your household the victim of any crime in kansas city "
                 "missouri during the last year"),
}


@dataclass(frozen=True)
class SurveyMeasure:
    question_id: str
    slug: str
    name: str
    area: str  # an area slug


MEASURES = (
    SurveyMeasure("q2_02", "survey-value-for-taxes", N_("Satisfied with value for taxes and fees"),
                  "finance"),
    SurveyMeasure("q2_01", "survey-quality-of-services", N_("Satisfied with the overall quality of "
                  "city services"), "finance"),
    SurveyMeasure("q3_13", "survey-communication", N_("Satisfied with the city's communication "
                  "with the public"), "finance"),
    SurveyMeasure("q3_12", "survey-customer-service", N_("Satisfied with customer service from "
                  "city employees"), "finance"),
    SurveyMeasure("q2_03", "survey-image-of-city", N_("Satisfied with the overall image of the "
                  "city"), "finance"),
    SurveyMeasure("q32_01", "survey-job-opportunities", N_("Satisfied with job opportunities in "
                  "Kansas City"), "economic-development"),
    SurveyMeasure("q32_03", "survey-small-business-support", N_("Satisfied with support for "
                  "entrepreneurs and small business"), "economic-development"),
    SurveyMeasure("q32_04", "survey-economic-incentives", N_("Satisfied with the city's use of "
                  "economic development incentives"), "economic-development"),
    SurveyMeasure("q1_03", "survey-place-to-work", N_("Rate Kansas City good or excellent as a "
                  "place to work"), "economic-development"),
    SurveyMeasure("q3_16", "survey-planning-development", N_("Satisfied with planning and "
                  "development services"), "economic-development"),
    SurveyMeasure("q2_05", "survey-feeling-of-safety", N_("Satisfied with the overall feeling of "
                  "safety in the city"), "public-safety"),
    SurveyMeasure("q2_06", "survey-neighborhood-safety", N_("Satisfied with how safe they feel in "
                  "their neighborhood"), "public-safety"),
    SurveyMeasure("q5_03", "survey-crime-prevention", N_("Satisfied with the city's efforts to "
                  "prevent crime"), "public-safety"),
    SurveyMeasure("q3_01", "survey-police-services", N_("Satisfied with police services"),
                  "public-safety"),
    SurveyMeasure("q3_02", "survey-fire-ems", N_("Satisfied with fire and ambulance services"),
                  "public-safety"),
    SurveyMeasure("q31_01", "survey-crime-victimisation", N_("Households that were victims of a "
                  "crime in the past year"), "public-safety"),
)
BY_QUESTION = {m.question_id: m for m in MEASURES}


def _rows(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def definition_text(row: dict) -> str:
    """The plain words: who was asked what, which answers count, and the credit."""
    return DEFINITION.format(question=row["question_text"], scale=SCALE_WORDS[row["scale"]],
                             better=BETTER[row["better"]], credit=CREDIT)


def rule_text(row: dict) -> str:
    kept = ("answers 4 or 5" if row["scale"] in ("sat5", "rate5") else "answers yes")
    return (f"Question {row['question_id']} ({row['scale']}). Value = 100 × numerator / n, "
            f"numerator = {kept}; n = valid answers (don't know and blank left out). Margin of "
            "error = 1.96·√(p(1−p)/n) in percentage points (simple random sample, unweighted). "
            "Period = the wave's label month.")


def load_resident_survey(session: Session, areas: dict, citywide: Path, by_district: Path) -> int:
    """Each listed question as a measure with its waves and council districts."""
    rows = [r for r in _rows(citywide) if r["question_id"] in BY_QUESTION]
    district_rows = [r for r in _rows(by_district) if r["question_id"] in BY_QUESTION]
    run = ImportRun(kind="resident-survey", source=f"{citywide.name}, {by_district.name}",
                    citywide=True, rows_read=len(rows) + len(district_rows))
    session.add(run)
    session.flush()
    existing = {m.slug: m for m in session.scalars(
        select(Measure).where(Measure.slug.in_([m.slug for m in MEASURES])))}
    written = 0
    for position, spec in enumerate(MEASURES):
        waves = sorted((r for r in rows if r["question_id"] == spec.question_id),
                       key=lambda r: r["label_month"])
        if not waves:
            continue
        measure = existing.get(spec.slug)
        if measure is None:
            measure = Measure(slug=spec.slug, target=None)
            session.add(measure)
        first = waves[0]
        measure.name, measure.area, measure.kind = spec.name, areas[spec.area], \
            KIND_RESIDENT_SURVEY
        measure.unit, measure.direction = "percent", first["better"]
        measure.definition, measure.definition_rule = definition_text(first), rule_text(first)
        measure.source, measure.source_url = CREDIT, SOURCE_URL
        measure.caveat = CAVEAT + (Q32_CAVEAT if spec.question_id.startswith("q32") else "")
        measure.judged_on_n, measure.position, measure.series_break = True, 70 + position, None
        # The last wave's label month is as far as the figures speak.
        measure.data_through = period_end(waves[-1]["label_month"]).isoformat()
        session.flush()
        session.execute(delete(Observation).where(Observation.measure_id == measure.id))
        session.execute(delete(DistrictObservation)
                        .where(DistrictObservation.measure_id == measure.id))
        session.execute(Observation.__table__.insert(), [
            {"measure_id": measure.id, "period": r["label_month"],
             "value": float(r["value_pct"]), "request_count": int(r["n_valid"]),
             "numerator": int(r["numerator"]), "margin_of_error": float(r["moe95_pct"]),
             "partial": False, "provisional": False, "import_run_id": run.id,
             "source_url": SOURCE_URL} for r in waves])
        districts = [r for r in district_rows if r["question_id"] == spec.question_id]
        if districts:
            session.execute(DistrictObservation.__table__.insert(), [
                {"measure_id": measure.id, "period": r["label_month"],
                 "district": r["council_district"], "value": float(r["value_pct"]),
                 "n": int(r["n_valid"]), "numerator": int(r["numerator"]),
                 "margin_of_error": float(r["moe95_pct"])} for r in districts])
        written += len(waves)
    run.rows_added = written
    run.finished_at = utcnow()
    session.flush()
    return written

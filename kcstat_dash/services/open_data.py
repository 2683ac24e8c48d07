"""The open-data download: every measure and every observation, as CSV and JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcstat_dash.models import ImportRun
from kcstat_dash.services import measures, verdicts
from kcstat_dash.services.tabular import csv_text

LICENCE = ("Computed from Kansas City open data (data.kcmo.org), which the city's open data "
           "ordinance places in the public domain; survey figures as the city published them.")
MEASURE_FIELDS = ("slug", "name", "area", "area_slug", "unit", "direction", "definition",
                  "definition_rule", "source", "source_url", "kind", "scope", "citywide",
                  "data_through", "caveat", "series_break")
OBSERVATION_COLUMNS = ["measure_slug", "measure", "area", "unit", "direction", "period", "value",
                       "n", "partial", "provisional", "target", "status", "status_text", "scope",
                       "data_through", "source_url", "import_kind", "import_source",
                       "imported_at", "margin_of_error", "numerator", "coverage_share",
                       "caveat"]


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def open_data(session: Session) -> dict:
    """All measures, each with its observations and the target and status of each period."""
    runs = {r.id: r for r in session.scalars(select(ImportRun))}
    documents = []
    for summary in measures.list_measures(session):
        measure = measures.get_measure(session, summary["slug"])
        points = {p["period"]: p for p in measures.observation_points(measure)}
        observations = []
        for obs in measure.observations:
            run = runs.get(obs.import_run_id)
            point = points[obs.period]
            observations.append({
                "period": obs.period, "value": obs.value, "n": point["n"],
                "partial": point["partial"], "provisional": point["provisional"],
                "target": point["target"], "status": point["status"],
                "status_text": verdicts.status_label(point["status"]),
                "source_url": obs.source_url or measure.source_url,
                "import_kind": run.kind if run else None,
                "import_source": run.source if run else None,
                "imported_at": _iso(run.finished_at or run.started_at) if run else None,
                "margin_of_error": point["margin_of_error"], "numerator": point["numerator"],
                "coverage_share": point["coverage_share"],
            })
        documents.append({**{k: summary[k] for k in MEASURE_FIELDS},
                          "current_target": summary["target"], "observations": observations})
    return {"generated_at": _iso(datetime.now(UTC)), "licence": LICENCE, "measures": documents}


def open_data_json(session: Session) -> str:
    return json.dumps(open_data(session), ensure_ascii=False, indent=1)


def open_data_csv(session: Session) -> str:
    """One row per observation, with its measure's name, area, unit and direction."""
    rows = [{"measure_slug": m["slug"], "measure": m["name"], "area": m["area"],
             "unit": m["unit"], "direction": m["direction"], "scope": m["scope"],
             "data_through": m["data_through"], "caveat": m["caveat"], **obs}
            for m in open_data(session)["measures"] for obs in m["observations"]]
    return csv_text(OBSERVATION_COLUMNS, rows)

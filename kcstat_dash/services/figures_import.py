"""Imports the city's published survey figures as measures with peer comparisons and sources."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcstat_dash.i18n import N_
from kcstat_dash.models import ImportRun, Measure, Observation, PeerComparison, utcnow
from kcstat_dash.services.areas import AREA_BY_NAME
from kcstat_dash.services.formatting import is_period
from kcstat_dash.services.measures import slugify, sync_areas
from kcstat_dash.services.requests_import import ImportFileError

FIGURE_COLUMNS = ("measure", "area", "period", "value", "unit", "series", "source")
PEER_PREFIX = "peer:"

SOURCE = N_("Kansas City resident satisfaction survey, as published")
DEFINITION = N_("Percent of surveyed residents {what}. Survey years run July to June. Higher is "
                "better.")
# The measures of the bundled figures file, as it names them, marked so that pages can say
# them (and their definitions) in Spanish (services/measure_words.py).
NAMES = (N_("Satisfaction with leadership of elected officials"),
         N_("Satisfaction with overall quality of city services"),
         N_("Satisfaction with police services"),
         N_("Satisfaction with street and building maintenance"),
         N_("Satisfaction with the city's overall image"))


def definition_text(name: str) -> str:
    """``Percent of surveyed residents satisfaction with ...``: the name, lower-cased first."""
    return DEFINITION.format(what=name[:1].lower() + name[1:])


def read_figures(path: str | Path) -> list[dict]:
    path = Path(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in FIGURE_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportFileError(path.name, 1, "not a published-figures file: the header lacks "
                                  + ", ".join(missing))
        rows = []
        for row in reader:
            where = (path.name, reader.line_num)
            if row["area"] not in AREA_BY_NAME:
                raise ImportFileError(*where, f"unknown area {row['area']!r}")
            if not is_period(row["period"]):
                raise ImportFileError(*where, f"period {row['period']!r} is not YYYY-MM or FY####")
            try:
                row["value"] = float(row["value"])
            except ValueError as exc:
                raise ImportFileError(*where, f"value {row['value']!r} is not a number") from exc
            rows.append(row)
    return rows


def import_figures(session: Session, path: str | Path) -> int:
    """Store each Kansas City row as an observation and each peer row as a comparison."""
    rows = read_figures(path)
    areas = sync_areas(session)
    run = ImportRun(kind="figures", source=Path(path).name, rows_read=len(rows))
    session.add(run)
    session.flush()
    measures = {m.slug: m for m in session.scalars(select(Measure))}
    for row in rows:
        slug = slugify(row["measure"])
        measure = measures.get(slug)
        if measure is None:
            measure = Measure(slug=slug, name=row["measure"], direction="higher", kind="survey",
                              position=100, target=None)
            session.add(measure)
            measures[slug] = measure
        measure.area = areas[AREA_BY_NAME[row["area"]].slug]
        measure.unit = row["unit"]
        measure.source = SOURCE
        measure.source_url = row["source"]
        measure.definition = definition_text(row["measure"])
        session.flush()
        if row["series"].lower().startswith(PEER_PREFIX):
            peer = row["series"][len(PEER_PREFIX):].strip()
            _upsert(session, PeerComparison, dict(measure_id=measure.id, period=row["period"],
                                                  peer_name=peer),
                    value=row["value"], source_url=row["source"])
        else:
            _upsert(session, Observation, dict(measure_id=measure.id, period=row["period"]),
                    value=row["value"], source_url=row["source"], import_run_id=run.id)
    run.rows_added = len(rows)
    run.finished_at = utcnow()
    session.flush()
    return len(rows)


def _upsert(session: Session, model, keys: dict, **values) -> None:
    record = session.scalar(select(model).filter_by(**keys))
    if record is None:
        record = model(**keys)
        session.add(record)
    for name, value in values.items():
        setattr(record, name, value)

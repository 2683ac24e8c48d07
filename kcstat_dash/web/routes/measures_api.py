"""The read-only JSON API for areas, measures and their observations."""

from __future__ import annotations

from flask import Blueprint, jsonify

from kcstat_dash.services import measures
from kcstat_dash.web.extensions import db

blueprint = Blueprint("measures_api", __name__, url_prefix="/api")
# n: what the value is computed from; status: one of services.verdicts.STATUSES; a survey
# value's 95% margin of error (percentage points) and numerator (null for other measures).
OBSERVATION_FIELDS = ("period", "value", "n", "target", "partial", "provisional", "status",
                      "margin_of_error", "numerator")


@blueprint.get("/areas")
def areas():
    return jsonify([{**{k: a[k] for k in ("slug", "name", "description")},
                     "measures": [m["slug"] for m in a["measures"]]}
                    for a in measures.list_areas(db.session)])


@blueprint.get("/measures")
def measure_list():
    return jsonify(measures.list_measures(db.session))


@blueprint.get("/measures/<slug>")
def measure(slug: str):
    detail = measures.measure_detail(db.session, slug)
    detail.pop("observations")
    return jsonify(detail)


@blueprint.get("/measures/<slug>/observations")
def observations(slug: str):
    measure = measures.get_measure(db.session, slug)
    return jsonify([{k: p[k] for k in OBSERVATION_FIELDS}
                    for p in measures.observation_points(measure)])

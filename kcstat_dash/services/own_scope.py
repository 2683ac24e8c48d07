"""The scope of measures that carry their own source (police reports, the FBI's series, the
resident survey's waves): what they cover, through when, and a survey's council districts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcstat_dash.i18n import N_
from kcstat_dash.models import DistrictObservation, Measure

KIND_KCPD, KIND_UCR, KIND_RESIDENT_SURVEY = "kcpd", "fbi-ucr", "resident-survey"
OWN_SCOPE_KINDS = (KIND_KCPD, KIND_UCR, KIND_RESIDENT_SURVEY)
SCOPES = {
    KIND_KCPD: N_("Citywide: Kansas City Police Department reports"),
    KIND_UCR: N_("Citywide: offenses the Kansas City Police Department reported to the FBI"),
    KIND_RESIDENT_SURVEY: N_("Citywide sample of residents (unweighted); by council district "
                             "where the survey has it"),
}


def own_scope(measure: Measure) -> dict:
    """``measure_scope`` for these kinds: the measure's caveat stands in for the 311 coverage,
    so pages and citations show it wherever they show coverage."""
    first = measure.observations[0].period if measure.observations else None
    return {"scope": SCOPES[measure.kind], "citywide": True,
            "data_through": measure.data_through,
            "coverage": {"kind": measure.kind, "scope": SCOPES[measure.kind], "citywide": True,
                         "data_from": first, "data_through": measure.data_through,
                         "caveat": measure.caveat, "series_break": measure.series_break,
                         "dataset": measure.source, "source_url": measure.source_url}}


def district_points(session: Session, measure: Measure) -> list[dict]:
    """A survey measure's values by council district and wave, each with n and margin."""
    rows = session.scalars(select(DistrictObservation)
                           .where(DistrictObservation.measure_id == measure.id)
                           .order_by(DistrictObservation.period, DistrictObservation.district))
    return [{"period": r.period, "district": r.district, "value": r.value, "n": r.n,
             "numerator": r.numerator, "margin_of_error": r.margin_of_error} for r in rows]

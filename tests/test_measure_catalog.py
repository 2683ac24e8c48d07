"""The measure catalog against the city's real coding, which changed in 2015."""

from __future__ import annotations

import pandas as pd
import pytest

from kcstat_dash.services import measures
from kcstat_dash.services.measure_catalog import CATALOG, RequestFilter
from kcstat_dash.services.measures import select_requests

SPECIFIED = {"311-requests", "311-on-time-rate", "311-median-days-to-close",
             "pothole-on-time-rate"}


def _frame(rows):
    return pd.DataFrame(rows, columns=["category", "type"])


def test_a_rule_needs_every_column_and_any_rule_will_do():
    requests = RequestFilter.where({"category": "Water", "type": ("Leak", "No Water / Pressure")},
                                   {"category": "Water Leak"})
    frame = _frame([("Water", "Leak"), ("Water", "Quality"), ("Water Leak", "Repair"),
                    ("Sewer", "Leak"), ("Water", "No Water / Pressure")])
    kept = select_requests(frame, requests)
    assert list(kept.itertuples(index=False, name=None)) == [
        ("Water", "Leak"), ("Water Leak", "Repair"), ("Water", "No Water / Pressure")]


def test_no_rules_means_every_request():
    frame = _frame([("Trash", "City"), (None, None)])
    assert len(select_requests(frame, RequestFilter())) == 2


def test_the_definition_names_each_coding():
    text = RequestFilter.where({"category": "Street Light"},
                               {"category": "Lights / Signals", "type": "Street Light"}).describe()
    assert text == ("requests whose CATEGORY is “Street Light”; or whose CATEGORY is "
                    "“Lights / Signals” and TYPE is “Street Light”")


def test_every_area_measure_continues_across_the_2015_recoding(sample_session):
    """Each 311 measure has values both before the recoding and in the later years."""
    for definition in CATALOG:
        periods = [p["period"] for p in measures.observation_points(
            measures.get_measure(sample_session, definition.slug))]
        assert any(p < "2015-01" for p in periods), definition.slug
        assert any(p >= "2017-01" for p in periods), definition.slug


@pytest.mark.parametrize("slug, counted, left_out", [
    # The street light on a signal pole is a street light; the signal itself is not.
    ("streetlight-on-time-rate", [("Lights / Signals", "Street Light"), ("Street Light", "Outage")],
     [("Lights / Signals", "Traffic Signal")]),
    # Dead animals were picked up as trash before 2015: neither trash collection nor animal
    # control, in either coding.
    ("trash-on-time-rate", [("Trash", "City"), ("Trash / Recycling", "Trash Collection")],
     [("Trash", "Animal"), ("Trash / Recycling", "Dumping")]),
    ("animal-on-time-rate", [("Animal", "Owned or Stray at Large"), ("Animals / Pets", "Stray")],
     [("Animals / Pets", "Dead Animal"), ("Animal", "Rodent")]),
    ("code-enforcement-on-time-rate", [("Property Violations", "Private Property"),
                                       ("Property / Buildings / Construction",
                                        "Property Maintenance")],
     [("Property Violations", "Board Up")]),
    ("board-up-on-time-rate", [("Property Violations", "Board Up"),
                               ("Property / Buildings / Construction", "Dangerous Building")],
     [("Property / Buildings / Construction", "Property Maintenance")]),
    ("water-median-days-to-close", [("Water Leak", "Investigations"), ("Water", "Leak")],
     [("Water Services", "Administration"), ("Water Leak", "Pavement Restoration")]),
])
def test_real_spellings_are_counted_and_other_work_is_not(slug, counted, left_out):
    requests = next(d.requests for d in CATALOG if d.slug == slug)
    kept = set(select_requests(_frame(counted + left_out), requests).itertuples(
        index=False, name=None))
    assert kept == set(counted)


def test_the_specified_measures_keep_their_definitions():
    by_slug = {d.slug: d for d in CATALOG}
    assert SPECIFIED <= set(by_slug)
    for slug in ("311-requests", "311-on-time-rate", "311-median-days-to-close"):
        assert by_slug[slug].requests.rules == ()
    pothole = by_slug["pothole-on-time-rate"]
    frame = _frame([("Streets / Roadways / Alleys", "Pothole"), ("Pothole", "Street"),
                    ("Streets / Roadways / Alleys", "Crack")])
    assert len(select_requests(frame, pothole.requests)) == 2
    assert (pothole.statistic.key, pothole.direction) == ("on_time_rate", "higher")

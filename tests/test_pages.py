"""The measures pages, built by their layout functions on real data (both databases)."""

from __future__ import annotations

from callbacks import pages
from kcstat_dash.db import db
from kcstat_dash.models import Narrative
from kcstat_dash.services import measures
from kcstat_dash.services.areas import AREAS


def text_of(component) -> str:
    """Every string a component tree renders, in order (what a screen reader would get)."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None))


def find_class(component, class_name: str) -> list:
    found = []
    if isinstance(component, list | tuple):
        for child in component:
            found += find_class(child, class_name)
        return found
    if component is None or isinstance(component, str | int | float):
        return found
    if class_name in (getattr(component, "className", None) or "").split():
        found.append(component)
    return found + find_class(getattr(component, "children", None), class_name)


def test_overview_lists_every_area_and_writes_each_status_in_words(app):
    page = text_of(pages.overview())
    for definition in AREAS:
        assert definition.name in page
    statuses = {m["status"] for m in measures.list_measures(db.session)}
    # The status words a resident reads (issue 13), written out here, not taken from the code.
    words = {"met": "Target met", "missed": "Target missed", "no-target": "No target",
             "too-few": "Too few to judge"}
    for status in statuses:
        assert words[status] in page
    assert len(find_class(pages.overview(), "status-badge")) == len(
        measures.list_measures(db.session))


def _missed_measure(session) -> dict:
    """A 311 measure made to miss its target in its latest complete month (its headline; the
    partial month after it is never judged) by a target out of reach."""
    target = measures.get_measure(session, "311-median-days-to-close")
    latest = measures.headline_observation(target)
    measures.set_target(session, target, latest.period, 0.0)
    session.commit()
    return {"slug": target.slug, "period": latest.period, "id": target.id}


def test_missed_target_without_narrative_is_marked_until_one_is_published(app):
    missed = _missed_measure(db.session)
    page = pages.measure(slug=missed["slug"])
    markers = find_class(page, "narrative-missing")
    assert len(markers) == 1 and "Narrative missing" in text_of(markers)

    db.session.add(Narrative(measure_id=missed["id"], period=missed["period"],
                             body="Crews were reassigned to the ice storm response."))
    db.session.commit()
    page = pages.measure(slug=missed["slug"])
    assert not find_class(page, "narrative-missing")
    assert "Crews were reassigned to the ice storm response." in text_of(page)


def test_a_met_target_has_no_missing_narrative_marker(app):
    met = next(m for m in measures.list_measures(db.session) if m["status"] == "met")
    assert not find_class(pages.measure(slug=met["slug"]), "narrative-missing")


def test_an_area_without_311_measures_says_so(app):
    areas = {a["slug"]: a for a in measures.list_areas(db.session)}
    without = [slug for slug, a in areas.items()
               if not any(m["kind"] == "311" for m in a["measures"])]
    assert without, "the catalog leaves at least one area to the survey alone"
    for slug in without:
        page = pages.area(slug=slug)
        assert find_class(page, "no-311-data")
        assert "no requests" in text_of(find_class(page, "no-311-data"))


def test_an_area_with_311_measures_lists_them(app):
    page = text_of(pages.area(slug="infrastructure"))
    assert "Pothole requests closed on time" in page


def test_unknown_measure_and_area_give_the_not_found_state(app):
    for page, words in ((pages.measure(slug="no-such-measure"), "Measure not found"),
                        (pages.area(slug="no-such-area"), "Area not found"),
                        (pages.measure(slug=None), "Measure not found")):
        assert find_class(page, "empty-state")
        assert words in text_of(page)


def test_measure_page_shows_trend_table_and_neighborhoods(app):
    detail = measures.measure_detail(db.session, "pothole-on-time-rate")
    page = pages.measure(slug="pothole-on-time-rate")
    assert find_class(page, "trend-chart") and find_class(page, "data-table")
    hoods = find_class(page, "neighborhoods")
    assert hoods and detail["neighborhoods"][0]["neighborhood"] in text_of(hoods)


def test_empty_database_pages_say_there_is_no_data(session):
    from kcstat_dash.services.measures import sync_catalog

    sync_catalog(session)
    session.commit()
    assert "No data is loaded yet" in text_of(pages.overview())
    page = pages.measure(slug="311-requests")
    assert "No values yet" in text_of(page)

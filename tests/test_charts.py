"""The offline neighborhood map: outlines from the boundary file, coloured by value."""

from __future__ import annotations

from kcstat_dash.services.neighborhoods import outlines
from layouts.charts import neighborhood_map


def _detail(rows):
    return {"unit": "percent", "neighborhoods": [
        {"neighborhood": name, "value": value, "request_count": count, "window": "2020-01 to 09"}
        for name, value, count in rows]}


def _darkness(colour: str) -> int:
    red, green, blue = (int(part) for part in colour[colour.index("(") + 1:-1].split(","))
    return -(red + green + blue)


def test_each_neighborhood_is_a_filled_outline_darker_for_higher_values():
    figure = neighborhood_map(_detail([("Longfellow", 90.5, 1200), ("Hospital Hill", 40.0, 80),
                                       ("Squier Park", 65.0, 30)]))
    traces = figure["data"]
    by_name = {t["name"].split(":")[0]: t for t in traces
               if t.get("name") and "requests)" in t["name"]}
    assert set(by_name) == {"Longfellow", "Hospital Hill", "Squier Park"}
    for name, trace in by_name.items():
        assert trace["fill"] == "toself"
        assert list(trace["x"]) == outlines()[name][0]
    assert (_darkness(by_name["Longfellow"]["fillcolor"])
            > _darkness(by_name["Squier Park"]["fillcolor"])
            > _darkness(by_name["Hospital Hill"]["fillcolor"]))
    assert "Longfellow: 90.5% (1,200 requests)" in [t.get("name") for t in traces]
    # No geo trace: nothing needs a world map from a CDN.
    assert {t["type"] for t in traces} == {"scatter"}
    assert figure["layout"]["yaxis"]["scaleanchor"] == "x"


def test_neighbors_without_data_are_grey_context_not_values():
    figure = neighborhood_map(_detail([("Longfellow", 90.0, 120)]))
    context = [t for t in figure["data"] if t.get("name", "").endswith("no requests")]
    assert context and all(t["fillcolor"] == "#eeeeee" for t in context)
    assert "Longfellow: no requests" not in [t["name"] for t in context]


def test_no_map_when_no_neighborhood_has_a_known_boundary():
    assert neighborhood_map(_detail([("Atlantis", 50.0, 3)])) is None


def test_map_figure_is_valid_plotly():
    """The map is built without per-render validation; plotly's validators must still accept it."""
    import plotly.graph_objects as go

    figure = neighborhood_map(_detail([("Longfellow", 90.5, 1200), ("Hospital Hill", 40.0, 80)]))
    go.Figure(figure)  # raises ValueError on any invalid property


def test_the_numbers_plotly_writes_itself_use_the_language_s_separators():
    """Axis ticks and the colour bar are Plotly's own text: English writes 4.5 and 12,345,
    Spanish 4,5 and 12.345 (CLDR), so the figure names the decimal sign, then the group sign."""
    from kcstat_dash import i18n

    rows = [("Longfellow", 90.5, 1200), ("Hospital Hill", 40.0, 80)]
    assert neighborhood_map(_detail(rows))["layout"]["separators"] == ".,"
    with i18n.using("es"):
        figure = neighborhood_map(_detail(rows))
    assert figure["layout"]["separators"] == ",."


def test_drawn_outlines_stay_within_the_tolerance_of_the_boundary_file():
    """The map draws simplified outlines: every corner of the file's outer rings lies close to
    the drawn ring, with far fewer points to send. Douglas-Peucker keeps a dropped corner
    within the tolerance of the segment that replaced it, but a closed ring's fixed first point
    can leave one up to about 1.5 times that: twice DRAW_TOLERANCE (about 20 m, a fifth of a
    pixel on the map) plus the rounding to five decimals."""
    from shapely.geometry import LineString, Point

    from kcstat_dash.services.neighborhoods import DRAW_TOLERANCE, boundaries

    shapes = outlines()
    original_points = drawn_points = 0
    for feature in boundaries()["features"]:
        name = (feature["properties"].get("nbhname") or "").strip()
        geometry = feature["geometry"]
        polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                    else geometry["coordinates"])
        xs, ys = shapes[name]
        drawn = LineString([(x, y) for x, y in zip(xs, ys, strict=True) if x is not None])
        for polygon in polygons:
            original_points += len(polygon[0])
            for corner in polygon[0]:
                assert drawn.distance(Point(corner)) <= 2 * DRAW_TOLERANCE + 2e-5, name
    drawn_points = sum(len(xs) for xs, _ys in shapes.values())
    assert drawn_points < original_points / 3

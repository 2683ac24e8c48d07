"""Kansas City's neighborhood boundaries, and the repair of names the 311 export truncated."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache

from shapely.geometry import LinearRing

from kcstat_dash.sample_data import NEIGHBORHOODS_GEOJSON

# The 311 export cuts NEIGHBORHOOD at 30 characters ("18th And Vine And Downtown Eas").
EXPORT_NAME_LIMIT = 30


@lru_cache(maxsize=1)
def boundaries() -> dict:
    """The neighborhood FeatureCollection (properties: nbhname, nbhid, ...)."""
    with gzip.open(NEIGHBORHOODS_GEOJSON, "rt", encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def _names_by_lower() -> dict[str, str]:
    return {f["properties"]["nbhname"].strip().lower(): f["properties"]["nbhname"].strip()
            for f in boundaries()["features"] if f["properties"].get("nbhname")}


def canonical_name(name: str | None) -> str | None:
    """The full neighborhood name for a name as exported, repairing truncation and case."""
    if not name or not name.strip():
        return None
    cleaned = " ".join(name.split())
    known = _names_by_lower()
    exact = known.get(cleaned.lower())
    if exact:
        return exact
    if len(cleaned) >= EXPORT_NAME_LIMIT - 1:
        matches = [full for low, full in known.items() if low.startswith(cleaned.lower())]
        if len(matches) == 1:
            return matches[0]
    return cleaned


# How far a drawn outline may stray from the boundary file's, in degrees: about 10 m, a tenth
# of a pixel on the measure page's map of the city. The file's 25,777 outline points become
# about 5,000, so a map of every neighborhood is a fifth of the bytes to send and draw.
DRAW_TOLERANCE = 0.0001


@lru_cache(maxsize=1)
def outlines() -> dict[str, tuple[list[float | None], list[float | None]]]:
    """Each neighborhood's outer rings as longitude and latitude lists, rings split by None,
    simplified to ``DRAW_TOLERANCE`` (for drawing only; nothing is measured on them).

    Plain coordinates, so a chart can draw the map itself without a map library or tiles.
    Holes are left out: at neighborhood scale they would only hide the fill. The few unnamed
    areas of the boundary file come under the name "" (they are part of the city's map too).
    """
    shapes: dict[str, tuple[list[float | None], list[float | None]]] = {}
    for feature in boundaries()["features"]:
        name = (feature["properties"].get("nbhname") or "").strip()
        geometry = feature.get("geometry") or {}
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                    else geometry["coordinates"])
        xs, ys = shapes.setdefault(name, ([], []))
        for polygon in polygons:
            ring = LinearRing(polygon[0]).simplify(DRAW_TOLERANCE, preserve_topology=True)
            if xs:
                xs.append(None)
                ys.append(None)
            # Five decimals of a degree is about a metre, finer than a screen shows; the file's
            # fifteen would double the bytes of every map sent to a browser.
            xs.extend(round(x, 5) for x, _y in ring.coords)
            ys.extend(round(y, 5) for _x, y in ring.coords)
    return shapes
